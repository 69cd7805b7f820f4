package quorumlab.protocols.runtime;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import quorumlab.protocols.Message;
import quorumlab.protocols.NodeId;

/**
 * The network every peer message crosses, in every runtime: per-link delay, loss, duplication and
 * reordering, and the cuts that partitions make. The fault injector changes it while a run goes on.
 *
 * <p>Each directed link draws from its own random stream, derived from the run's seed and the two
 * node ids, so what happens on one link does not depend on traffic elsewhere.
 *
 * <p>Each link keeps its messages in order, as the TCP connection between two real nodes does (the
 * systems the papers measured, LogCabin, etcd and the Paxos implementations, all run over TCP): a
 * message's delay is drawn from the link's distribution, but it never arrives before a message sent
 * earlier on the same link; it waits behind it (head-of-line blocking). Only {@link #setReordering}
 * lets a message be overtaken: a held-back message gets an extra delay and blocks nothing behind it.
 * A duplicate copy is a fault of its own and may arrive at any time. Were delays independent per
 * message, any spread-out distribution would reorder a link's messages with {@code reorder: 0},
 * and a follower would see gaps that a TCP deployment never shows.
 *
 * <p>Cuts: {@link #partition} splits the nodes into groups (nodes named in no group form one more
 * group together), {@link #isolate} cuts one node off, {@link #cutOneWay} one direction of one link.
 * Each cut may be opened under a key (the fault window that made it): the links blocked are the union
 * of every open cut, and {@link #heal(Object)} removes only the cuts of its key, so a link stays cut
 * while any other window still cuts it. The unkeyed forms are for tests and scripts that drive the
 * network by hand: an unkeyed {@code partition} replaces the earlier unkeyed one. {@link #heal()}
 * removes every cut, keyed or not. A cut drops messages sent across it, and messages already in
 * flight across it when they arrive (reason {@code partition}).
 *
 * <p>Methods are synchronized: in the Pekko runtime, nodes route messages while the fault injector
 * changes the model.
 */
public final class NetworkModel {
    /** The drop reasons written to traces. */
    public static final String PARTITION = "partition";
    public static final String LOSS = "loss";
    public static final String FILTER = "filter";

    /** What the network decided for one message. Reused by the caller to avoid garbage. */
    public static final class Route {
        /** Null when the message goes through, else why it was dropped. */
        public String dropReason;
        /** The delay of the (first) copy, in nanoseconds. */
        public long delay;
        /** The delay of a duplicate copy, or -1 when there is none. */
        public long duplicateDelay;
    }

    private static final class Link {
        Delay delay;
        double drop;
        double duplicate;
        boolean cutOneWay;
        SplittableRandom random;
        /** When the link's latest in-order message arrives: none sent after it may arrive sooner. */
        long lastArrival = Long.MIN_VALUE;
    }

    private long seed;
    private Delay defaultDelay = Delay.constant(Delay.MILLIS);
    private double defaultDrop;
    private double defaultDuplicate;
    private double reorderProbability;
    private Delay reorderExtra = Delay.uniform(0, 10 * Delay.MILLIS);
    private MessageFilter filter = MessageFilter.ALLOW_ALL;

    /** links[from][to], created on first use; index is the node id. */
    private Link[][] links = new Link[0][0];
    /** Every open cut, in the order opened; a link is blocked if any of them blocks it. */
    private Cut[] cuts = new Cut[0];

    /** The key of cuts made through the unkeyed methods. */
    private static final Object UNKEYED = new Object();

    /** One cut, opened under {@code key}. */
    private sealed interface Cut {
        Object key();

        boolean blocks(int from, int to);
    }

    /** {@code groupOf[id]} is the node's group, 0 for nodes named in no group (and ids beyond the array). */
    private record Partition(Object key, int[] groupOf) implements Cut {
        public boolean blocks(int from, int to) {
            return group(from) != group(to);
        }

