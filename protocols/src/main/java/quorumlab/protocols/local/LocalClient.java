package quorumlab.protocols.local;

import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import quorumlab.protocols.ClientReply;
import quorumlab.protocols.ClientRequest;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.runtime.ClientHandler;
import quorumlab.protocols.runtime.ClientPort;

/** A client of the Pekko runtime; its handler and scheduled actions run on the one client actor. */
final class LocalClient implements ClientPort {
    private final PekkoLocalRuntime runtime;
    final long clientId;
    private final ClientHandler handler;
    private final SplittableRandom random;
    private final Set<Long> outstanding = ConcurrentHashMap.newKeySet();

    LocalClient(PekkoLocalRuntime runtime, long clientId, ClientHandler handler, SplittableRandom random) {
        this.runtime = runtime;
        this.clientId = clientId;
        this.handler = handler;
        this.random = random;
    }

    @Override
    public long now() {
        return runtime.now();
    }

    @Override
    public void schedule(long delayNanos, Runnable action) {
        runtime.schedule(runtime.now() + Math.max(0, delayNanos), action);
    }

    @Override
    public void submit(NodeId node, ClientRequest request, long intendedNanos) {
        if (request.clientId() != clientId) {
            throw new IllegalArgumentException("client " + clientId + " cannot submit a request of client " + request.clientId());
        }
        outstanding.add(request.seq());
        runtime.submit(this, node, request, intendedNanos);
    }

    @Override
    public void timedOut(long clientId, long seq) {
        if (clientId != this.clientId) {
            throw new IllegalArgumentException("client " + this.clientId + " cannot time out a request of client " + clientId);
        }
        if (outstanding.remove(seq)) runtime.completed(clientId, seq, null, null);
    }

    /** Runs on the client actor. */
    void replyArrived(NodeId from, ClientReply reply) {
        if (outstanding.remove(reply.seq())) runtime.completed(clientId, reply.seq(), from, reply);
        handler.onReply(from, reply);
    }

    long sampleDelay(quorumlab.protocols.runtime.Delay delay) {
        synchronized (random) {
            return delay.sample(random);
        }
    }
}
