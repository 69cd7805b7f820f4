package quorumlab.protocols.cluster;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import quorumlab.protocols.ClientReply;
import quorumlab.protocols.ClientRequest;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.runtime.AbstractClientPort;
import quorumlab.protocols.runtime.ClientHandler;

/** A client of the cluster runtime, in the coordinator; its handler and scheduled actions run on the one client actor. */
final class ClusterClient extends AbstractClientPort {
    private final PekkoClusterRuntime runtime;
    private final ClientHandler handler;
    /** Sequence numbers outstanding, with the node each went to. */
    private final Map<Long, NodeId> outstanding = new ConcurrentHashMap<>();

    ClusterClient(PekkoClusterRuntime runtime, long clientId, ClientHandler handler) {
        super(runtime, clientId);
        this.runtime = runtime;
        this.handler = handler;
    }

    @Override
    protected void send(NodeId node, ClientRequest request, long intendedNanos) {
        outstanding.put(request.seq(), node);
        runtime.submit(this, node, request, intendedNanos);
    }

    @Override
    protected void gaveUp(long seq) {
        if (outstanding.remove(seq) != null) runtime.completed(clientId(), seq, null, null);
    }

    /** Runs on the client actor. */
    void replyArrived(NodeId from, ClientReply reply) {
        if (outstanding.remove(reply.seq()) != null) runtime.completed(clientId(), reply.seq(), from, reply);
        handler.onReply(from, reply);
    }

    /** Runs on the client actor: {@code node} is down, so the connection refused or broke. */
    void refused(NodeId node, long seq) {
        if (!outstanding.remove(seq, node)) return;
        runtime.refusedRecorded(clientId(), seq, node);
        handler.onRefused(node, seq);
    }

    /** The sequence numbers outstanding at {@code node}. */
    List<Long> outstandingAt(NodeId node) {
        return outstanding.entrySet().stream().filter(e -> e.getValue().equals(node)).map(Map.Entry::getKey).toList();
    }
}