        private int group(int id) {
            return id < groupOf.length ? groupOf[id] : 0;
        }
    }

    private record Isolation(Object key, int node) implements Cut {
        public boolean blocks(int from, int to) {
            return from == node || to == node;
        }
    }

    private record OneWay(Object key, int from, int to) implements Cut {
        public boolean blocks(int from, int to) {
            return this.from == from && this.to == to;
        }
    }

    /** A network with a constant 1 ms delay on every link, no loss, no duplication, no cuts. */
    public NetworkModel() {}

    /** Sets the seed the link streams derive from, and restarts every stream. Called by the runtime. */
    public synchronized void reseed(long seed) {
        this.seed = seed;
        for (int f = 0; f < links.length; f++) {
            for (int t = 0; t < links[f].length; t++) {
                if (links[f][t] != null) links[f][t].random = new SplittableRandom(linkSeed(f, t));
            }
        }
    }

    // ---- delays, loss, duplication, reordering ----

    /** Sets the delay of every link. */
    public synchronized NetworkModel setDelay(Delay delay) {
        defaultDelay = Objects.requireNonNull(delay);
        forEachLink(l -> l.delay = delay);
        return this;
    }

    /** Sets the delay of the one link {@code from -> to}. */
    public synchronized NetworkModel setLinkDelay(NodeId from, NodeId to, Delay delay) {
        link(from.id(), to.id()).delay = Objects.requireNonNull(delay);
        return this;
    }

    /** Sets per-link delays from a region latency matrix, for every pair of nodes it places. */
    public synchronized NetworkModel setRegions(RegionLatency regions) {
        Set<NodeId> nodes = regions.placement().keySet();
        for (NodeId from : nodes) {
            for (NodeId to : nodes) {
                if (!from.equals(to)) link(from.id(), to.id()).delay = regions.delay(from, to);
            }
        }
        return this;
    }

    /** Sets the loss probability of every link. */
    public synchronized NetworkModel setDropProbability(double p) {
        defaultDrop = probability("drop probability", p);
        forEachLink(l -> l.drop = p);
        return this;
    }

    public synchronized NetworkModel setLinkDropProbability(NodeId from, NodeId to, double p) {
        link(from.id(), to.id()).drop = probability("drop probability", p);
        return this;
    }

    /** Sets the probability that a message is delivered twice (each copy with its own delay). */
    public synchronized NetworkModel setDuplicateProbability(double p) {
        defaultDuplicate = probability("duplicate probability", p);
        forEachLink(l -> l.duplicate = p);
        return this;
    }

    public synchronized NetworkModel setLinkDuplicateProbability(NodeId from, NodeId to, double p) {
        link(from.id(), to.id()).duplicate = probability("duplicate probability", p);
        return this;
    }

    /** With probability {@code p}, a message is held back by an extra delay drawn from {@code extra}. */
    public synchronized NetworkModel setReordering(double p, Delay extra) {
        reorderProbability = probability("reorder probability", p);
        reorderExtra = Objects.requireNonNull(extra);
        return this;
    }

    /** The test hook: {@code filter} may drop chosen messages. */
    public synchronized NetworkModel setFilter(MessageFilter filter) {
        this.filter = Objects.requireNonNull(filter);
        return this;
    }

    public synchronized Delay delayOf(NodeId from, NodeId to) {
        return link(from.id(), to.id()).delay;
    }

    public synchronized double dropProbabilityOf(NodeId from, NodeId to) {
        return link(from.id(), to.id()).drop;
    }

    public synchronized double duplicateProbabilityOf(NodeId from, NodeId to) {
        return link(from.id(), to.id()).duplicate;
    }

    /** The hold-back a reordered message gets ({@link #setReordering}). */
    public synchronized Delay reorderExtra() {
        return reorderExtra;
    }

    /** True when a test's {@link MessageFilter} is set (the cluster runtime cannot carry one to its processes). */
    public synchronized boolean hasFilter() {
        return filter != MessageFilter.ALLOW_ALL;
    }

