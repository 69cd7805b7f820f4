package quorumlab.protocols;

/**
 * The settings a fair comparison holds equal across protocols, each protocol mapping them onto its
 * own options ({@link Protocol#matchedOptions}). A difference the report shows under these settings
 * is a difference of the protocols, not of their defaults.
 *
 * @param electionTimeoutMinMs smallest randomized election timeout (Raft) / phase-1 timeout (Paxos)
 * @param electionTimeoutMaxMs largest such timeout
 * @param heartbeatIntervalMs how often an idle leader proves it is alive
 * @param maxBatch most commands one replication message (AppendEntries, Accept) carries
 * @param maxInFlight most replication messages outstanding to one follower/acceptor
 * @param retransmitMs how long an unacknowledged replication message waits before it is resent
 */
public record MatchedSettings(long electionTimeoutMinMs, long electionTimeoutMaxMs, long heartbeatIntervalMs,
        long maxBatch, long maxInFlight, long retransmitMs) {

    /** The {@code matched} profile that {@code compare} uses unless a scenario sets options. */
    public static final MatchedSettings DEFAULT = new MatchedSettings(150, 300, 50, 64, 8, 50);
}
