package quorumlab.protocols.testing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import quorumlab.protocols.Message;
import quorumlab.protocols.Node;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.runtime.MessageFilter;
import quorumlab.protocols.sim.Simulation;

/**
 * A network that a test script drives message by message, as the reference implementations' paper
 * tests do: every message a node sends is held until the script delivers it (once, twice, in any
 * order), drops it, or leaves it in flight for later. The simulator still runs the nodes' timers
 * and the clients; only peer messages are scripted. It installs itself as the network's filter, so
 * the trace records each message as dropped by the filter when sent; its delivery is the script's.
 */
public final class ScriptedNetwork implements MessageFilter {
    /** A message sent and not yet delivered or dropped. */
    public record Held(NodeId from, NodeId to, Message message) {
        @Override
        public String toString() {
            return from + "->" + to + " " + message;
        }
    }

    /** Deliveries one {@link #deliverAll} may make before the script is deemed to loop. */
    private static final int DELIVERY_LIMIT = 100_000;

    private final Simulation sim;
    private final List<Held> held = new ArrayList<>();
    private long delivered;

    public ScriptedNetwork(Simulation sim) {
        this.sim = sim;
        sim.network().setFilter(this);
    }

    @Override
    public boolean allow(NodeId from, NodeId to, Message message, long now) {
        held.add(new Held(from, to, message));
        return false;
    }

    /** Every message in flight, oldest first. */
    public List<Held> held() {
        return List.copyOf(held);
    }

    /** The messages in flight that match, oldest first. */
    public List<Held> held(Predicate<Held> which) {
        return held.stream().filter(which).toList();
    }

    /** Messages delivered so far (a duplicate counts twice). */
    public long delivered() {
        return delivered;
    }

    /**
     * Takes the oldest matching message out of the network without delivering it: the script may
     * deliver it later (a delayed message) or never (a lost one). Fails if none matches.
     */
    public Held take(Predicate<Held> which) {
        for (Held m : held) {
            if (which.test(m)) {
                held.remove(m);
                return m;
            }
        }
        throw new AssertionError("no message in flight matches; in flight: " + held);
    }

    /** Delivers {@code m} now: its receiver handles it as if the network had carried it. A crashed receiver loses it. */
    public void deliver(Held m) {
        held.remove(m);
        Node receiver = sim.node(m.to());
        if (receiver == null) return;
        delivered++;
        receiver.onMessage(m.from(), m.message());
    }

    /** Delivers {@code m} twice, as a duplicating network would. */
    public void duplicate(Held m) {
        deliver(m);
        deliver(m);
    }

    /** Delivers the oldest matching message; fails if none matches. */
    public Held deliverOne(Predicate<Held> which) {
        Held m = take(which);
        deliver(m);
        return m;
    }

    /**
     * Delivers, oldest first, every matching message, and every matching message those deliveries
     * cause, until none is left in flight; returns how many were delivered.
     */
    public int deliverAll(Predicate<Held> which) {
        int count = 0;
        while (true) {
            Held next = held.stream().filter(which).findFirst().orElse(null);
            if (next == null) return count;
            if (++count > DELIVERY_LIMIT) throw new AssertionError("more than " + DELIVERY_LIMIT + " deliveries: the nodes loop");
            deliver(next);
        }
    }

    /** Drops every matching message in flight; returns how many. */
    public int drop(Predicate<Held> which) {
        List<Held> lost = held(which);
        held.removeAll(lost);
        return lost.size();
    }

    // ---- which messages ----

    /** Messages between two of {@code nodes} (both sender and receiver among them). */
    public static Predicate<Held> among(NodeId... nodes) {
        Set<NodeId> set = Set.copyOf(Arrays.asList(nodes));
        return m -> set.contains(m.from()) && set.contains(m.to());
    }

    public static Predicate<Held> from(NodeId node) {
        return m -> m.from().equals(node);
    }

    public static Predicate<Held> to(NodeId node) {
        return m -> m.to().equals(node);
    }

    /** Messages from {@code from} to {@code to}. */
    public static Predicate<Held> link(NodeId from, NodeId to) {
        return m -> m.from().equals(from) && m.to().equals(to);
    }

    public static Predicate<Held> ofType(Class<? extends Message> type) {
        return m -> type.isInstance(m.message());
    }

    /** Every message. */
    public static Predicate<Held> any() {
        return m -> true;
    }
}