    // ---- cuts ----

    /**
     * Cuts every link between nodes in different groups; nodes named in no group form one group
     * together. Replaces an earlier unkeyed partition; other cuts stay.
     */
    public synchronized NetworkModel partition(List<Set<NodeId>> groups) {
        Partition p = partitionOf(UNKEYED, groups);
        remove(c -> c instanceof Partition && c.key() == UNKEYED);
        return add(p);
    }

    /** As {@link #partition(List)}, opened under {@code key}: it adds to every other open cut. */
    public synchronized NetworkModel partition(Object key, List<Set<NodeId>> groups) {
        return add(partitionOf(Objects.requireNonNull(key), groups));
    }

    /** Cuts the link {@code from -> to} only; {@code to -> from} still works. */
    public synchronized NetworkModel cutOneWay(NodeId from, NodeId to) {
        return cutOneWay(UNKEYED, from, to);
    }

    /** As {@link #cutOneWay(NodeId, NodeId)}, opened under {@code key}. */
    public synchronized NetworkModel cutOneWay(Object key, NodeId from, NodeId to) {
        return add(new OneWay(Objects.requireNonNull(key), from.id(), to.id()));
    }

    /** Cuts both directions of the link between {@code a} and {@code b}. */
    public synchronized NetworkModel cut(NodeId a, NodeId b) {
        cutOneWay(a, b);
        return cutOneWay(b, a);
    }

    /** Cuts every link to and from {@code node}. */
    public synchronized NetworkModel isolate(NodeId node) {
        return isolate(UNKEYED, node);
    }

    /** As {@link #isolate(NodeId)}, opened under {@code key}. */
    public synchronized NetworkModel isolate(Object key, NodeId node) {
        return add(new Isolation(Objects.requireNonNull(key), node.id()));
    }

    /**
     * Puts {@code node} (one added to the cluster at run time) on the side of {@code like} in every
     * open partition that does not name it: without this it would be alone with the nodes no group
     * names. Partitions that name {@code node} keep it where they put it; isolation and one-way cuts
     * are unchanged.
     */
    public synchronized NetworkModel placeLike(NodeId node, NodeId like) {
        for (int i = 0; i < cuts.length; i++) {
            if (cuts[i] instanceof Partition p && p.group(node.id()) == 0) {
                int[] groupOf = Arrays.copyOf(p.groupOf(), Math.max(p.groupOf().length, node.id() + 1));
                groupOf[node.id()] = p.group(like.id());
                cuts[i] = new Partition(p.key(), groupOf);
            }
        }
        return this;
    }

    /** Removes every cut, keyed or not: partitions, one-way cuts and isolation. Delays and loss stay. */
    public synchronized NetworkModel heal() {
        cuts = new Cut[0];
        return this;
    }

    /** Removes the cuts opened under {@code key} only; a link another open cut blocks stays cut. */
    public synchronized NetworkModel heal(Object key) {
        Objects.requireNonNull(key);
        remove(c -> c.key().equals(key));
        return this;
    }

    /** True if a message from {@code from} to {@code to} is cut off now. */
    public synchronized boolean isCut(NodeId from, NodeId to) {
        return isCut(from.id(), to.id());
    }

    private boolean isCut(int from, int to) {
        if (from == to) return false;
        for (Cut c : cuts) {
            if (c.blocks(from, to)) return true;
        }
        return false;
    }

    private static Partition partitionOf(Object key, List<Set<NodeId>> groups) {
        Set<NodeId> seen = new HashSet<>();
        int highest = 0;
        for (Set<NodeId> g : groups) {
            for (NodeId n : g) {
                if (!seen.add(n)) throw new IllegalArgumentException("partition: node " + n + " is in more than one group");
                highest = Math.max(highest, n.id());
            }
        }
        int[] groupOf = new int[highest + 1];
        for (int i = 0; i < groups.size(); i++) {
            for (NodeId n : groups.get(i)) groupOf[n.id()] = i + 1;
        }
        return new Partition(key, groupOf);
    }

