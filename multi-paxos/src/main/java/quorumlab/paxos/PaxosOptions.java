package quorumlab.paxos;

import quorumlab.protocols.Options;

/** The resolved options, in nanoseconds where they are times. */
record PaxosOptions(long electionMinNs, long electionMaxNs, long heartbeatNs, int window, int maxBatch,
        long retransmitNs, long backoffMaxNs, long snapshotEveryEntries) {
    private static final long MS = 1_000_000L;

    static PaxosOptions from(Options o) {
        long min = o.getLong("electionTimeoutMinMs");
        long max = o.getLong("electionTimeoutMaxMs");
        if (max < min) {
            throw new IllegalArgumentException("option 'electionTimeoutMaxMs' of multi-paxos must be at least electionTimeoutMinMs ("
                    + min + "), got " + max);
        }
        return new PaxosOptions(min * MS, max * MS, o.getLong("heartbeatIntervalMs") * MS,
                (int) o.getLong("pipelineWindow"), (int) o.getLong("maxBatch"), o.getLong("retransmitMs") * MS,
                o.getLong("backoffMaxMs") * MS, o.getLong("snapshotEveryEntries"));
    }
}
