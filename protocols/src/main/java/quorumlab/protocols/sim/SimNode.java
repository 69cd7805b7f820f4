package quorumlab.protocols.sim;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import quorumlab.protocols.ClientReply;
import quorumlab.protocols.ClusterConfig;
import quorumlab.protocols.Command;
import quorumlab.protocols.DurableStore;
import quorumlab.protocols.KvStateMachine;
import quorumlab.protocols.Message;
import quorumlab.protocols.Node;
import quorumlab.protocols.NodeContext;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.Result;
import quorumlab.protocols.runtime.MemoryStore;

/**
 * One server slot of the simulation: what survives a crash (id, durable store, random stream, drift)
 * and the current incarnation (node instance, state machine, timers). It is the node's context.
 */
final class SimNode implements NodeContext {
    final Simulation sim;
    final NodeId id;
    final List<NodeId> peers;
    final MemoryStore store = new MemoryStore();
    final SplittableRandom random;
    double drift = 1.0;

    boolean up;
    boolean paused;
    Node instance;
    KvStateMachine stateMachine;
    /** Named timers of the current incarnation; an entry's event is idle, in the queue, or queued by a pause. */
    Map<String, SimEvent> timers = new HashMap<>();
    /** Events that reached this node while it was paused, in arrival order. */
    final ArrayDeque<SimEvent> pausedEvents = new ArrayDeque<>();

    SimNode(Simulation sim, NodeId id, SplittableRandom random) {
        this.sim = sim;
        this.id = id;
        this.peers = List.copyOf(sim.cluster().peersOf(id));
        this.random = random;
    }

    @Override
    public NodeId self() {
        return id;
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
    public RandomGenerator random() {
        return random;
    }

    @Override
    public DurableStore store() {
        return store;
    }

    @Override
    public Result apply(long index, Command command) {
        return sim.apply(this, index, command);
    }

    @Override
    public long lastApplied() {
        return stateMachine.lastApplied();
    }

    @Override
    public KvStateMachine.Snapshot snapshotStateMachine() {
        return stateMachine.snapshot();
    }

    @Override
    public void restoreStateMachine(KvStateMachine.Snapshot snapshot) {
        sim.restore(this, snapshot);
    }

    @Override
    public void emit(ProtocolEvent event) {
        sim.emit(this, event);
    }

    @Override
    public String toString() {
        return id.toString();
    }
}
