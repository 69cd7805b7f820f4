package quorumlab.protocols.local;

import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import quorumlab.protocols.ClientRequest;
import quorumlab.protocols.MembershipChange;
import quorumlab.protocols.Message;
import quorumlab.protocols.NodeId;

/** What a node's actor receives. */
sealed interface NodeCommand {
    /** Boots the node: a fresh instance, then {@code onStart()} (the first start, or a restart). */
    record Start() implements NodeCommand {}

    record Deliver(NodeId from, Message message, long id) implements NodeCommand {}

    record ClientRequestArrived(ClientRequest request, long id) implements NodeCommand {}

    /** A timer of incarnation {@code incarnation} fired. */
    record TimerFired(String name, long incarnation) implements NodeCommand {}

    record Crash() implements NodeCommand {}

    /** An operator's membership change, handed to the node's {@code onMembershipChange}. */
    record ChangeMembership(MembershipChange change) implements NodeCommand {}

    record Pause() implements NodeCommand {}

    record Resume() implements NodeCommand {}

    record Inspect(Function<NodeView, ?> query, CompletableFuture<Object> result) implements NodeCommand {}
}
