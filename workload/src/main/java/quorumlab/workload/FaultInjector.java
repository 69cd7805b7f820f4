package quorumlab.workload;

import java.util.ArrayList;
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
 * {@code random-follower}) are resolved at the instant the fault fires, and every fault is written
 * to the trace with the nodes it resolved to.
 */
public final class FaultInjector {
    static final List<String> TYPES = List.of("crash", "restart", "partition", "isolate", "heal", "one-way",
            "loss", "duplicate", "reorder", "delay", "pause", "resume", "drift", "latency-matrix");
    static final Set<String> SYMBOLIC_TARGETS = Set.of("leader", "random-follower", "last-crashed");

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
                record("isolate", List.of(n), "target " + f.target());
                if (window > 0) later(window, () -> heal("after " + f.duration()));
            });
            case "partition" -> {
                List<Set<NodeId>> groups = new ArrayList<>();
                for (List<String> g : f.groups()) {
                    Set<NodeId> group = new HashSet<>();
                    g.forEach(name -> group.add(NodeId.parse(name)));
                    groups.add(group);
                }
                net.partition(groups);
                record("partition", List.of(), "groups " + f.groups());
                if (window > 0) later(window, () -> heal("after " + f.duration()));
            }
            case "one-way" -> {
                NodeId from = NodeId.parse(f.from());
                NodeId to = NodeId.parse(f.to());
                net.cutOneWay(from, to);
                record("one-way", List.of(from, to), f.from() + " -> " + f.to() + " cut");
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
