package quorumlab.protocols.sim;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import quorumlab.protocols.ClientRequest;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.runtime.AbstractClientPort;
import quorumlab.protocols.runtime.ClientHandler;

/** A client attached to the simulation. */
final class SimClient extends AbstractClientPort {
    final Simulation sim;
    final ClientHandler handler;
    /** Draws this client's link delays; seeded from the run's seed and the client id. */
    final SplittableRandom random;
    /** Sequence numbers submitted and not yet completed (by a reply or a timeout). */
    final Set<Long> outstanding = new HashSet<>();

    SimClient(Simulation sim, long clientId, ClientHandler handler, SplittableRandom random) {
        super(sim, clientId);
        this.sim = sim;
        this.handler = handler;
        this.random = random;
    }

    @Override
    protected void send(NodeId node, ClientRequest request, long intendedNanos) {
        sim.submit(this, node, request, intendedNanos);
    }

    @Override
    protected void gaveUp(long seq) {
        sim.timedOut(this, seq);
    }
}
