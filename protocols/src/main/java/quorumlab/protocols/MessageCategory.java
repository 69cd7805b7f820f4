package quorumlab.protocols;

/**
 * What a peer message is for, in categories both protocols share, so their costs can be compared
 * bar for bar (a Raft heartbeat and a Paxos heartbeat land in the same bar).
 */
public enum MessageCategory {
    /** Winning leadership: RequestVote and its replies; Prepare and Promise. */
    ELECTION,
    /** Carrying commands: AppendEntries with entries and its replies; Accept and Accepted. */
    REPLICATION,
    /** Proving the leader is alive: empty AppendEntries and their replies; Paxos heartbeats. */
    HEARTBEAT,
    /** Telling learners what was chosen, apart from replication: Paxos Chosen/Decision. */
    COMMIT,
    /** Bringing a lagging node up to date: InstallSnapshot, catch-up requests and answers. */
    CATCH_UP,
    /** Anything else. */
    OTHER;

    /** The name used in traces and reports: lower case with a hyphen ({@code catch-up}). */
    public String label() {
        return name().toLowerCase().replace('_', '-');
    }
}
