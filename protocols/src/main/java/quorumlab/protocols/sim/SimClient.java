package quorumlab.protocols.sim;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import quorumlab.protocols.ClientRequest;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.runtime.ClientHandler;
import quorumlab.protocols.runtime.ClientPort;

/** A client attached to the simulation. */
final class SimClient implements ClientPort {
    final Simulation sim;
    final long clientId;
    final ClientHandler handler;
    /** Draws this client's link delays; seeded from the run's seed and the client id. */
    final SplittableRandom random;
    /** Sequence numbers submitted and not yet completed (by a reply or a timeout). */
    final Set<Long> outstanding = new HashSet<>();

    SimClient(Simulation sim, long clientId, ClientHandler handler, SplittableRandom random) {
        this.sim = sim;
        this.clientId = clientId;
        this.handler = handler;
        this.random = random;
    }

    @Override
    public long now() {
        return sim.now();
    }

    @Override
    public void schedule(long delayNanos, Runnable action) {
        sim.schedule(sim.now() + Math.max(0, delayNanos), action);
    }

    @Override
    public void submit(NodeId node, ClientRequest request, long intendedNanos) {
        if (request.clientId() != clientId) {
            throw new IllegalArgumentException("client " + clientId + " cannot submit a request of client " + request.clientId());
        }
        sim.submit(this, node, request, intendedNanos);
    }

    @Override
    public void timedOut(long clientId, long seq) {
        if (clientId != this.clientId) {
            throw new IllegalArgumentException("client " + this.clientId + " cannot time out a request of client " + clientId);
        }
        sim.timedOut(this, seq);
    }
}
