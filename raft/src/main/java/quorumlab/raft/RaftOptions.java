package quorumlab.raft;

import java.util.List;
import quorumlab.protocols.OptionSpec;
import quorumlab.protocols.Options;

/**
 * Raft's options, typed. Every default gives the algorithm of the paper's Figure 2, with one
 * exception: a follower whose log is too short says where it ends ({@code lastIndexHint}, as
 * LogCabin and etcd do), so catching up after a partition costs one round trip, not one per missing
 * entry; {@code lastIndexHint: false} is Figure 2 to the letter. The thesis options (Ongaro 2014)
 * are off until a scenario turns them on.
 */
record RaftOptions(
        long electionTimeoutMinNanos,
        long electionTimeoutMaxNanos,
        long heartbeatIntervalNanos,
        int maxEntriesPerAppend,
        int pipelining,
        boolean lastIndexHint,
        boolean fastBacktrack,
        boolean preVote,
        boolean checkQuorum,
        boolean readIndex,
        boolean noOpOnElection,
        long snapshotEveryEntries,
        boolean jointConsensus) {

    private static final long MS = 1_000_000L;

    /** The names the electionTimeout and heartbeat options share with Multi-Paxos. */
    static final List<OptionSpec> SPECS = List.of(
            OptionSpec.ofLong("electionTimeoutMinMs", 150, 1,
                    "smallest randomized election timeout, in ms (Raft §5.2)"),
            OptionSpec.ofLong("electionTimeoutMaxMs", 300, 1,
                    "largest randomized election timeout, in ms (Raft §5.2)"),
            OptionSpec.ofLong("heartbeatIntervalMs", 50, 1,
                    "how often an idle leader sends empty AppendEntries, in ms"),
            OptionSpec.ofLong("maxEntriesPerAppend", 64, 1,
                    "batching: most log entries one AppendEntries carries"),
            OptionSpec.ofLong("pipelining", 1, 1,
                    "most AppendEntries in flight to one follower (1 = wait for each reply)"),
            OptionSpec.ofBoolean("lastIndexHint", true,
                    "a follower whose log ends before prevLogIndex reports its last index, so nextIndex jumps there in one"
                            + " step (LogCabin, etcd); false = Figure 2's one entry per round trip"),
            OptionSpec.ofBoolean("fastBacktrack", false,
                    "a rejected AppendEntries carries a conflict hint so nextIndex skips a whole term (Raft §5.3)"),
            OptionSpec.ofBoolean("preVote", false,
                    "a candidate first asks whether it could win before raising its term (thesis §9.6)"),
            OptionSpec.ofBoolean("checkQuorum", false,
                    "a leader that hears from no majority for an election timeout steps down (thesis §6.2), and a server"
                            + " that heard a leader within the minimum election timeout ignores RequestVote (§4.2.3), as etcd does"),
            OptionSpec.ofBoolean("readIndex", false,
                    "reads skip the log: the leader confirms it still leads, then reads at its commit index (thesis §6.4)"),
            OptionSpec.ofBoolean("noOpOnElection", false,
                    "a new leader appends a no-op so entries of earlier terms commit at once (Raft §8)"),
            OptionSpec.ofLong("snapshotEveryEntries", 10_000, 0,
                    "log compaction: snapshot the state machine and drop the log once this many entries are applied"
                            + " since the last snapshot; 0 = never (Raft §7)"),
            new OptionSpec("membership", String.class, "single", "how the configuration changes: single (one server per"
                    + " change, thesis ch. 4) or joint (joint consensus through C_old,new, Raft §6)", 0));

    static RaftOptions from(Options options) {
        long min = options.getLong("electionTimeoutMinMs");
        long max = options.getLong("electionTimeoutMaxMs");
        if (max < min) {
            throw new IllegalArgumentException("option 'electionTimeoutMaxMs' of raft must be at least electionTimeoutMinMs ("
                    + min + "), got " + max);
        }
        String membership = options.getString("membership");
        if (!membership.equals("single") && !membership.equals("joint")) {
            throw new IllegalArgumentException("option 'membership' of raft must be single or joint, got '" + membership + "'");
        }
        return new RaftOptions(
                min * MS,
                max * MS,
                options.getLong("heartbeatIntervalMs") * MS,
                (int) Math.min(Integer.MAX_VALUE, options.getLong("maxEntriesPerAppend")),
                (int) Math.min(Integer.MAX_VALUE, options.getLong("pipelining")),
                options.getBoolean("lastIndexHint"),
                options.getBoolean("fastBacktrack"),
                options.getBoolean("preVote"),
                options.getBoolean("checkQuorum"),
                options.getBoolean("readIndex"),
                options.getBoolean("noOpOnElection"),
                options.getLong("snapshotEveryEntries"),
                membership.equals("joint"));
    }

    /**
     * Thesis §6.4: a read index is only safe once the leader has committed an entry of its own term,
     * so with read-index reads a new leader appends a no-op at once rather than wait for a write.
     */
    boolean appendNoOpOnElection() {
        return noOpOnElection || readIndex;
    }
}
