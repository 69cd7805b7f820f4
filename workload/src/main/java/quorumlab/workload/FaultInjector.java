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
import quorumlab.workload.FaultWindows.Window;

/**
 * Applies a scenario's fault timeline to a runtime. Symbolic targets ({@code leader},
 * {@code random-follower}) and symbolic partition members ({@code leader}, {@code random-follower},
 * {@code others}) are resolved at the instant the fault fires, and every fault is written to the
 * trace with the nodes it resolved to. A cut (partition, isolate, one-way) also records its groups,
 * and as its nodes those cut off from the majority, so the analysis can tell whether the leader was.
 *
 * <p>Windows compose ({@link FaultWindows}): the links cut are the union of every open cut window; a
 * network parameter (loss, duplication, reordering, delays) takes the value of the most recently
 * opened window still open, else the scenario's; a node stays crashed or paused while any window that
 * took it down is open. A window's end undoes only its own effect, and its trace record says what is
 * in effect afterwards. The timeline's {@code heal}, {@code restart} and {@code resume} end every
 * window of their kind (on their node) at once.
 */
public final class FaultInjector {
    static final List<String> TYPES = List.of("crash", "restart", "partition", "isolate", "heal", "one-way",
            "loss", "duplicate", "reorder", "delay", "pause", "resume", "drift", "latency-matrix", "add", "remove", "replace",
            "expire-timer", "client-burst");
    /**
     * The fault types only the simulator can apply: {@code expire-timer} moves a pending timer, which
     * the real-time runtimes keep inside their actors.
     */
    static final Set<String> SIM_ONLY_TYPES = Set.of("expire-timer");
    /** At most this many writes in one {@code client-burst}. */
    public static final int MAX_BURST = 100;
    /** The fault types that change the membership: only protocols that support it may run them. */
    static final Set<String> MEMBERSHIP_TYPES = Set.of("add", "remove", "replace");
    static final Set<String> SYMBOLIC_TARGETS = Set.of("leader", "random-follower", "last-crashed");
    /** In a partition group: the leader, a follower not placed elsewhere, every node not placed elsewhere. */
    static final Set<String> SYMBOLIC_MEMBERS = Set.of("leader", "random-follower", "others");

    private final ClusterRuntime runtime;
    private final Scenario.Network baseline;
    private final SplittableRandom random;
    private final FaultWindows windows = new FaultWindows();
    /** Starts a {@code client-burst}'s writes: the run's clients ({@link Clients#burst}). */
    private java.util.function.IntConsumer bursts = count -> {
        throw new IllegalStateException("a client-burst in a run without clients");
    };
    private NodeId lastCrashed;
    /** Membership changes: the injector's own view of who exists and who votes. */
    private final MembershipFaults membership;

    FaultInjector(ClusterRuntime runtime, Scenario scenario, long seed) {
        this.runtime = runtime;
        this.membership = new MembershipFaults(runtime, this::resolveFollower);
        this.baseline = scenario.networkOrDefault();
        // Its own stream, so the choice of a random follower depends on the seed, not on the protocol's draws.
        this.random = new SplittableRandom(seed ^ 0x6661756c74L);
    }

