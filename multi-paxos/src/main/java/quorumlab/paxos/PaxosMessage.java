package quorumlab.paxos;

import java.util.List;
import quorumlab.protocols.Command;
import quorumlab.protocols.Message;
import quorumlab.protocols.MessageCategory;

/** The messages of Multi-Paxos, named as in "Paxos Made Simple" (phase 1a/1b, 2a/2b). */
sealed interface PaxosMessage extends Message {

    /** A value for one slot. */
    record SlotValue(long slot, Command command) {
        /** The cost model's bytes of a batch: 8 per slot number and the commands'. A loop, not a stream: every Accept and Chosen is counted. */
        static int sizeBytes(List<SlotValue> values) {
            int size = 0;
            for (SlotValue v : values) size += 8 + v.command().sizeBytes();
            return size;
        }
    }

    /** What an acceptor accepted for one slot, and in which ballot. */
    record AcceptedValue(long slot, Ballot ballot, Command command) {}

    /** Phase 1a: one Prepare covers every slot from {@code fromSlot} on (Multi-Paxos). */
    record Prepare(Ballot ballot, long fromSlot) implements PaxosMessage {
        @Override
        public MessageCategory category() {
            return MessageCategory.ELECTION;
        }
    }

    /**
     * Phase 1b: the acceptor promises {@code ballot} and reports what it accepted from {@code fromSlot}
     * on (the Prepare's): the promise counts towards a quorum only for those slots.
     */
    record Promise(Ballot ballot, long fromSlot, List<AcceptedValue> accepted) implements PaxosMessage {
        @Override
        public int sizeBytes() {
            int size = 40;
            for (AcceptedValue a : accepted) size += 24 + a.command().sizeBytes();
            return size;
        }

        @Override
        public MessageCategory category() {
            return MessageCategory.ELECTION;
        }
    }

    /** Phase 2a: accept these values (a batch of slots) in {@code ballot}. */
    record Accept(Ballot ballot, List<SlotValue> values) implements PaxosMessage {
        @Override
        public int sizeBytes() {
            return 24 + SlotValue.sizeBytes(values);
        }

        @Override
        public MessageCategory category() {
            return MessageCategory.REPLICATION;
        }
    }

    /**
     * Phase 2b: the acceptor accepted {@code slots} in {@code ballot}. {@code snapshotIndex} is not
     * Paxos: it tells the leader how far this node's durable snapshot reaches, so the leader can
     * tell everyone which slots all nodes have in a snapshot and may forget (compaction).
     */
    record Accepted(Ballot ballot, List<Long> slots, long snapshotIndex) implements PaxosMessage {
        @Override
        public int sizeBytes() {
            return 32 + 8 * slots.size();
        }

        @Override
        public MessageCategory category() {
            return MessageCategory.REPLICATION;
        }
    }

    /**
     * The acceptor refused {@code rejected}: it has promised the higher {@code promised}. Whether it
     * answers a Prepare or an Accept, it tells a proposer that another leads, so it counts as election.
     */
    record Nack(Ballot rejected, Ballot promised) implements PaxosMessage {
        @Override
        public MessageCategory category() {
            return MessageCategory.ELECTION;
        }
    }

    /**
     * The decision, sent by the leader to every learner; or, with {@code catchUp}, resent to one
     * learner that asked with {@link CatchUp} (the flag only sorts the cost categories).
     */
    record Chosen(Ballot ballot, List<SlotValue> values, boolean catchUp) implements PaxosMessage {
        @Override
        public int sizeBytes() {
            return 24 + SlotValue.sizeBytes(values);
        }

        @Override
        public MessageCategory category() {
            return catchUp ? MessageCategory.CATCH_UP : MessageCategory.COMMIT;
        }
    }

    /**
     * The leader is alive; {@code firstUnchosen} tells learners how far its log of decisions reaches,
     * and {@code forgetThrough} up to which slot every node holds a snapshot (compaction).
     */
    record Heartbeat(Ballot ballot, long firstUnchosen, long forgetThrough) implements PaxosMessage {
        @Override
        public MessageCategory category() {
            return MessageCategory.HEARTBEAT;
        }
    }

    /**
     * A node that learned of chosen slots it cannot have itself (this node forgot them: compaction)
     * sends its durable snapshot, which carries the configurations, instead. Not in the papers, which
     * keep every decision; Raft's InstallSnapshot (§7) does the same for a lagging follower.
     */
    record Snapshot(PaxosSnapshot snapshot) implements PaxosMessage {
        @Override
        public int sizeBytes() {
            return 16 + snapshot.state().sizeBytes() + snapshot.configurations().stream().mapToInt(c -> 24 + 4 * c.members().size()).sum();
        }

        @Override
        public MessageCategory category() {
            return MessageCategory.CATCH_UP;
        }
    }

    /**
     * A learner behind the leader asks for the decisions from {@code fromSlot} on; a node that is
     * joining the cluster also sends it to report how far it has caught up.
     */
    record CatchUp(long fromSlot) implements PaxosMessage {
        @Override
        public MessageCategory category() {
            return MessageCategory.CATCH_UP;
        }
    }
}
