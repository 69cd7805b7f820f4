package quorumlab.protocols.sim;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import quorumlab.protocols.ClientReply;
import quorumlab.protocols.ClusterConfig;
import quorumlab.protocols.Message;
import quorumlab.protocols.Node;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.Options;
import quorumlab.protocols.Protocol;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.runtime.AbstractNodeContext;
import quorumlab.protocols.runtime.MemoryStore;

/**
 * One server slot of the simulation: what survives a crash (id, durable store, random stream, drift)
 * and the current incarnation (node instance, state machine, timers). It is the node's context.
 */
final class SimNode extends AbstractNodeContext {
    final Simulation sim;
    final List<NodeId> peers;
    double drift = 1.0;

    boolean up;
    boolean paused;
    Node instance;
    /** Named timers of the current incarnation; an entry's event is idle, in the queue, or queued by a pause. */
    Map<String, SimEvent> timers = new HashMap<>();
    /** Events that reached this node while it was paused, in arrival order. */
    final ArrayDeque<SimEvent> pausedEvents = new ArrayDeque<>();

    SimNode(Simulation sim, NodeId id, SplittableRandom random) {
        super(id, new MemoryStore(), random, sim.traceEvents());
        this.sim = sim;
        this.peers = List.copyOf(sim.cluster().peersOf(id));
    }

    /** Starts a new incarnation; only the store, random stream and drift carry over. */
    void boot(Protocol protocol, Options options) {
        up = true;
        newStateMachine();
        instance = protocol.createNode(this, options);
    }

    void crash() {
        up = false;
        paused = false;
        instance = null;
        dropStateMachine();
    }

    @Override
    public ClusterConfig cluster() {
        return sim.cluster();
    }

    @Override
    public long now() {
        return sim.now();
    }

    @Override
    public void send(NodeId to, Message message) {
        sim.send(this, to, message);
    }

    @Override
    public void broadcast(Message message) {
        for (int i = 0; i < peers.size(); i++) sim.send(this, peers.get(i), message);
    }

    @Override
    public void reply(ClientReply reply) {
        sim.reply(this, reply);
    }

    @Override
    public void startTimer(String name, long delayNanos) {
        sim.startTimer(this, name, delayNanos);
    }

    @Override
    public void cancelTimer(String name) {
        sim.cancelTimer(this, name);
    }

    @Override
    protected void record(ProtocolEvent event) {
        sim.record(this, event);
    }
}
