package quorumlab.workload;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.runtime.ClusterRuntime;

import quorumlab.protocols.runtime.NetworkModel;

/**
 * Applies a scenario's fault timeline to a runtime. Symbolic targets ({@code leader},
 * {@code random-follower}) and symbolic partition members ({@code leader}, {@code random-follower},
 * {@code others}) are resolved at the instant the fault fires, and every fault is written to the
 * trace with the nodes it resolved to. A cut (partition, isolate, one-way) also records its groups,
 * and as its nodes those cut off from the majority, so the analysis can tell whether the leader was.
 */
public final class FaultInjector {
    static final List<String> TYPES = List.of("crash", "restart", "partition", "isolate", "heal", "one-way",
            "loss", "duplicate", "reorder", "delay", "pause", "resume", "drift", "latency-matrix");
    static final Set<String> SYMBOLIC_TARGETS = Set.of("leader", "random-follower", "last-crashed");
    /** In a partition group: the leader, a follower not placed elsewhere, every node not placed elsewhere. */
    static final Set<String> SYMBOLIC_MEMBERS = Set.of("leader", "random-follower", "others");

    private final ClusterRuntime runtime;
    private final Scenario.Network baseline;
    private final SplittableRandom random;
    private NodeId lastCrashed;

    FaultInjector(ClusterRuntime runtime, Scenario scenario, long seed) {
        this.runtime = runtime;
        this.baseline = scenario.networkOrDefault();
        // Its own stream, so the choice of a random follower depends on the seed, not on the protocol's draws.
        this.random = new SplittableRandom(seed ^ 0x6661756c74L);
    }

    /** Schedules every fault of {@code scenario} on the runtime. */
    void schedule(List<Scenario.Fault> faults) {
        for (Scenario.Fault f : faults) {
            long at = Durations.parse(f.at());
            runtime.schedule(at, () -> apply(f));
        }
    }

    private void apply(Scenario.Fault f) {
        NetworkModel net = runtime.network();
        long window = f.duration() != null ? Durations.parse(f.duration()) : 0;
        switch (f.type()) {
            case "crash" -> resolve(f.target()).ifPresentOrElse(n -> {
                runtime.crash(n);
                lastCrashed = n;
                record("crash", List.of(n), "target " + f.target());
                if (window > 0) later(window, () -> {
                    runtime.restart(n);
                    record("restart", List.of(n), "after " + f.duration());
                });
            }, () -> record("crash", List.of(), "target " + f.target() + " resolved to no node"));
            case "restart" -> resolve(f.target()).ifPresent(n -> {
                runtime.restart(n);
                record("restart", List.of(n), "target " + f.target());
            });
            case "isolate" -> resolve(f.target()).ifPresent(n -> {
                net.isolate(n);
                recordCut("isolate", List.of(List.of(n), othersThan(Set.of(n))), "target " + f.target());
                if (window > 0) later(window, () -> heal("after " + f.duration()));
            });
            case "partition" -> {
                List<List<NodeId>> groups = resolveGroups(f.groups());
                List<Set<NodeId>> sets = new ArrayList<>();
                groups.forEach(g -> sets.add(new HashSet<>(g)));
                net.partition(sets);
                recordCut("partition", groups, "groups " + f.groups());
                if (window > 0) later(window, () -> heal("after " + f.duration()));
            }
            case "one-way" -> {
                NodeId from = NodeId.parse(f.from());
                NodeId to = NodeId.parse(f.to());
                net.cutOneWay(from, to);
                recordCut("one-way", List.of(List.of(from), List.of(to)),
                        "one-way: " + from + " -> " + to + " cut, " + to + " -> " + from + " still delivers");
                if (window > 0) later(window, () -> heal("after " + f.duration()));
            }
            case "heal" -> heal("timeline");
            case "loss" -> window(f, window, () -> net.setDropProbability(f.value()),
                    () -> net.setDropProbability(orZero(baseline.loss())));
            case "duplicate" -> window(f, window, () -> net.setDuplicateProbability(f.value()),
                    () -> net.setDuplicateProbability(orZero(baseline.duplicate())));
            case "reorder" -> window(f, window, () -> net.setReordering(f.value(), Runs.REORDER_EXTRA),
                    () -> net.setReordering(orZero(baseline.reorder()), Runs.REORDER_EXTRA));
            case "delay" -> window(f, window, () -> net.setDelay(DelaySpec.parse(f.delay())),
                    () -> net.setDelay(Runs.baselineDelay(baseline)));
            // A new region matrix for a while (e.g. a slower inter-region link); the end restores the scenario's network.
            case "latency-matrix" -> window(f, window, () -> net.setRegions(Runs.regions(f.regions())), () -> {
                net.setDelay(Runs.baselineDelay(baseline));
                if (baseline.regions() != null) net.setRegions(Runs.regions(baseline.regions()));
            });
            case "pause" -> resolve(f.target()).ifPresent(n -> {
                runtime.pause(n);
                record("pause", List.of(n), "target " + f.target());
                if (window > 0) later(window, () -> {
                    runtime.resume(n);
                    record("resume", List.of(n), "after " + f.duration());
                });
            });
            case "resume" -> resolve(f.target()).ifPresent(n -> {
                runtime.resume(n);
                record("resume", List.of(n), "target " + f.target());
            });
            case "drift" -> resolve(f.target()).ifPresent(n -> {
                runtime.setTimerDrift(n, f.value());
                record("drift", List.of(n), "timer rate " + f.value());
                if (window > 0) later(window, () -> {
                    runtime.setTimerDrift(n, 1.0);
                    record("drift", List.of(n), "timer rate 1.0 after " + f.duration());
                });
            });
            default -> throw new IllegalStateException("unvalidated fault type " + f.type());
        }
    }

