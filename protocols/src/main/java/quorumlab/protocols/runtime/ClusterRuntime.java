package quorumlab.protocols.runtime;

import java.util.List;
import java.util.Optional;
import quorumlab.protocols.ClusterConfig;
import quorumlab.protocols.NodeId;

/**
 * What the fault injector and the runner drive: the simulator and the Pekko local runtime alike.
 * Node-level faults take effect at once; none of them writes a trace record by itself, so the fault
 * injector calls {@link #recordFault} once per fault it applies.
 */
public interface ClusterRuntime {
    /** Nanoseconds since the run began (virtual in the simulator, real in Pekko). */
    long now();

    /** Runs {@code action} at {@code atNanos} (or now, if that has passed), single-threaded with the clients. */
    void schedule(long atNanos, Runnable action);

    ClusterConfig cluster();

    /**
     * Every node that exists: the bootstrap members ({@link #cluster()}), then each node
     * {@link #addNode added} since, in the order added. Removed nodes stay (they keep running). The
     * list only grows, so a position in it names the same node for the whole run.
     */
    default List<NodeId> nodes() {
        return cluster().members();
    }

    /** The network model every peer message crosses; changes to it take effect at once. */
    NetworkModel network();

    /**
     * Crashes {@code node}: its instance, timers, queued messages and state machine are gone; only
     * its {@link quorumlab.protocols.DurableStore} survives. Messages reaching it are dropped. No
     * effect on a node that is already down.
     */
    void crash(NodeId node);

    /**
     * Restarts a crashed node: a fresh instance from the protocol, a fresh state machine, the old
     * durable store, then {@code onStart()}. No effect on a node that is up.
     */
    void restart(NodeId node);

    /** Freezes {@code node} (a stop-the-world pause): no timer fires and arriving messages queue. */
    void pause(NodeId node);

    /** Unfreezes {@code node}: queued messages are delivered and overdue timers fire, in order, now. */
    void resume(NodeId node);

    /**
     * Scales the delays of {@code node}'s timers by {@code rate} from now on: 1.0 is exact, 1.5
     * fires every timer half as late again, 0.5 twice as early. Its clock ({@code now()}) is unaffected.
     */
    void setTimerDrift(NodeId node, double rate);

    /** True unless {@code node} is crashed (a paused node is up). */
    boolean isUp(NodeId node);

    /** True while {@code node} is paused. */
    boolean isPaused(NodeId node);

    /**
     * The up node that most recently emitted {@code LeaderEstablished} and has not since left the
     * LEADER role, if any.
     */
    Optional<NodeId> leader();

    /** Writes a {@code fault} trace record at {@link #now()}, with no groups. */
    default void recordFault(String fault, List<NodeId> nodes, String detail) {
        recordFault(fault, nodes, detail, null);
    }

    /**
     * Writes a {@code fault} trace record at {@link #now()}; {@code groups} (null for none) are the
     * node groups a partition made, as the fault resolved them.
     */
    void recordFault(String fault, List<NodeId> nodes, String detail, List<List<NodeId>> groups);

    /** Connects client {@code clientId}; its replies go to {@code handler}. */
    ClientPort addClient(long clientId, ClientHandler handler);

    /**
     * Creates node {@code node}, which is not in the bootstrap configuration ({@link #cluster()}),
     * with an empty durable store, and starts it; it waits to be contacted by a leader. Membership
     * faults call this before they ask the leader to add the node.
     */
    default void addNode(NodeId node) {
        throw new UnsupportedOperationException("this runtime cannot add nodes");
    }

    /** Hands {@code change} to node {@code at} (its {@code onMembershipChange}), now. */
    default void requestMembershipChange(NodeId at, quorumlab.protocols.MembershipChange change) {
        throw new UnsupportedOperationException("this runtime cannot change membership");
    }

    /**
     * What became of membership change {@code changeId} so far: the first
     * {@link quorumlab.protocols.ProtocolEvent.MembershipChangeCommitted} or
     * {@link quorumlab.protocols.ProtocolEvent.MembershipChangeRefused} any node emitted for it (at
     * every trace level), or empty while neither has happened. The fault injector polls it to know
     * when a replace may remove its target, and to record refusals.
     */
    default Optional<quorumlab.protocols.ProtocolEvent> membershipOutcome(long changeId) {
        return Optional.empty();
    }

    /**
     * Makes node {@code node}'s pending timer {@code name} due now (the {@code expire-timer} fault), as
     * if it had run out; false, changing nothing, if the node is down or has no such timer pending.
     * Only the simulator can: the real-time runtimes keep their timers inside their actors, and the
     * runner refuses the fault for them before a run starts.
     */
    default boolean fireTimerNow(NodeId node, String name) {
        throw new UnsupportedOperationException("this runtime cannot make a timer due now");
    }
}
