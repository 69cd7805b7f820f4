package quorumlab.raft;

import java.util.List;
import quorumlab.protocols.Message;
import quorumlab.protocols.NodeId;

/**
 * The two RPCs of Raft and their replies, with the fields of the paper's Figure 2. A few fields
 * beyond the paper serve the options and an unreliable network; each says why it is there.
 */
public sealed interface RaftMessage extends Message {
    long term();

    /**
     * Invoked by candidates to gather votes (Raft §5.2). With {@code preVote} it is the thesis's
     * pre-vote (§9.6): "would you vote for me in {@code term}?" — the receiver changes nothing.
     */
    record RequestVote(long term, NodeId candidateId, long lastLogIndex, long lastLogTerm, boolean preVote)
            implements RaftMessage {
        @Override
        public int sizeBytes() {
            return 40;
        }

        @Override
        public String typeName() {
            return preVote ? "PreVote" : "RequestVote";
        }
    }

    record RequestVoteReply(long term, boolean voteGranted, boolean preVote) implements RaftMessage {
        @Override
        public int sizeBytes() {
            return 24;
        }

        @Override
        public String typeName() {
            return preVote ? "PreVoteReply" : "RequestVoteReply";
        }
    }

    /**
     * Invoked by the leader to replicate log entries (Raft §5.3); also used as heartbeat (§5.2).
     * {@code round} numbers the leader's rounds of appends, and the reply echoes it, so a reply
     * proves the follower still followed after a given instant: the read-index option needs that
     * proof of leadership (thesis §6.4).
     */
    record AppendEntries(
            long term,
            NodeId leaderId,
            long prevLogIndex,
            long prevLogTerm,
            List<LogEntry> entries,
            long leaderCommit,
            long round)
            implements RaftMessage {
        public AppendEntries {
            entries = List.copyOf(entries);
        }

        @Override
        public int sizeBytes() {
            int bytes = 56;
            for (LogEntry e : entries) bytes += e.sizeBytes();
            return bytes;
        }
    }

    /**
     * {@code matchIndex} is the last index the follower now holds in agreement with the leader
     * (prevLogIndex + entries), so duplicated or reordered replies cannot mislead the leader.
     * On a rejection, {@code conflictIndex} is where the leader should retry: prevLogIndex (one step
     * back, the paper's default) or, with fast backtracking, the first index of the follower's
     * conflicting term {@code conflictTerm} (0 when the follower's log is simply too short).
     * {@code round} echoes the append's.
     */
    record AppendEntriesReply(
            long term, boolean success, long matchIndex, long conflictIndex, long conflictTerm, long round)
            implements RaftMessage {
        @Override
        public int sizeBytes() {
            return 48;
        }
    }
}
