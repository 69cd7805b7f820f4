package quorumlab.protocols.runtime;

import quorumlab.protocols.ClientRequest;
import quorumlab.protocols.NodeId;

/**
 * The part of a client's port that both runtimes share: the clock, scheduling, and the check that a
 * client only submits, or gives up on, its own requests. A runtime adds how a request travels and
 * what a timeout records.
 */
public abstract class AbstractClientPort implements ClientPort {
    private final ClusterRuntime runtime;
    private final long clientId;

    protected AbstractClientPort(ClusterRuntime runtime, long clientId) {
        this.runtime = runtime;
        this.clientId = clientId;
    }

    public final long clientId() {
        return clientId;
    }

    /** Sends a request already checked to be this client's. */
    protected abstract void send(NodeId node, ClientRequest request, long intendedNanos);

    /** Records that this client gave up on its request {@code seq}, if it is still outstanding. */
    protected abstract void gaveUp(long seq);

    @Override
    public final long now() {
        return runtime.now();
    }

    @Override
    public final void schedule(long delayNanos, Runnable action) {
        runtime.schedule(runtime.now() + Math.max(0, delayNanos), action);
    }

    @Override
    public final void submit(NodeId node, ClientRequest request, long intendedNanos) {
        if (request.clientId() != clientId) {
            throw new IllegalArgumentException("client " + clientId + " cannot submit a request of client " + request.clientId());
        }
        send(node, request, intendedNanos);
    }

    @Override
    public final void timedOut(long clientId, long seq) {
        if (clientId != this.clientId) {
            throw new IllegalArgumentException("client " + this.clientId + " cannot time out a request of client " + clientId);
        }
        gaveUp(seq);
    }
}
