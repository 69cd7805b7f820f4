package quorumlab.analysis.fuzz;

import static quorumlab.analysis.fuzz.Schedule.MS;
import static quorumlab.analysis.fuzz.Schedule.ms;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import quorumlab.protocols.Protocol;
import quorumlab.workload.Durations;
import quorumlab.workload.Scenario;

/**
 * Reduces a failing schedule to a small one that still fails the same check: greedily, it tries
 * one simplification after another (fewer fault groups, fewer nodes, one client, options and
 * network back to defaults, shorter and earlier fault windows, a shorter run, fewer operations)
 * and keeps the first that still fails, until none does or the budget is spent. The simulation
 * seed stays the same throughout, so each step is deterministic.
 */
final class Shrinker {
    /** At most this many runs, and this much wall time, per failure. */
    static final int MAX_RUNS = 400;
    static final long MAX_WALL_NANOS = 120_000_000_000L;
    static final long MIN_WINDOW = 5 * MS;

    private Shrinker() {}

    /** The smallest schedule found that fails {@code check} on {@code seed}, and the runs it took. */
    record Result(Schedule schedule, Judge.Finding finding, int runs) {}

    static Result shrink(Protocol protocol, Schedule failing, long seed, Judge.Finding finding) {
        String check = finding.check();
        Schedule best = failing;
        Judge.Finding bestFinding = finding;
        int runs = 0;
        long deadline = System.nanoTime() + MAX_WALL_NANOS;
        boolean progress = true;
        while (progress && runs < MAX_RUNS && System.nanoTime() < deadline) {
            progress = false;
            for (Schedule candidate : candidates(best, protocol, check)) {
                if (runs >= MAX_RUNS || System.nanoTime() >= deadline) break;
                Judge.Outcome outcome;
                try {
                    runs++;
                    outcome = Judge.judge(candidate, protocol, seed);
                } catch (IllegalArgumentException invalid) {
                    continue; // a simplification the protocol's options reject
                }
                if (outcome.fails(check)) {
                    best = candidate;
                    bestFinding = outcome.findings().stream().filter(f -> f.check().equals(check)).findFirst().orElseThrow();
                    progress = true;
                    break;
                }
            }
        }
        return new Result(best, bestFinding, runs);
    }

    static Fuzzer.Failure shrinkAndWrite(Protocol protocol, Fuzzer.Case c, Judge.Finding finding, Path out) {
        Result r = shrink(protocol, c.schedule(), c.seed(), finding);
        Path file = null;
        String replay = null;
        if (out != null) {
            Counterexamples.Written w = Counterexamples.write(out, protocol, r.schedule(), c.seed(), r.finding());
            file = w.file();
            replay = w.replay();
        }
        return new Fuzzer.Failure(protocol.name(), c.seed(), finding, c.schedule(), r.schedule(), r.finding(), r.runs(), file,
                replay);
    }

