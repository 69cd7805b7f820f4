package quorumlab.paxos;

import java.util.List;
import quorumlab.protocols.OptionSpec;
import quorumlab.protocols.Options;

/** Multi-Paxos's options, typed, in nanoseconds where they are times. */
record PaxosOptions(long electionMinNs, long electionMaxNs, long heartbeatNs, int window, int maxBatch,
        long retransmitNs, long backoffMaxNs, long snapshotEveryEntries, boolean leaderLease) {
    private static final long MS = 1_000_000L;

    /** The names the electionTimeout and heartbeat options share with Raft. */
    static final List<OptionSpec> SPECS = List.of(
            OptionSpec.ofLong("electionTimeoutMinMs", 150, 1, "least time without a heartbeat before starting phase 1"),
            OptionSpec.ofLong("electionTimeoutMaxMs", 300, 1, "greatest such time (drawn uniformly)"),
            OptionSpec.ofLong("heartbeatIntervalMs", 50, 1, "how often the leader tells the others it is alive"),
            OptionSpec.ofLong("pipelineWindow", 64, 1, "α: the leader proposes no slot at or beyond its first unchosen slot + this; a configuration chosen in slot i governs slots from i + this on"),
            OptionSpec.ofLong("maxBatch", 1, 1, "commands per Accept message"),
            OptionSpec.ofLong("retransmitMs", 100, 1, "how often the leader resends Accept for outstanding slots"),
            OptionSpec.ofLong("backoffMaxMs", 150, 0, "extra random delay after a preempted phase 1 (dueling proposers)"),
            OptionSpec.ofLong("snapshotEveryEntries", 10_000, 0,
                    "compaction: snapshot the state machine once this many slots are applied since the last snapshot;"
                            + " slots every node has in a snapshot are then forgotten; 0 = never"),
            OptionSpec.ofBoolean("leaderLease", false,
                    "an acceptor that heard from a leader within the minimum election timeout ignores another"
                            + " proposer's Prepare (the analogue of Raft thesis §4.2.3); it only delays promises"));

    static PaxosOptions from(Options o) {
        long min = o.getLong("electionTimeoutMinMs");
        long max = o.getLong("electionTimeoutMaxMs");
        if (max < min) {
            throw new IllegalArgumentException("option 'electionTimeoutMaxMs' of multi-paxos must be at least electionTimeoutMinMs ("
                    + min + "), got " + max);
        }
        return new PaxosOptions(min * MS, max * MS, o.getLong("heartbeatIntervalMs") * MS,
                (int) o.getLong("pipelineWindow"), (int) o.getLong("maxBatch"), o.getLong("retransmitMs") * MS,
                o.getLong("backoffMaxMs") * MS, o.getLong("snapshotEveryEntries"),
                o.getBoolean("leaderLease"));
    }
}
