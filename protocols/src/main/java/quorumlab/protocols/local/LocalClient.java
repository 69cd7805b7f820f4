package quorumlab.protocols.local;

import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import quorumlab.protocols.ClientReply;
import quorumlab.protocols.ClientRequest;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.runtime.AbstractClientPort;
import quorumlab.protocols.runtime.ClientHandler;
import quorumlab.protocols.runtime.Delay;

/** A client of the Pekko runtime; its handler and scheduled actions run on the one client actor. */
final class LocalClient extends AbstractClientPort {
    private final PekkoLocalRuntime runtime;
    private final ClientHandler handler;
    private final SplittableRandom random;
    private final Set<Long> outstanding = ConcurrentHashMap.newKeySet();

    LocalClient(PekkoLocalRuntime runtime, long clientId, ClientHandler handler, SplittableRandom random) {
        super(runtime, clientId);
        this.runtime = runtime;
        this.handler = handler;
        this.random = random;
    }

    @Override
    protected void send(NodeId node, ClientRequest request, long intendedNanos) {
        outstanding.add(request.seq());
        runtime.submit(this, node, request, intendedNanos);
    }

    @Override
    protected void gaveUp(long seq) {
        if (outstanding.remove(seq)) runtime.completed(clientId(), seq, null, null);
    }

    /** Runs on the client actor. */
    void replyArrived(NodeId from, ClientReply reply) {
        if (outstanding.remove(reply.seq())) runtime.completed(clientId(), reply.seq(), from, reply);
        handler.onReply(from, reply);
    }

    long sampleDelay(Delay delay) {
        synchronized (random) {
            return delay.sample(random);
        }
    }
}
