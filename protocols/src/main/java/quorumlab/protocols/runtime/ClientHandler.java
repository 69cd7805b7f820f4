package quorumlab.protocols.runtime;

import quorumlab.protocols.ClientReply;
import quorumlab.protocols.NodeId;

/** A client's code: what it does when a node's reply reaches it. Runs single-threaded per runtime. */
@FunctionalInterface
public interface ClientHandler {
    void onReply(NodeId from, ClientReply reply);
}
