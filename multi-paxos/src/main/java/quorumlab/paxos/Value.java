package quorumlab.paxos;

import java.util.List;
import quorumlab.protocols.Command;
import quorumlab.protocols.NoOp;
import quorumlab.protocols.NodeId;

/**
 * What a slot holds. "Paxos Made Moderately Complex" §3: the replicas order commands, and a
 * command is either an operation for the application or a reconfiguration of the protocol itself.
 */
sealed interface Value {
    /** A no-op: fills a hole, or pushes the slots towards a configuration's first slot. */
    Value NOOP = new Op(NoOp.INSTANCE);

    /** A stable identity, as the trace names it. */
    String id();

    int sizeBytes();

    /** What the state machine applies here: a reconfiguration changes the protocol, not the data. */
    Command command();

    static Value of(Command command) {
        return command instanceof NoOp ? NOOP : new Op(command);
    }

    /** A client's command (or a no-op), applied to the state machine. */
    record Op(Command command) implements Value {
        @Override
        public String id() {
            return command.id();
        }

        @Override
        public int sizeBytes() {
            return command.sizeBytes();
        }
    }

    /**
     * The reconfiguration command of "Paxos Made Moderately Complex" §3: chosen in slot i, it makes
     * {@code members} the acceptors (and the nodes that may lead) for slots i + α on.
     * {@code changeId} names the operator's {@link quorumlab.protocols.MembershipChange}.
     */
    record Reconfigure(long changeId, List<NodeId> members) implements Value {
        public Reconfigure {
            members = List.copyOf(members);
        }

        @Override
        public String id() {
            return "config" + changeId + members;
        }

        @Override
        public int sizeBytes() {
            return 8 + 4 * members.size();
        }

        @Override
        public Command command() {
            return NoOp.INSTANCE;
        }
    }
}