    private NetworkModel add(Cut cut) {
        if (Arrays.asList(cuts).contains(cut)) return this; // the same isolation or one-way cut twice under one key
        cuts = Arrays.copyOf(cuts, cuts.length + 1);
        cuts[cuts.length - 1] = cut;
        return this;
    }

    private void remove(java.util.function.Predicate<Cut> which) {
        cuts = Arrays.stream(cuts).filter(which.negate()).toArray(Cut[]::new);
    }

    // ---- the hot path ----

    /** Decides the fate of one message sent now, into {@code out}. */
    public synchronized void route(NodeId from, NodeId to, Message message, long now, Route out) {
        out.duplicateDelay = -1;
        out.delay = 0;
        int f = from.id();
        int t = to.id();
        if (isCut(f, t)) {
            out.dropReason = PARTITION;
            return;
        }
        if (filter != MessageFilter.ALLOW_ALL && !filter.allow(from, to, message, now)) {
            out.dropReason = FILTER;
            return;
        }
        Link link = link(f, t);
        SplittableRandom random = link.random;
        if (link.drop > 0 && random.nextDouble() < link.drop) {
            out.dropReason = LOSS;
            return;
        }
        out.dropReason = null;
        long d = link.delay.sample(random);
        if (heldBack(link)) {
            d += reorderExtra.sample(random);
        } else {
            if (now + d < link.lastArrival) d = link.lastArrival - now;
            link.lastArrival = now + d;
        }
        out.delay = d;
        if (link.duplicate > 0 && random.nextDouble() < link.duplicate) {
            long copy = link.delay.sample(random);
            out.duplicateDelay = heldBack(link) ? copy + reorderExtra.sample(random) : copy;
        }
    }

    private boolean heldBack(Link link) {
        return reorderProbability > 0 && link.random.nextDouble() < reorderProbability;
    }

    /** A short description of the current settings, for fault records and reports. */
    public synchronized String describe() {
        return "delay=" + defaultDelay + " drop=" + defaultDrop + " duplicate=" + defaultDuplicate
                + " reorder=" + reorderProbability;
    }

    /** The settings a fault injector may want to restore later. */
    public synchronized Map<String, Object> defaults() {
        return Map.of("delay", defaultDelay, "drop", defaultDrop, "duplicate", defaultDuplicate,
                "reorder", reorderProbability);
    }

    // ---- storage ----

    private Link link(int from, int to) {
        ensureNode(Math.max(from, to));
        Link l = links[from][to];
        if (l == null) {
            l = new Link();
            l.delay = defaultDelay;
            l.drop = defaultDrop;
            l.duplicate = defaultDuplicate;
            l.random = new SplittableRandom(linkSeed(from, to));
            links[from][to] = l;
        }
        return l;
    }

    private void ensureNode(int id) {
        if (id < links.length) return;
        int n = Math.max(id + 1, links.length * 2);
        Link[][] grown = new Link[n][];
        for (int i = 0; i < n; i++) {
            grown[i] = new Link[n];
            if (i < links.length) System.arraycopy(links[i], 0, grown[i], 0, links[i].length);
        }
        links = grown;
    }

    private void forEachLink(java.util.function.Consumer<Link> action) {
        for (Link[] row : links) {
            for (Link l : row) {
                if (l != null) action.accept(l);
            }
        }
    }

    private long linkSeed(int from, int to) {
        return mix(seed ^ mix(((long) from << 32) | (to & 0xffffffffL)));
    }

    /** A 64-bit finalizer (Stafford's variant 13), so nearby inputs give unrelated seeds. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    private static double probability(String what, double p) {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException(what + " must be in [0, 1], got " + p);
        return p;
    }
}
