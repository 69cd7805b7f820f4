package quorumlab.primarybackup;

import java.util.List;
import quorumlab.protocols.OptionSpec;
import quorumlab.protocols.Options;

/** Primary-backup's options, typed, in nanoseconds where they are times. */
record PrimaryBackupOptions(long takeoverMinNs, long takeoverMaxNs, long heartbeatNs, int maxBatch) {
    private static final long MS = 1_000_000L;

    /**
     * The timeout and heartbeat share their names with Raft and Multi-Paxos, so a scenario's
     * {@code options.common} sets them for all three; here the "election" is a takeover with no vote.
     */
    static final List<OptionSpec> SPECS = List.of(
            OptionSpec.ofLong("electionTimeoutMinMs", 150, 1,
                    "least time a backup goes without hearing the primary before it takes over (no vote, no quorum)"),
            OptionSpec.ofLong("electionTimeoutMaxMs", 300, 1, "greatest such time (drawn uniformly)"),
            OptionSpec.ofLong("heartbeatIntervalMs", 50, 1,
                    "how often the primary tells the backups it is alive and resends what they lack"),
            OptionSpec.ofLong("maxBatch", 64, 1, "most entries one Replicate message carries"));

    static PrimaryBackupOptions from(Options o) {
        long min = o.getLong("electionTimeoutMinMs");
        long max = o.getLong("electionTimeoutMaxMs");
        if (max < min) {
            throw new IllegalArgumentException("option 'electionTimeoutMaxMs' of primary-backup must be at least electionTimeoutMinMs ("
                    + min + "), got " + max);
        }
        return new PrimaryBackupOptions(min * MS, max * MS, o.getLong("heartbeatIntervalMs") * MS,
                (int) o.getLong("maxBatch"));
    }
}
