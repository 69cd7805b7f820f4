package quorumlab.protocols;

/**
 * A protocol node: private state, messages in, messages out. It is written against
 * {@link NodeContext} only, never against threads, clocks, sockets or Pekko, so the same class runs
 * in the simulator and in the Pekko runtimes. Every handler runs to completion, one at a time.
 *
 * <p>A runtime creates a fresh instance through {@link Protocol#createNode} at start and at every
 * restart, so a crash loses everything but the {@link DurableStore}.
 */
public interface Node {
    /** The node starts, or restarts after a crash: read durable state, start timers. */
    void onStart();

    /** A message from a peer arrived. */
    void onMessage(NodeId from, Message message);

    /** A client submitted a request to this node. */
    void onClientRequest(ClientRequest request);

    /** The timer named {@code name} fired. */
    void onTimer(String name);

    /**
     * An operator asks this node to change the membership (see {@link MembershipChange}). Only
     * protocols whose {@link Protocol#supportsMembershipChange()} is true receive this; the runtime
     * and the fault injector refuse membership faults for the others before a run starts.
     */
    default void onMembershipChange(MembershipChange change) {
        throw new IllegalStateException("membership change is not supported by " + getClass().getSimpleName());
    }
}