    /** Where a {@code client-burst} starts its writes: the run's clients. */
    void bursts(java.util.function.IntConsumer start) {
        this.bursts = start;
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
        long duration = f.duration() != null ? Durations.parse(f.duration()) : 0;
        switch (f.type()) {
            case "crash" -> resolve(f.target()).ifPresentOrElse(n -> {
                runtime.crash(n);
                lastCrashed = n;
                Window w = windows.open(FaultWindows.CRASH, n, f, "crash of " + n, runtime.now(), duration);
                record("crash", List.of(n), "target " + f.target());
                whenEnds(w, () -> {
                    Optional<Window> still = windows.latest(FaultWindows.CRASH, n);
                    if (still.isPresent()) {
                        record("crash-end", List.of(n), "after " + f.duration() + ": " + n + " stays down, " + still.get().describe());
                    } else {
                        String pausedAgain = restart(n);
                        record("restart", List.of(n), "after " + f.duration() + pausedAgain);
                    }
                });
            }, () -> record("crash", List.of(), "target " + f.target() + " resolved to no node"));
            case "restart" -> resolve(f.target()).ifPresent(n -> {
                List<Window> ended = windows.closeAll(FaultWindows.CRASH, n);
                String pausedAgain = restart(n);
                record("restart", List.of(n), "target " + f.target() + endsEarly(ended) + pausedAgain);
            });
            case "isolate" -> resolve(f.target()).ifPresent(n -> {
                Window w = windows.open(FaultWindows.CUT, null, f, "isolation of " + n, runtime.now(), duration);
                net.isolate(w, n);
                w.recordedNodes = recordCut("isolate", List.of(List.of(n), othersThan(Set.of(n))), "target " + f.target());
                whenEnds(w, () -> cutEnds(w));
            });
            case "partition" -> {
                List<List<NodeId>> groups = resolveGroups(f.groups());
                List<Set<NodeId>> sets = new ArrayList<>();
                groups.forEach(g -> sets.add(new HashSet<>(g)));
                Window w = windows.open(FaultWindows.CUT, null, f, "partition " + groups, runtime.now(), duration);
                net.partition(w, sets);
                w.recordedNodes = recordCut("partition", groups, "groups " + f.groups());
                whenEnds(w, () -> cutEnds(w));
            }
            case "one-way" -> {
                NodeId from = NodeId.parse(f.from());
                NodeId to = NodeId.parse(f.to());
                Window w = windows.open(FaultWindows.CUT, null, f, "one-way cut " + from + " -> " + to, runtime.now(), duration);
                net.cutOneWay(w, from, to);
                w.recordedNodes = recordCut("one-way", List.of(List.of(from), List.of(to)),
                        "one-way: " + from + " -> " + to + " cut, " + to + " -> " + from + " still delivers");
                whenEnds(w, () -> cutEnds(w));
            }
            case "heal" -> {
                List<Window> ended = windows.closeAll(FaultWindows.CUT, null);
                net.heal();
                record("heal", List.of(), "timeline" + (ended.isEmpty() ? ": no cut was open" : ": ends " + FaultWindows.describe(ended)));
            }
            case "loss" -> parameter(f, duration, FaultWindows.LOSS, FaultWindows.percent(f.value()) + " loss");
            case "duplicate" -> parameter(f, duration, FaultWindows.DUPLICATE, FaultWindows.percent(f.value()) + " duplication");
            case "reorder" -> parameter(f, duration, FaultWindows.REORDER, FaultWindows.percent(f.value()) + " reordering");
            case "delay" -> parameter(f, duration, FaultWindows.DELAYS, "delay " + f.delay());
            case "latency-matrix" -> parameter(f, duration, FaultWindows.DELAYS, "latency matrix " + f.regions().placement());
            case "pause" -> resolve(f.target()).ifPresent(n -> {
                Window w = windows.open(FaultWindows.PAUSE, n, f, "pause of " + n, runtime.now(), duration);
                runtime.pause(n);
                record("pause", List.of(n), "target " + f.target());
                whenEnds(w, () -> {
                    Optional<Window> still = windows.latest(FaultWindows.PAUSE, n);
                    if (still.isPresent()) {
                        record("pause-end", List.of(n), "after " + f.duration() + ": " + n + " stays paused, " + still.get().describe());
                    } else {
                        runtime.resume(n);
                        record("resume", List.of(n), "after " + f.duration());
                    }
                });
            });
            case "resume" -> resolve(f.target()).ifPresent(n -> {
                List<Window> ended = windows.closeAll(FaultWindows.PAUSE, n);
                runtime.resume(n);
                record("resume", List.of(n), "target " + f.target() + endsEarly(ended));
            });
            case "drift" -> resolve(f.target()).ifPresent(n -> {
                Window w = windows.open(FaultWindows.DRIFT, n, f, "timer rate " + f.value() + " on " + n, runtime.now(), duration);
                runtime.setTimerDrift(n, f.value());
                record("drift", List.of(n), "timer rate " + f.value());
                whenEnds(w, () -> {
                    Optional<Window> still = windows.latest(FaultWindows.DRIFT, n);
                    double rate = still.map(x -> x.fault.value()).orElse(1.0);
                    runtime.setTimerDrift(n, rate);
                    record("drift", List.of(n), "timer rate " + rate + " after " + f.duration()
                            + still.map(x -> ": back to " + x.describe()).orElse(""));
                });
            });
            case "expire-timer" -> resolve(f.target()).ifPresentOrElse(n -> {
                // the simulator only (Runner refuses the others before anything runs); it fires after this record
                boolean fired = runtime.fireTimerNow(n, "election");
                record("expire-timer", List.of(n), "target " + f.target() + ": election timer due now"
                        + (fired ? "" : " (none pending: the node is down or leads)"));
            }, () -> record("expire-timer", List.of(), "target " + f.target() + " resolved to no node"));
            case "client-burst" -> {
                record("client-burst", List.of(), f.count() + " writes");
                bursts.accept(f.count());
            }
            case "add" -> membership.add(NodeId.parse(f.target()));
            case "remove" -> membership.remove(f.target());
            case "replace" -> membership.replace(f.target(), NodeId.parse(f.with()));
            default -> throw new IllegalStateException("unvalidated fault type " + f.type());
        }
    }

