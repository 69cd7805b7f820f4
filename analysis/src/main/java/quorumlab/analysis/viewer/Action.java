package quorumlab.analysis.viewer;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import quorumlab.protocols.NodeId;
import quorumlab.workload.Durations;
import quorumlab.workload.FaultInjector;
import quorumlab.workload.Scenario;

/**
 * One thing a student did in the live view, at virtual instant {@code at} (ns), applied to every
 * protocol at that instant. Each is an entry of the scenario's fault timeline ({@link #toFault}):
 * {@code expire} (a node's election timer comes due now) is an {@code expire-timer}, {@code burst}
 * (a burst of client writes) a {@code client-burst}, the others the fault of their own name.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record Action(Long at, String type, String node, List<List<String>> groups, Double value, Double ms, Integer count) {
    static final List<String> TYPES = List.of("crash", "restart", "partition", "heal", "loss", "delay", "expire", "burst");
    static final int MAX_BURST = FaultInjector.MAX_BURST;
    static final double MAX_DELAY_MS = 5_000;

    Action at(long t) {
        return new Action(t, type, node, groups, value, ms, count);
    }

    /**
     * Checks every field against a cluster of {@code nodes} and a run ending at {@code end}; throws
     * IllegalArgumentException naming the field and the reason.
     */
    void validate(int nodes, long end) {
        if (type == null) throw new IllegalArgumentException("action: 'type' is required (one of " + String.join(", ", TYPES) + ")");
        if (!TYPES.contains(type)) throw new IllegalArgumentException("action: unknown type '" + type + "' (one of " + String.join(", ", TYPES) + ")");
        if (at == null) throw new IllegalArgumentException("action " + type + ": 'at' (virtual ns) is required");
        if (at < 0 || at > end) throw new IllegalArgumentException("action " + type + ": 'at' " + at + " is outside the run (0.." + end + " ns)");
        switch (type) {
            case "crash", "restart", "expire" -> member("node", node, nodes);
            case "partition" -> {
                if (groups == null || groups.size() < 2) throw new IllegalArgumentException("action partition: 'groups' needs at least two groups of nodes");
                Set<String> seen = new HashSet<>();
                for (List<String> g : groups) {
                    if (g == null || g.isEmpty()) throw new IllegalArgumentException("action partition: 'groups' has an empty group");
                    for (String n : g) {
                        member("groups", n, nodes);
                        if (!seen.add(n)) throw new IllegalArgumentException("action partition: 'groups' names " + n + " twice");
                    }
                }
            }
            case "loss" -> {
                if (value == null || !(value >= 0 && value <= 1)) throw new IllegalArgumentException("action loss: 'value' must be a probability from 0 to 1, got " + value);
            }
            case "delay" -> {
                if (ms == null || !(ms > 0 && ms <= MAX_DELAY_MS)) throw new IllegalArgumentException("action delay: 'ms' must be above 0 and at most " + (int) MAX_DELAY_MS + ", got " + ms);
            }
            case "burst" -> {
                if (count == null || count < 1 || count > MAX_BURST) throw new IllegalArgumentException("action burst: 'count' must be 1 to " + MAX_BURST + ", got " + count);
            }
            default -> { }
        }
    }

    private static void member(String field, String name, int nodes) {
        if (name == null) throw new IllegalArgumentException("action: '" + field + "' is required (a node such as n1)");
        NodeId id;
        try {
            id = NodeId.parse(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("action: '" + field + "': '" + name + "' is not a node name (n1..n" + nodes + ")");
        }
        if (id.id() < 1 || id.id() > nodes) throw new IllegalArgumentException("action: '" + field + "': " + name + " is not in the cluster (n1..n" + nodes + ")");
    }

    /** The scenario's fault entry for this action. */
    Scenario.Fault toFault() {
        String when = Durations.format(at);
        return switch (type) {
            case "crash", "restart" -> new Scenario.Fault(when, type, node, null, null, null, null, null, null, null);
            case "expire" -> new Scenario.Fault(when, "expire-timer", node, null, null, null, null, null, null, null);
            case "burst" -> new Scenario.Fault(when, "client-burst", null, null, null, null, null, null, null, null, null, count);
            case "partition" -> new Scenario.Fault(when, type, null, groups, null, null, null, null, null, null);
            case "heal" -> new Scenario.Fault(when, type, null, null, null, null, null, null, null, null);
            case "loss" -> new Scenario.Fault(when, type, null, null, null, null, value, null, null, null);
            case "delay" -> new Scenario.Fault(when, type, null, null, null, null, null, delaySpec(ms), null, null);
            default -> throw new IllegalStateException("unvalidated action " + type);
        };
    }

    /** A one-way delay around {@code ms}: uniform from half to one and a half times it, in whole microseconds. */
    static String delaySpec(double ms) {
        long mean = Math.max(2, Math.round(ms * 1000));
        return "uniform(" + (mean / 2) + "us," + (mean + mean / 2) + "us)";
    }
}