    /** Simplifications of {@code s}, the boldest first. */
    static List<Schedule> candidates(Schedule s, Protocol protocol, String check) {
        List<Schedule> out = new ArrayList<>();
        List<List<Scenario.Fault>> groups = s.groups();
        int n = groups.size();
        if (n > 1) {
            out.add(s.withGroups(groups.subList(0, n / 2)));
            out.add(s.withGroups(groups.subList(n / 2, n)));
        }
        for (int i = 0; i < n; i++) out.add(s.withGroups(without(groups, i)));
        // Single members of a group that heal on their own (one node of a whole-cluster crash).
        for (int i = 0; i < n; i++) {
            List<Scenario.Fault> g = groups.get(i);
            if (g.size() > 1 && g.stream().allMatch(f -> f.duration() != null)) {
                for (int j = 0; j < g.size(); j++) out.add(s.withGroups(replace(groups, i, without(g, j))));
            }
        }
        Scenario base = s.base();
        if (base.nodeCount() > 3) out.add(fewerNodes(s, 3));
        Scenario.Workload w = base.workloadOrDefault();
        if (w.clients() != null && w.clients() > 1) out.add(s.withBase(Schedule.withWorkload(base, clients(w, 1))));
        for (String protocolName : base.optionsOrEmpty().keySet()) {
            for (Set<String> group : optionGroups(base.optionsOrEmpty().get(protocolName).keySet())) {
                Map<String, Map<String, Object>> options = Schedule.copyOptions(base);
                options.get(protocolName).keySet().removeAll(group);
                if (options.get(protocolName).isEmpty()) options.remove(protocolName);
                out.add(s.withBase(Schedule.withOptions(base, options)));
            }
        }
        Scenario.Network net = base.networkOrDefault();
        if (net.loss() != null) out.add(s.withBase(Schedule.withNetwork(base, new Scenario.Network(net.delay(), null, net.duplicate(), net.reorder(), net.clientDelay(), net.regions()))));
        if (net.duplicate() != null) out.add(s.withBase(Schedule.withNetwork(base, new Scenario.Network(net.delay(), net.loss(), null, net.reorder(), net.clientDelay(), net.regions()))));
        if (net.reorder() != null) out.add(s.withBase(Schedule.withNetwork(base, new Scenario.Network(net.delay(), net.loss(), net.duplicate(), null, net.clientDelay(), net.regions()))));
        if (net.delay() != null) out.add(s.withBase(Schedule.withNetwork(base, new Scenario.Network(null, net.loss(), net.duplicate(), net.reorder(), net.clientDelay(), net.regions()))));
        for (int i = 0; i < n; i++) {
            List<Scenario.Fault> shorter = shorterWindow(groups.get(i));
            if (shorter != null) out.add(s.withGroups(replace(groups, i, shorter)));
            List<Scenario.Fault> earlier = earlier(groups.get(i));
            if (earlier != null) out.add(s.withGroups(replace(groups, i, earlier)));
        }
        // A safety violation needs no quiet period after the faults: try a shorter run.
        if (!check.equals(Judge.LIVENESS) && !check.startsWith("cost-")) {
            long end = s.toScenario(protocol).durationNanos();
            long least = s.lastHeal() + 50 * MS;
            if (end / 2 >= least) out.add(s.withEnd(end / 2));
            else if (end > least + 10 * MS) out.add(s.withEnd(least));
        }
        long think = w.thinkTime() != null ? Durations.parse(w.thinkTime()) : 10 * MS;
        if (think < 80 * MS) out.add(s.withBase(Schedule.withWorkload(base, thinkTime(w, ms(2 * think)))));
        if (w.keys() != null && w.keys() > 1) out.add(s.withBase(Schedule.withWorkload(base, keys(w, 1))));
        return out;
    }

    /** The group with its window halved: a fault's duration, or the gap to the fault that undoes it. */
    private static List<Scenario.Fault> shorterWindow(List<Scenario.Fault> g) {
        List<Scenario.Fault> out = new ArrayList<>();
        boolean changed = false;
        long start = g.stream().mapToLong(f -> Durations.parse(f.at())).min().orElse(0);
        for (Scenario.Fault f : g) {
            long at = Durations.parse(f.at());
            if (f.duration() != null && Durations.parse(f.duration()) / 2 >= MIN_WINDOW) {
                out.add(at(f, f.at(), ms(Durations.parse(f.duration()) / 2)));
                changed = true;
            } else if (at > start && (at - start) / 2 >= MIN_WINDOW) {
                out.add(at(f, ms(start + (at - start) / 2), f.duration()));
                changed = true;
            } else {
                out.add(f);
            }
        }
        return changed ? out : null;
    }

    /** The group moved to half its start time, its faults keeping their distances. */
    private static List<Scenario.Fault> earlier(List<Scenario.Fault> g) {
        long start = g.stream().mapToLong(f -> Durations.parse(f.at())).min().orElse(0);
        long shift = start / 2;
        if (shift < MS) return null;
        List<Scenario.Fault> out = new ArrayList<>();
        for (Scenario.Fault f : g) out.add(at(f, ms(Durations.parse(f.at()) - shift), f.duration()));
        return out;
    }

    /** The schedule on nodes n1..n{@code nodes}: faults on other nodes go (with their group when it must heal as one). */
    static Schedule fewerNodes(Schedule s, int nodes) {
        List<List<Scenario.Fault>> groups = new ArrayList<>();
        for (List<Scenario.Fault> g : s.groups()) {
            List<Scenario.Fault> kept = new ArrayList<>();
            boolean lostUndoing = false;
            for (Scenario.Fault f : g) {
                Scenario.Fault m = onNodes(f, nodes);
                if (m != null) kept.add(m);
                else if (f.duration() == null) lostUndoing = true;
            }
            boolean wholeGroupNeeded = g.stream().anyMatch(f -> f.duration() == null);
            if (!(wholeGroupNeeded && (lostUndoing || kept.size() < g.size()))) groups.add(kept);
        }
        Scenario b = s.base();
        Scenario base = new Scenario(b.name(), b.description(), nodes, b.duration(), b.seeds(), b.traceLevel(), b.profile(),
                b.options(), b.network(), b.workload(), null);
        return new Schedule(base, groups, s.endNanos());
    }

