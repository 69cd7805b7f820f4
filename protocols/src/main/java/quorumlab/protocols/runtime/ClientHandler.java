package quorumlab.protocols.runtime;

import quorumlab.protocols.ClientReply;
import quorumlab.protocols.NodeId;

/** A client's code: what it does when a node's reply reaches it. Runs single-threaded per runtime. */
@FunctionalInterface
public interface ClientHandler {
    void onReply(NodeId from, ClientReply reply);

    /**
     * The connection to {@code node} was refused or broke while request {@code seq} was outstanding
     * there (the node is down). Its effect is unknown, as after a timeout, but the client learns it at
     * once instead of waiting out its timeout.
     */
    default void onRefused(NodeId node, long seq) {}
}
