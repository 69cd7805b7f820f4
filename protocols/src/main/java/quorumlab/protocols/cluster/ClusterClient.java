package quorumlab.protocols.cluster;

import quorumlab.protocols.ClientReply;
import quorumlab.protocols.ClientRequest;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.runtime.ClientHandler;
import quorumlab.protocols.runtime.TrackedClientPort;

/** A client of the cluster runtime, in the coordinator; its handler and scheduled actions run on the one client actor. */
final class ClusterClient extends TrackedClientPort {
    private final PekkoClusterRuntime runtime;

    ClusterClient(PekkoClusterRuntime runtime, long clientId, ClientHandler handler) {
        super(runtime, clientId, handler);
        this.runtime = runtime;
    }

    @Override
    protected void deliver(NodeId node, ClientRequest request, long intendedNanos) {
        runtime.submit(this, node, request, intendedNanos);
    }

    @Override
    protected void recordCompleted(long seq, NodeId from, ClientReply reply) {
        runtime.completed(clientId(), seq, from, reply);
    }

    @Override
    protected void recordRefused(long seq, NodeId node) {
        runtime.refusedRecorded(clientId(), seq, node);
    }
}
