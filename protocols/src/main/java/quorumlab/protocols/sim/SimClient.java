package quorumlab.protocols.sim;

import java.util.HashMap;
import java.util.Map;
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
    /** Sequence numbers submitted and not yet completed (by a reply, a timeout or a refusal), with the node they went to. */
    final Map<Long, NodeId> outstanding = new HashMap<>();

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
