package quorumlab.protocols.local;

import java.util.SplittableRandom;
import quorumlab.protocols.ClientReply;
import quorumlab.protocols.ClientRequest;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.runtime.ClientHandler;
import quorumlab.protocols.runtime.Delay;
import quorumlab.protocols.runtime.TrackedClientPort;

/** A client of the Pekko runtime; its handler and scheduled actions run on the one client actor. */
final class LocalClient extends TrackedClientPort {
    private final PekkoLocalRuntime runtime;
    private final SplittableRandom random;

    LocalClient(PekkoLocalRuntime runtime, long clientId, ClientHandler handler, SplittableRandom random) {
        super(runtime, clientId, handler);
        this.runtime = runtime;
        this.random = random;
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

    long sampleDelay(Delay delay) {
        synchronized (random) {
            return delay.sample(random);
        }
    }
}
