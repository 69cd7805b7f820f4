package quorumlab.protocols.runtime;

import quorumlab.protocols.Message;
import quorumlab.protocols.NodeId;

/**
 * A test hook on the network: returns false to drop a chosen message (reason {@code filter}), to
 * force a schedule such as the Raft paper's Figure 8. Called once per message, when it is sent.
 */
@FunctionalInterface
public interface MessageFilter {
    MessageFilter ALLOW_ALL = (from, to, message, now) -> true;

    boolean allow(NodeId from, NodeId to, Message message, long now);
}