    /**
     * Opens a window on a network parameter. The parameter is recomputed from all open windows of
     * its kind, so the most recently opened one that is still open decides it, whichever ends first.
     */
    private void parameter(Scenario.Fault f, long duration, String kind, String what) {
        Window w = windows.open(kind, null, f, what, runtime.now(), duration);
        applyParameter(kind);
        String value = f.value() != null ? String.valueOf(f.value()) : f.delay() != null ? f.delay() : "regions " + f.regions().placement();
        record(f.type(), List.of(), value + (duration > 0 ? " for " + f.duration() : ""));
        whenEnds(w, () -> {
            applyParameter(kind);
            record(f.type() + "-end", List.of(), "back to " + windows.latest(kind, null).map(Window::describe)
                    .orElse("the scenario's network (" + baselineOf(kind) + ")"));
        });
    }

    /**
     * Sets {@code kind} on the network: the value of the most recently opened window still open, else
     * the scenario's. Delays are laid down in layers, the scenario's first, then each open window in
     * the order opened, because a latency matrix sets only the links between the nodes it places.
     */
    private void applyParameter(String kind) {
        NetworkModel net = runtime.network();
        Optional<Window> latest = windows.latest(kind, null);
        switch (kind) {
            case FaultWindows.LOSS -> net.setDropProbability(latest.map(w -> w.fault.value()).orElse(orZero(baseline.loss())));
            case FaultWindows.DUPLICATE -> net.setDuplicateProbability(latest.map(w -> w.fault.value()).orElse(orZero(baseline.duplicate())));
            case FaultWindows.REORDER -> net.setReordering(latest.map(w -> w.fault.value()).orElse(orZero(baseline.reorder())), Runs.REORDER_EXTRA);
            case FaultWindows.DELAYS -> {
                net.setDelay(Runs.baselineDelay(baseline));
                if (baseline.regions() != null) net.setRegions(Runs.regions(baseline.regions()));
                for (Window w : windows.of(kind, null)) {
                    if (w.fault.type().equals("delay")) net.setDelay(DelaySpec.parse(w.fault.delay()));
                    else net.setRegions(Runs.regions(w.fault.regions()));
                }
            }
            default -> throw new IllegalStateException("not a network parameter: " + kind);
        }
    }