    private static double orZero(Double d) {
        return d != null ? d : 0;
    }

    private void window(Scenario.Fault f, long window, Runnable start, Runnable end) {
        start.run();
        String what = f.value() != null ? String.valueOf(f.value()) : f.delay();
        record(f.type(), List.of(), what + (window > 0 ? " for " + f.duration() : ""));
        if (window > 0) later(window, () -> {
            end.run();
            record(f.type() + "-end", List.of(), "back to the scenario's network");
        });
    }

    private void heal(String why) {
        runtime.network().heal();
        record("heal", List.of(), why);
    }

    private void later(long delay, Runnable action) {
        runtime.schedule(runtime.now() + delay, action);
    }

    private void record(String fault, List<NodeId> nodes, String detail) {
        runtime.recordFault(fault, nodes, detail);
    }

    /**
     * Records a cut with its groups; its nodes are those cut off from the majority: every node outside
     * the group that holds a majority of the cluster, or every node in the groups if none holds one.
     */
    private void recordCut(String fault, List<List<NodeId>> groups, String detail) {
        int majority = runtime.cluster().size() / 2 + 1;
        List<NodeId> majorityGroup = groups.stream().filter(g -> g.size() >= majority).findFirst().orElse(List.of());
        List<NodeId> cutOff = new ArrayList<>();
        for (List<NodeId> g : groups) {
            for (NodeId n : g) if (!majorityGroup.contains(n)) cutOff.add(n);
        }
        cutOff.sort(Comparator.comparingInt(NodeId::id));
        runtime.recordFault(fault, cutOff, detail, groups);
    }

    /** Every member not in {@code placed}, in cluster order. */
    private List<NodeId> othersThan(Set<NodeId> placed) {
        List<NodeId> rest = new ArrayList<>();
        for (NodeId n : runtime.cluster().members()) if (!placed.contains(n)) rest.add(n);
        return rest;
    }

    /**
     * The partition's groups as nodes, now: named nodes first, then {@code leader} (left out if no
     * node leads), then each {@code random-follower} (an up node that does not lead and is not placed
     * yet), then {@code others}. Nodes no group names form one more group, as the network model treats
     * them. Empty groups are left out; each group is in node order.
     */
    private List<List<NodeId>> resolveGroups(List<List<String>> spec) {
        List<List<NodeId>> groups = new ArrayList<>();
        for (int g = 0; g < spec.size(); g++) groups.add(new ArrayList<>());
        Set<NodeId> placed = new HashSet<>();
        Optional<NodeId> leader = runtime.leader();
        for (String pass : List.of("node", "leader", "random-follower", "others")) {
            for (int g = 0; g < spec.size(); g++) {
                for (String name : spec.get(g)) {
                    boolean symbolic = SYMBOLIC_MEMBERS.contains(name);
                    if (pass.equals("node") && !symbolic) {
                        NodeId n = NodeId.parse(name);
                        placed.add(n);
                        groups.get(g).add(n);
                    } else if (pass.equals(name) && name.equals("leader")) {
                        leader.filter(placed::add).ifPresent(groups.get(g)::add);
                    } else if (pass.equals(name) && name.equals("random-follower")) {
                        List<NodeId> candidates = new ArrayList<>();
                        for (NodeId n : runtime.cluster().members()) {
                            if (runtime.isUp(n) && !leader.equals(Optional.of(n)) && !placed.contains(n)) candidates.add(n);
                        }
                        if (!candidates.isEmpty()) {
                            NodeId n = candidates.get(random.nextInt(candidates.size()));
                            placed.add(n);
                            groups.get(g).add(n);
                        }
                    } else if (pass.equals(name) && name.equals("others")) {
                        List<NodeId> rest = othersThan(placed);
                        placed.addAll(rest);
                        groups.get(g).addAll(rest);
                    }
                }
            }
        }
        List<NodeId> unnamed = othersThan(placed);
        if (!unnamed.isEmpty()) groups.add(unnamed);
        groups.removeIf(List::isEmpty);
        groups.forEach(g -> g.sort(Comparator.comparingInt(NodeId::id)));
        return groups;
    }

    private Optional<NodeId> resolve(String target) {
        switch (target) {
            case "leader":
                return runtime.leader();
            case "last-crashed":
                return Optional.ofNullable(lastCrashed);
            case "random-follower": {
                Optional<NodeId> leader = runtime.leader();
                List<NodeId> candidates = new ArrayList<>();
                for (NodeId n : runtime.cluster().members()) {
                    if (runtime.isUp(n) && !leader.equals(Optional.of(n))) candidates.add(n);
                }
                return candidates.isEmpty() ? Optional.empty() : Optional.of(candidates.get(random.nextInt(candidates.size())));
            }
            default:
                return Optional.of(NodeId.parse(target));
        }
    }

}