    private static Scenario.Fault onNodes(Scenario.Fault f, int nodes) {
        if (f.target() != null && !exists(f.target(), nodes)) return null;
        if (f.from() != null && (!exists(f.from(), nodes) || !exists(f.to(), nodes))) return null;
        if (f.groups() != null) {
            List<List<String>> groups = new ArrayList<>();
            for (List<String> g : f.groups()) {
                List<String> kept = g.stream().filter(x -> exists(x, nodes)).toList();
                if (!kept.isEmpty()) groups.add(kept);
            }
            if (groups.size() < 2) return null;
            return new Scenario.Fault(f.at(), f.type(), f.target(), groups, f.from(), f.to(), f.value(), f.delay(), f.duration(), f.regions());
        }
        if (f.regions() != null) {
            Map<String, List<String>> placement = new LinkedHashMap<>();
            f.regions().placement().forEach((region, members) -> {
                List<String> kept = members.stream().filter(x -> exists(x, nodes)).toList();
                if (!kept.isEmpty()) placement.put(region, kept);
            });
            if (placement.size() < 2) return null;
            Scenario.Regions regions = new Scenario.Regions(placement, f.regions().within(), f.regions().between());
            return new Scenario.Fault(f.at(), f.type(), f.target(), f.groups(), f.from(), f.to(), f.value(), f.delay(), f.duration(), regions);
        }
        return f;
    }

    private static boolean exists(String node, int nodes) {
        if (!node.matches("n[0-9]+")) return true; // leader, random-follower, last-crashed
        return Integer.parseInt(node.substring(1)) <= nodes;
    }

    private static Scenario.Fault at(Scenario.Fault f, String at, String duration) {
        return new Scenario.Fault(at, f.type(), f.target(), f.groups(), f.from(), f.to(), f.value(), f.delay(), duration, f.regions(), f.with());
    }

    private static Scenario.Workload clients(Scenario.Workload w, int clients) {
        return new Scenario.Workload(w.mode(), clients, w.thinkTime(), w.rate(), w.arrivals(), w.keys(), w.keyDistribution(),
                w.zipfTheta(), w.hotFraction(), w.mix(), w.valueSize(), w.warmup(), w.timeout(), w.giveUpAfter(), w.bikes());
    }

    private static Scenario.Workload thinkTime(Scenario.Workload w, String think) {
        return new Scenario.Workload(w.mode(), w.clients(), think, w.rate(), w.arrivals(), w.keys(), w.keyDistribution(),
                w.zipfTheta(), w.hotFraction(), w.mix(), w.valueSize(), w.warmup(), w.timeout(), w.giveUpAfter(), w.bikes());
    }

    private static Scenario.Workload keys(Scenario.Workload w, int keys) {
        return new Scenario.Workload(w.mode(), w.clients(), w.thinkTime(), w.rate(), w.arrivals(), keys, w.keyDistribution(),
                w.zipfTheta(), w.hotFraction(), w.mix(), w.valueSize(), w.warmup(), w.timeout(), w.giveUpAfter(), w.bikes());
    }

    private static <T> List<T> without(List<T> list, int i) {
        List<T> out = new ArrayList<>(list);
        out.remove(i);
        return out;
    }

    private static <T> List<T> replace(List<T> list, int i, T value) {
        List<T> out = new ArrayList<>(list);
        out.set(i, value);
        return out;
    }

    /**
     * The options a schedule sets, grouped as the option space sets them: a setting's options go back
     * to their defaults together, since one alone can make a setting nobody would run (the tight
     * timeouts with the default 50 ms heartbeat: followers time out between heartbeats, a liveness
     * failure of the shrunk schedule that the original never had).
     */
    static List<Set<String>> optionGroups(Set<String> present) {
        List<Set<String>> groups = new ArrayList<>();
        Set<String> grouped = new HashSet<>();
        for (OptionSpace.Dimension d : OptionSpace.ALL) {
            Set<String> names = new TreeSet<>();
            for (OptionSpace.Setting setting : d.settings()) names.addAll(setting.values().keySet());
            names.retainAll(present);
            if (!names.isEmpty() && grouped.addAll(names)) groups.add(names);
        }
        for (String name : present) {
            if (grouped.add(name)) groups.add(Set.of(name));
        }
        return groups;
    }
}
