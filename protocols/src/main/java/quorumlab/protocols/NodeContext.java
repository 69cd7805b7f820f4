package quorumlab.protocols;

import java.util.random.RandomGenerator;

/**
 * Everything a node may do to the world. Every input and output of a node passes through here,
 * which is what makes protocol code deterministic in the simulator.
 */
public interface NodeContext {
    NodeId self();

    ClusterConfig cluster();

    /** The current time in nanoseconds: virtual in the simulator, real in Pekko. */
    long now();

    /** Sends {@code message} to a peer through the network model (it may be delayed or lost). */
    void send(NodeId to, Message message);

    /** Sends {@code message} to every other member. */
    default void broadcast(Message message) {
        for (NodeId peer : cluster().peersOf(self())) {
            send(peer, message);
        }
    }

    /** Answers the client named in {@code reply}. */
    void reply(ClientReply reply);

    /** Starts the timer {@code name} to fire after {@code delayNanos}, replacing one of the same name. */
    void startTimer(String name, long delayNanos);

    void cancelTimer(String name);

    /** This node's own random stream, split off the run's seed. */
    RandomGenerator random();

    /** The node's crash-surviving store. */
    DurableStore store();

    /**
     * Applies a committed entry to this node's state machine. Indexes must come in order, each once:
     * {@code index == lastApplied() + 1}. The runtime records an {@link ProtocolEvent.EntryApplied}.
     */
    Result apply(long index, Command command);

    /** The highest index applied to this node's state machine (0 after a restart). */
    long lastApplied();

    /** A copy of this node's state machine as of {@link #lastApplied()}, for a snapshot. */
    KvStateMachine.Snapshot snapshotStateMachine();

    /**
     * Replaces this node's state machine with {@code snapshot}, which must be ahead of it
     * ({@code snapshot.lastApplied() > lastApplied()}): a restart reloading its own snapshot, or a
     * follower installing its leader's. The runtime records a {@link ProtocolEvent.StateMachineRestored}.
     */
    void restoreStateMachine(KvStateMachine.Snapshot snapshot);

    /** Tells observers (trace, analysis, checkers) what just happened. */
    void emit(ProtocolEvent event);
}