    private String baselineOf(String kind) {
        return switch (kind) {
            case FaultWindows.LOSS -> FaultWindows.percent(orZero(baseline.loss())) + " loss";
            case FaultWindows.DUPLICATE -> FaultWindows.percent(orZero(baseline.duplicate())) + " duplication";
            case FaultWindows.REORDER -> FaultWindows.percent(orZero(baseline.reorder())) + " reordering";
            default -> "delay " + (baseline.delay() != null ? baseline.delay() : Runs.DEFAULT_DELAY)
                    + (baseline.regions() != null ? " and its latency matrix" : "");
        };
    }

    /**
     * The end of a cut window removes its own cuts only. When no cut is left the network is whole
     * again, a {@code heal}; otherwise a {@code <type>-end} names the cuts still open.
     */
    private void cutEnds(Window w) {
        runtime.network().heal(w);
        List<Window> still = windows.of(FaultWindows.CUT, null);
        String after = "after " + w.fault.duration();
        if (still.isEmpty()) record("heal", List.of(), after + ": " + w.what + " ends, no cut remains");
        else record(w.fault.type() + "-end", w.recordedNodes, after + ": " + w.what + " ends; still cut: " + FaultWindows.describe(still));
    }

    /** At the end of {@code w}, unless a timeline entry (heal, restart, resume) closed it before: close it and run {@code end}. */
    private void whenEnds(Window w, Runnable end) {
        if (!w.ends()) return;
        later(w.until - w.from, () -> {
            if (windows.close(w)) end.run();
        });
    }

    /** Restarts {@code n}, and pauses it again if a pause window on it is still open (a crash ends a pause). */
    private String restart(NodeId n) {
        runtime.restart(n);
        Optional<Window> pause = windows.latest(FaultWindows.PAUSE, n);
        if (pause.isEmpty()) return "";
        runtime.pause(n);
        return "; paused again, " + pause.get().describe();
    }

    private static String endsEarly(List<Window> ended) {
        return ended.isEmpty() ? "" : "; ends " + FaultWindows.describe(ended) + " early";
    }

    private static double orZero(Double d) {
        return d != null ? d : 0;
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
    private List<NodeId> recordCut(String fault, List<List<NodeId>> groups, String detail) {
        int majority = membership.voters().size() / 2 + 1;
        List<NodeId> majorityGroup = groups.stream().filter(g -> g.size() >= majority).findFirst().orElse(List.of());
        List<NodeId> cutOff = new ArrayList<>();
        for (List<NodeId> g : groups) {
            for (NodeId n : g) if (!majorityGroup.contains(n)) cutOff.add(n);
        }
        cutOff.sort(Comparator.comparingInt(NodeId::id));
        runtime.recordFault(fault, cutOff, detail, groups);
        return cutOff;
    }

    /** Every node that exists (the bootstrap members, then those added) not in {@code placed}, in that order. */
    private List<NodeId> othersThan(Set<NodeId> placed) {
        List<NodeId> rest = new ArrayList<>();
        for (NodeId n : membership.existing()) if (!placed.contains(n)) rest.add(n);
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
                        for (NodeId n : membership.voters()) {
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
            case "random-follower":
                return resolveFollower();
            default:
                return Optional.of(NodeId.parse(target));
        }
    }

    /** An up voter (as the injector last learned the configuration) that does not lead, drawn from the fault stream. */
    private Optional<NodeId> resolveFollower() {
        Optional<NodeId> leader = runtime.leader();
        List<NodeId> candidates = new ArrayList<>();
        for (NodeId n : membership.voters()) {
            if (runtime.isUp(n) && !leader.equals(Optional.of(n))) candidates.add(n);
        }
        return candidates.isEmpty() ? Optional.empty() : Optional.of(candidates.get(random.nextInt(candidates.size())));
    }

}
