package quorumlab.analysis.fuzz;

import static quorumlab.analysis.fuzz.Schedule.MS;
import static quorumlab.analysis.fuzz.Schedule.ms;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import quorumlab.workload.Scenario;

/**
 * Draws a random schedule from a seed: cluster size, network, workload and a timeline of faults of
 * every kind the scenario format knows, overlapping freely, each undone before the quiet period.
 * Everything comes from the seed, so a schedule is replayed by its seed alone.
 *
 * <p>For a protocol that supports membership change, the kinds include {@code add}, {@code remove}
 * and {@code replace} (of a node, the leader or a random follower; new nodes are numbered after the
 * bootstrap ones), and half the schedules get one such change on top of their other faults, so
 * that many schedules change the membership while other faults are in force. A membership change
 * is not undone: the quiet period runs on the configuration it made.
 */
final class ScheduleGenerator {
    /** The fault kinds drawn; names are the scenario's fault types, plus {@code crash-all}. */
    static final List<String> KINDS = List.of("crash", "crash-all", "restart", "partition", "heal", "isolate", "one-way",
            "pause", "resume", "drift", "loss", "duplicate", "reorder", "delay", "latency-matrix", "expire-timer", "client-burst", "add",
            "remove", "replace");

    /** The kinds that change the membership, drawn only for protocols that support it. */
    static final Set<String> MEMBERSHIP = Set.of("add", "remove", "replace");

    private static final List<String> DELAYS = List.of("constant(4ms)", "uniform(1ms,3ms)", "uniform(5ms,30ms)",
            "normal(10ms,4ms)", "exponential(8ms)", "pareto(2ms,1.5)");

    private final Shape shape;
    private final Set<String> excludedKinds;

    /**
     * {@code excludedKinds}: fault kinds never drawn, neither in the timeline nor in the baseline
     * network; {@code membership}: whether the protocol supports membership change (if not, its kinds
     * are excluded too).
     */
    ScheduleGenerator(Shape shape, Set<String> excludedKinds, boolean membership) {
        this.shape = shape;
        Set<String> excluded = new java.util.TreeSet<>(excludedKinds);
        if (!membership) excluded.addAll(MEMBERSHIP);
        this.excludedKinds = Set.copyOf(excluded);
    }

    /** The kinds this generator draws. */
    Set<String> kinds() {
        Set<String> kinds = new java.util.TreeSet<>(KINDS);
        kinds.removeAll(excludedKinds);
        return kinds;
    }

    Schedule generate(String protocol, Map<String, Object> options, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int nodes = r.nextInt(5) < 2 ? 3 : 5;
        long electionMaxMs = options.get("electionTimeoutMaxMs") instanceof Long l ? l : Schedule.DEFAULT_ELECTION_MAX_MS;
        long timeoutMs = Math.max(100, 2 * electionMaxMs);
        Scenario.Workload workload = new Scenario.Workload("closed", 1 + r.nextInt(shape.maxClients()),
                (5 + r.nextInt(16)) + "ms", null, null, 1 + r.nextInt(3), null, null, null,
                new Scenario.Mix(0.4, 0.4, 0.2), 4, null, timeoutMs + "ms", 3 * timeoutMs + "ms", null);
        Scenario.Network network = new Scenario.Network(pick(r, DELAYS.subList(0, 2)),
                chance(r, 0.3) ? round(r.nextDouble(0.03)) : null,
                !excludedKinds.contains("duplicate") && chance(r, 0.3) ? round(r.nextDouble(0.05)) : null,
                chance(r, 0.3) ? round(r.nextDouble(0.2)) : null, null, null);
        Map<String, Map<String, Object>> opts = new LinkedHashMap<>();
        opts.put(protocol, new LinkedHashMap<>(options));
        Scenario base = new Scenario("fuzz-" + protocol + "-" + Long.toUnsignedString(seed, 36), "drawn by quorumlab fuzz",
                nodes, null, null, "events", "defaults", opts, network, workload, null);

        List<String> kinds = new ArrayList<>(KINDS);
        kinds.removeAll(excludedKinds);
        kinds.removeAll(List.of("restart", "resume", "heal")); // drawn as the second half of crash, pause, partition
        int count = 1 + r.nextInt(shape.maxFaults());
        List<List<Scenario.Fault>> groups = new ArrayList<>();
        int[] added = {0};
        for (int i = 0; i < count; i++) groups.add(group(r, pick(r, kinds), nodes, added));
        List<String> membership = kinds.stream().filter(MEMBERSHIP::contains).toList();
        if (!membership.isEmpty() && r.nextBoolean()) groups.add(group(r, pick(r, membership), nodes, added));
        return new Schedule(base, groups, 0);
    }

