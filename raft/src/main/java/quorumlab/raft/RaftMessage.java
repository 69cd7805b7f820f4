package quorumlab.raft;

import java.util.List;
import quorumlab.protocols.ConfigurationCommand;
import quorumlab.protocols.KvStateMachine;
import quorumlab.protocols.Message;
import quorumlab.protocols.MessageCategory;
import quorumlab.protocols.NodeId;

/**
 * The RPCs of Raft and their replies, with the fields of the paper's Figure 2, and InstallSnapshot
 * of Figure 13 (§7). A few fields beyond the paper serve the options and an unreliable network;
 * each says why it is there.
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

        @Override
        public MessageCategory category() {
            return MessageCategory.ELECTION;
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

        @Override
        public MessageCategory category() {
            return MessageCategory.ELECTION;
        }
    }

    /**
     * Invoked by the leader to replicate log entries (Raft §5.3); also used as heartbeat (§5.2).
     * {@code appendId} numbers the leader's appends (and snapshots) within its term, and the reply
     * echoes it with the term, so the leader matches each reply to the append it answers: a
     * duplicated or late reply frees no second slot of the pipeline, and a reply proves the follower
     * followed this leader after the instant the append was sent, the proof of leadership that
     * read-index reads need (thesis §6.4).
     */
    record AppendEntries(
            long term,
            NodeId leaderId,
            long prevLogIndex,
            long prevLogTerm,
            List<LogEntry> entries,
            long leaderCommit,
            long appendId)
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

        /** An append without entries is a heartbeat. */
        @Override
        public MessageCategory category() {
            return entries.isEmpty() ? MessageCategory.HEARTBEAT : MessageCategory.REPLICATION;
        }
    }

    /**
     * {@code matchIndex} is the last index the follower now holds in agreement with the leader
     * (prevLogIndex + entries), so duplicated or reordered replies cannot mislead the leader.
     * On a rejection, {@code conflictIndex} is where the leader should retry: prevLogIndex (one step
     * back, Figure 2), one past the follower's last entry when its log is too short
     * (lastIndexHint), or, with fast backtracking, the first index of the follower's conflicting
     * term {@code conflictTerm} (0 when the follower's log is simply too short).
     * {@code appendTerm} and {@code appendId} echo the append's term and id: {@code term} is the
     * follower's, which may be later than the append's. {@code heartbeat} tells whether the append
     * carried no entries, for the cost categories.
     */
    record AppendEntriesReply(
            long term,
            boolean success,
            long matchIndex,
            long conflictIndex,
            long conflictTerm,
            long appendTerm,
            long appendId,
            boolean heartbeat)
            implements RaftMessage {
        @Override
        public int sizeBytes() {
            return 57;
        }

        @Override
        public MessageCategory category() {
            return heartbeat ? MessageCategory.HEARTBEAT : MessageCategory.REPLICATION;
        }
    }

    /**
     * Invoked by the leader to send a follower the snapshot that replaced the entries it needs
     * (Raft §7, Figure 13). The snapshot travels whole, in one message, so the paper's
     * {@code offset} and {@code done} (for chunking) are left out. {@code appendId} as in
     * AppendEntries: snapshots and appends are numbered together. The snapshot's configuration
     * travels with it ({@code configuration} set at {@code configurationIndex}; null: the bootstrap one).
     */
    record InstallSnapshot(
            long term,
            NodeId leaderId,
            long lastIncludedIndex,
            long lastIncludedTerm,
            KvStateMachine.Snapshot data,
            long appendId,
            ConfigurationCommand configuration,
            long configurationIndex)
            implements RaftMessage {
        @Override
        public int sizeBytes() {
            return 56 + data.sizeBytes() + (configuration != null ? configuration.sizeBytes() : 0);
        }

        @Override
        public MessageCategory category() {
            return MessageCategory.CATCH_UP;
        }
    }

    /**
     * Figure 13's reply carries only {@code term}; {@code lastIncludedIndex} echoes the snapshot so
     * the leader knows what the follower now holds even if replies are duplicated or reordered;
     * {@code appendTerm} and {@code appendId} echo the snapshot's, as in AppendEntriesReply.
     */
    record InstallSnapshotReply(long term, long lastIncludedIndex, long appendTerm, long appendId)
            implements RaftMessage {
        @Override
        public int sizeBytes() {
            return 40;
        }

        @Override
        public MessageCategory category() {
            return MessageCategory.CATCH_UP;
        }
    }
}
