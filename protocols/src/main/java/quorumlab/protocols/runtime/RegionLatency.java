package quorumlab.protocols.runtime;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import quorumlab.protocols.NodeId;

/**
 * A latency matrix between regions (data centres): which region each node is in, the delay between
 * every pair of regions (the same both ways unless set per direction), and the delay within a region.
 * {@link NetworkModel#setRegions} turns it into per-link delays.
 */
public final class RegionLatency {
    private final Map<NodeId, String> regionOf = new LinkedHashMap<>();
    private final Map<String, Delay> between = new HashMap<>();
    private Delay within = Delay.constant(0);

    public RegionLatency place(NodeId node, String region) {
        regionOf.put(node, Objects.requireNonNull(region));
        return this;
    }

    /** The delay within any one region (default 0). */
    public RegionLatency within(Delay delay) {
        within = Objects.requireNonNull(delay);
        return this;
    }

    /** The delay between regions {@code a} and {@code b}, both directions. */
    public RegionLatency between(String a, String b, Delay delay) {
        oneWay(a, b, delay);
        return oneWay(b, a, delay);
    }

    /** The delay from region {@code from} to region {@code to} only. */
    public RegionLatency oneWay(String from, String to, Delay delay) {
        between.put(from + "\u0000" + to, Objects.requireNonNull(delay));
        return this;
    }

    public Map<NodeId, String> placement() {
        return Map.copyOf(regionOf);
    }

    /**
     * The delay from {@code from}'s region to {@code to}'s.
     *
     * @throws IllegalArgumentException naming the node or region pair that has no entry
     */
    public Delay delay(NodeId from, NodeId to) {
        String a = regionOf.get(from);
        String b = regionOf.get(to);
        if (a == null) throw new IllegalArgumentException("region latency: node " + from + " is in no region");
        if (b == null) throw new IllegalArgumentException("region latency: node " + to + " is in no region");
        if (a.equals(b)) return within;
        Delay d = between.get(a + "\u0000" + b);
        if (d == null) throw new IllegalArgumentException("region latency: no delay from region " + a + " to " + b);
        return d;
    }
}