    /** One fault group of {@code kind}; {@code added} counts the nodes this schedule has added so far, to name the next. */
    private List<Scenario.Fault> group(SplittableRandom r, String kind, int nodes, int[] added) {
        long at = 20 + r.nextLong(shape.faultPhaseMs());
        long window = 10 + r.nextLong(shape.maxWindowMs());
        String when = ms(at * MS);
        String lasting = ms(window * MS);
        String later = ms((at + window) * MS);
        String node = "n" + (1 + r.nextInt(nodes));
        String target = switch (r.nextInt(4)) {
            case 0 -> "leader";
            case 1 -> "random-follower";
            default -> node;
        };
        return switch (kind) {
            case "crash" -> {
                // Half the crashes end with a restart fault of their own, half with a window.
                if (!excludedKinds.contains("restart") && r.nextBoolean()) {
                    yield List.of(fault(when, "crash", node, null, null, null, null, null, null),
                            fault(later, "restart", node, null, null, null, null, null, null));
                }
                yield List.of(fault(when, "crash", target, null, null, null, null, null, lasting));
            }
            case "crash-all" -> {
                List<Scenario.Fault> all = new ArrayList<>();
                for (int n = 1; n <= nodes; n++) all.add(fault(when, "crash", "n" + n, null, null, null, null, null, lasting));
                yield all;
            }
            case "partition" -> {
                List<List<String>> groups = split(r, nodes);
                if (!excludedKinds.contains("heal") && r.nextBoolean()) {
                    yield List.of(fault(when, "partition", null, groups, null, null, null, null, null),
                            fault(later, "heal", null, null, null, null, null, null, null));
                }
                yield List.of(fault(when, "partition", null, groups, null, null, null, null, lasting));
            }
            case "isolate" -> List.of(fault(when, "isolate", target, null, null, null, null, null, lasting));
            case "one-way" -> {
                int from = 1 + r.nextInt(nodes);
                int to = 1 + (from + r.nextInt(nodes - 1)) % nodes;
                yield List.of(fault(when, "one-way", null, null, "n" + from, "n" + to, null, null, lasting));
            }
            case "pause" -> {
                if (!excludedKinds.contains("resume") && r.nextBoolean()) {
                    yield List.of(fault(when, "pause", node, null, null, null, null, null, null),
                            fault(later, "resume", node, null, null, null, null, null, null));
                }
                yield List.of(fault(when, "pause", target, null, null, null, null, null, lasting));
            }
            case "drift" -> List.of(fault(when, "drift", target, null, null, null, round(0.5 + 1.5 * r.nextDouble()), null, lasting));
            case "loss" -> List.of(fault(when, "loss", null, null, null, null, round(0.05 + 0.45 * r.nextDouble()), null, lasting));
            case "duplicate" -> List.of(fault(when, "duplicate", null, null, null, null, round(0.05 + 0.3 * r.nextDouble()), null, lasting));
            case "reorder" -> List.of(fault(when, "reorder", null, null, null, null, round(0.1 + 0.5 * r.nextDouble()), null, lasting));
            case "delay" -> List.of(fault(when, "delay", null, null, null, null, null, pick(r, DELAYS), lasting));
            case "latency-matrix" -> List.of(new Scenario.Fault(when, "latency-matrix", null, null, null, null, null, null,
                    lasting, regions(r, nodes)));
            case "expire-timer" -> List.of(fault(when, "expire-timer", target, null, null, null, null, null, null));
            case "client-burst" -> List.of(new Scenario.Fault(when, "client-burst", null, null, null, null, null, null, null, null, null,
                    1 + r.nextInt(20)));
            case "add" -> List.of(fault(when, "add", "n" + (nodes + ++added[0]), null, null, null, null, null, null));
            case "remove" -> List.of(fault(when, "remove", target, null, null, null, null, null, null));
            case "replace" -> List.of(new Scenario.Fault(when, "replace", r.nextBoolean() ? "leader" : node, null, null, null, null, null,
                    null, null, "n" + (nodes + ++added[0])));
            default -> throw new IllegalStateException("no generator for fault kind " + kind);
        };
    }

    /** The nodes shuffled and cut into two groups, or sometimes three. */
    private static List<List<String>> split(SplittableRandom r, int nodes) {
        List<String> all = new ArrayList<>();
        for (int n = 1; n <= nodes; n++) all.add("n" + n);
        shuffle(r, all);
        int parts = nodes >= 5 && r.nextInt(3) == 0 ? 3 : 2;
        List<List<String>> groups = new ArrayList<>();
        int from = 0;
        for (int p = 0; p < parts; p++) {
            int left = parts - p - 1;
            int size = p == parts - 1 ? all.size() - from : 1 + r.nextInt(all.size() - from - left);
            groups.add(new ArrayList<>(all.subList(from, from + size)));
            from += size;
        }
        return groups;
    }

    private static Scenario.Regions regions(SplittableRandom r, int nodes) {
        List<String> all = new ArrayList<>();
        for (int n = 1; n <= nodes; n++) all.add("n" + n);
        shuffle(r, all);
        int cut = 1 + r.nextInt(nodes - 1);
        Map<String, List<String>> placement = new LinkedHashMap<>();
        placement.put("east", new ArrayList<>(all.subList(0, cut)));
        placement.put("west", new ArrayList<>(all.subList(cut, all.size())));
        return new Scenario.Regions(placement, "uniform(1ms,2ms)", Map.of("east-west", "uniform(10ms," + (20 + r.nextInt(40)) + "ms)"));
    }

    static Scenario.Fault fault(String at, String type, String target, List<List<String>> groups, String from, String to,
            Double value, String delay, String duration) {
        return new Scenario.Fault(at, type, target, groups, from, to, value, delay, duration, null);
    }

    private static void shuffle(SplittableRandom r, List<String> list) {
        for (int i = list.size() - 1; i > 0; i--) Collections.swap(list, i, r.nextInt(i + 1));
    }

    private static <T> T pick(SplittableRandom r, List<T> list) {
        return list.get(r.nextInt(list.size()));
    }

    private static boolean chance(SplittableRandom r, double p) {
        return r.nextDouble() < p;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
