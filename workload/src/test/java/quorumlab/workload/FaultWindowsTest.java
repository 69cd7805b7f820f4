package quorumlab.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import quorumlab.protocols.ClusterConfig;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.Options;
import quorumlab.protocols.Protocol;
import quorumlab.protocols.check.SafetyChecks;
import quorumlab.protocols.local.PekkoLocalRuntime;
import quorumlab.protocols.runtime.ClientHandler;
import quorumlab.protocols.runtime.ClientPort;
import quorumlab.protocols.runtime.ClusterRuntime;
import quorumlab.protocols.runtime.Delay;
import quorumlab.protocols.runtime.NetworkModel;
import quorumlab.protocols.sim.Simulation;
import quorumlab.protocols.trace.InMemoryTrace;
import quorumlab.protocols.trace.TraceLevel;
import quorumlab.protocols.trace.TraceRecord;

/**
 * Fault windows compose (issue 15): for every fault kind that takes a window, an overlapping, a nested
 * and an adjacent pair of windows A and B, with the network and the nodes probed at an instant inside
 * every sub-interval; then the timeline's heal and restart, the records of windows' ends, the issue's
 * own example counted in lost messages, and the Pekko runtime. Raft runs under every schedule, and its
 * safety checkers run on every trace.
 */
class FaultWindowsTest {
    static final long MS = 1_000_000L;
    static final NodeId N1 = NodeId.of(1), N2 = NodeId.of(2), N3 = NodeId.of(3), N4 = NodeId.of(4);
    static final long[] PROBES = {200, 400, 600, 800};

    // ---- the network and nodes at an instant ----

    /** What a probe saw: the network's parameters, the delay n1 -> n4, every cut link, and node n2. */
    record State(double drop, double duplicate, double reorder, Delay delay14, Delay delay12, Set<String> cuts,
            boolean n2Up, boolean n2Paused, double n2Drift) {
        static State of(ClusterRuntime rt, DriftWatch drift) {
            NetworkModel net = rt.network();
            Map<String, Object> d = net.defaults();
            Set<String> cuts = new TreeSet<>();
            for (NodeId a : rt.cluster().members()) {
                for (NodeId b : rt.cluster().members()) if (net.isCut(a, b)) cuts.add(a + ">" + b);
            }
            return new State((double) d.get("drop"), (double) d.get("duplicate"), (double) d.get("reorder"),
                    net.delayOf(N1, N4), net.delayOf(N1, N2), cuts, rt.isUp(N2), rt.isPaused(N2), drift.rate(N2));
        }
    }

    /** The fault injector's view of the runtime, remembering each node's timer drift (no runtime reports it). */
    static final class DriftWatch implements ClusterRuntime {
        private final ClusterRuntime rt;
        private final Map<NodeId, Double> drift = new ConcurrentHashMap<>();

        DriftWatch(ClusterRuntime rt) {
            this.rt = rt;
        }

        double rate(NodeId n) {
            return drift.getOrDefault(n, 1.0);
        }

        @Override
        public void setTimerDrift(NodeId node, double rate) {
            drift.put(node, rate);
            rt.setTimerDrift(node, rate);
        }

        @Override
        public long now() {
            return rt.now();
        }

        @Override
        public void schedule(long atNanos, Runnable action) {
            rt.schedule(atNanos, action);
        }

        @Override
        public ClusterConfig cluster() {
            return rt.cluster();
        }

        @Override
        public NetworkModel network() {
            return rt.network();
        }

        @Override
        public void crash(NodeId node) {
            rt.crash(node);
        }

        @Override
        public void restart(NodeId node) {
            rt.restart(node);
        }

        @Override
        public void pause(NodeId node) {
            rt.pause(node);
        }

        @Override
        public void resume(NodeId node) {
            rt.resume(node);
        }

        @Override
        public boolean isUp(NodeId node) {
            return rt.isUp(node);
        }

        @Override
        public boolean isPaused(NodeId node) {
            return rt.isPaused(node);
        }

        @Override
        public Optional<NodeId> leader() {
            return rt.leader();
        }

        @Override
        public void recordFault(String fault, List<NodeId> nodes, String detail, List<List<NodeId>> groups) {
            rt.recordFault(fault, nodes, detail, groups);
        }

        @Override
        public ClientPort addClient(long clientId, ClientHandler handler) {
            return rt.addClient(clientId, handler);
        }
    }

    // ---- running a schedule ----

    record Probed(Map<Long, State> at, List<TraceRecord> trace) {
        List<TraceRecord.Fault> faults() {
            return trace.stream().filter(t -> t instanceof TraceRecord.Fault).map(t -> (TraceRecord.Fault) t).toList();
        }

        /** Messages dropped for {@code reason} in the interval [from, to), in ms. */
        long drops(String reason, double fromMs, double toMs) {
            return trace.stream().filter(t -> t instanceof TraceRecord.Drop d && d.reason().equals(reason)
                    && d.t() >= fromMs * MS && d.t() < toMs * MS).count();
        }
    }

    static String scenario(String network, String duration, String faults) {
        return """
                name: windows
                nodes: 5
                duration: %s
                network: %s
                workload: {clients: 2, thinkTime: 10ms, timeout: 200ms, giveUpAfter: 600ms}
                faults:
                %s
                """.formatted(duration, network, faults);
    }

    static Protocol raft() {
        return Protocol.all().stream().filter(p -> p.name().equals("raft")).findFirst().orElseThrow();
    }

    /** Runs {@code yaml} with Raft in the simulator (or Pekko), probing at {@code probesMs}; fails on any safety violation. */
    static Probed run(String yaml, boolean pekko, long... probesMs) {
        Scenario s = ScenarioLoader.parse("windows.yaml", yaml, false);
        Protocol raft = raft();
        Options options = ScenarioOptions.forProtocol(s, raft);
        WorkloadSettings ws = WorkloadSettings.of(s.workloadOrDefault());
        long end = s.durationNanos();
        long drain = ws.giveUpAfter() + ws.timeout();
        InMemoryTrace trace = new InMemoryTrace();
        Map<Long, State> states = new ConcurrentHashMap<>();
        if (!pekko) {
            Simulation sim = Simulation.builder().seed(1).cluster(ClusterConfig.ofSize(s.nodeCount())).protocol(raft, options)
                    .network(Runs.network(s)).clientDelay(Runs.clientDelay(s)).trace(trace, TraceLevel.FULL).scenario(s.name()).build();
            sim.start();
            drive(sim, s, ws, end, states, probesMs);
            sim.runUntil(end + drain);
        } else {
            PekkoLocalRuntime local = PekkoLocalRuntime.builder().seed(1).cluster(ClusterConfig.ofSize(s.nodeCount()))
                    .protocol(raft, options).network(Runs.network(s)).clientDelay(Runs.clientDelay(s))
                    .trace(trace, TraceLevel.FULL).scenario(s.name()).build();
            try {
                local.start();
                drive(local, s, ws, end, states, probesMs);
                Thread.sleep((end + drain) / MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                local.close();
            }
            assertEquals(List.of(), local.failures(), "no handler failed");
        }
        assertEquals(List.of(), SafetyChecks.violations(raft, trace.records()), "raft's safety checkers");
        assertEquals(probesMs.length, states.size(), "every probe ran");
        return new Probed(states, trace.records());
    }

    private static void drive(ClusterRuntime rt, Scenario s, WorkloadSettings ws, long end, Map<Long, State> states, long[] probesMs) {
        DriftWatch watch = new DriftWatch(rt);
        FaultInjector faults = new FaultInjector(watch, s, 1);
        Clients clients = new Clients(rt, ws, new HistoryWriter(OutputStream.nullOutputStream()), 1, end);
        rt.schedule(0, () -> {
            faults.schedule(s.faultList());
            clients.start();
        });
        for (long p : probesMs) rt.schedule(p * MS, () -> states.put(p, State.of(rt, watch)));
    }

    // ---- every kind, in three arrangements ----

    /** Windows A and B as start and length in ms. */
    enum Arrangement {
        OVERLAPPING(100, 400, 300, 400),
        NESTED(100, 600, 300, 200),
        ADJACENT(100, 200, 300, 200);

        final long aAt, aFor, bAt, bFor;

        Arrangement(long aAt, long aFor, long bAt, long bFor) {
            this.aAt = aAt;
            this.aFor = aFor;
            this.bAt = bAt;
            this.bFor = bFor;
        }

        /** The windows open at {@code t}, in the order they opened: "", "A", "B" or "AB". */
        String openAt(long t) {
            return (aAt <= t && t < aAt + aFor ? "A" : "") + (bAt <= t && t < bAt + bFor ? "B" : "");
        }
    }

    /** What the open windows ("", "A", "B", "AB", oldest first) should compose to. */
    interface Composition {
        Object expected(String open);
    }

    /** A parameter: the most recently opened window still open decides; with none, the scenario's value. */
    static Composition latest(Object scenario, Object a, Object b) {
        return open -> open.isEmpty() ? scenario : open.endsWith("B") ? b : a;
    }

    /** Cuts: the union of the open windows' cuts. */
    static Composition union(Set<String> a, Set<String> b) {
        return open -> {
            Set<String> all = new TreeSet<>();
            if (open.contains("A")) all.addAll(a);
            if (open.contains("B")) all.addAll(b);
            return all;
        };
    }

    /** A node fault: in effect while any window is open. */
    static Composition any(Object whileOpen, Object otherwise) {
        return open -> open.isEmpty() ? otherwise : whileOpen;
    }

    /** One fault kind: its two windows' fields (after at, duration), what to look at, and how A and B compose. */
    record Kind(String name, String network, String a, String b, Function<State, Object> observe, Composition composition) {}

    static Set<String> partitionCuts(List<List<Integer>> groups, int nodes) {
        Set<String> cut = new TreeSet<>();
        for (int x = 1; x <= nodes; x++) {
            for (int y = 1; y <= nodes; y++) {
                if (x != y && side(groups, x) != side(groups, y)) cut.add("n" + x + ">n" + y);
            }
        }
        return cut;
    }

    private static int side(List<List<Integer>> groups, int node) {
        for (int g = 0; g < groups.size(); g++) if (groups.get(g).contains(node)) return g;
        return groups.size();
    }

    static Set<String> isolationCuts(int node, int nodes) {
        return partitionCuts(List.of(List.of(node)), nodes);
    }

    static final String BASE = "{delay: \"uniform(1ms,3ms)\", loss: 0.01, duplicate: 0.02}";

    static List<Kind> kinds() {
        String east = "placement: {east: [n1, n2, n3], west: [n4, n5]}, within: 1ms";
        return List.of(
                new Kind("loss", BASE, "type: loss, value: 0.5", "type: loss, value: 0.0", State::drop, latest(0.01, 0.5, 0.0)),
                new Kind("duplicate", BASE, "type: duplicate, value: 0.3", "type: duplicate, value: 0.1", State::duplicate,
                        latest(0.02, 0.3, 0.1)),
                new Kind("reorder", BASE, "type: reorder, value: 0.4", "type: reorder, value: 0.2", State::reorder, latest(0.0, 0.4, 0.2)),
                new Kind("delay", BASE, "type: delay, delay: constant(5ms)", "type: delay, delay: \"uniform(2ms,4ms)\"", State::delay14,
                        latest(Delay.uniform(MS, 3 * MS), Delay.constant(5 * MS), Delay.uniform(2 * MS, 4 * MS))),
                new Kind("latency-matrix", BASE, "type: latency-matrix, regions: {" + east + ", between: {east-west: 20ms}}",
                        "type: latency-matrix, regions: {" + east + ", between: {east-west: 40ms}}", State::delay14,
                        latest(Delay.uniform(MS, 3 * MS), Delay.constant(20 * MS), Delay.constant(40 * MS))),
                new Kind("partition", BASE, "type: partition, groups: [[n1, n2], [n3, n4, n5]]", "type: partition, groups: [[n1], [others]]",
                        State::cuts, union(partitionCuts(List.of(List.of(1, 2), List.of(3, 4, 5)), 5), isolationCuts(1, 5))),
                new Kind("isolate", BASE, "type: isolate, target: n1", "type: isolate, target: n2", State::cuts,
                        union(isolationCuts(1, 5), isolationCuts(2, 5))),
                // The same link in both: it stays cut while either window is open.
                new Kind("one-way", BASE, "type: one-way, from: n1, to: n2", "type: one-way, from: n1, to: n2", State::cuts,
                        union(Set.of("n1>n2"), Set.of("n1>n2"))),
                new Kind("crash", BASE, "type: crash, target: n2", "type: crash, target: n2", State::n2Up, any(false, true)),
                new Kind("pause", BASE, "type: pause, target: n2", "type: pause, target: n2", State::n2Paused, any(true, false)),
                new Kind("drift", BASE, "type: drift, target: n2, value: 1.5", "type: drift, target: n2, value: 0.5", State::n2Drift,
                        latest(1.0, 1.5, 0.5)));
    }

    @TestFactory
    Stream<DynamicTest> everyKindComposesOverlappingNestedAndAdjacentWindows() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Kind k : kinds()) {
            for (Arrangement arr : Arrangement.values()) {
                tests.add(DynamicTest.dynamicTest(k.name() + ", " + arr.name().toLowerCase(), () -> {
                    String faults = "  - {at: %dms, duration: %dms, %s}\n  - {at: %dms, duration: %dms, %s}"
                            .formatted(arr.aAt, arr.aFor, k.a(), arr.bAt, arr.bFor, k.b());
                    Probed p = run(scenario(k.network(), "1s", faults), false, PROBES);
                    for (long t : PROBES) {
                        String open = arr.openAt(t);
                        assertEquals(k.composition().expected(open), k.observe().apply(p.at().get(t)),
                                k.name() + " " + arr + " at " + t + "ms, open: [" + open + "]");
                    }
                }));
            }
        }
        return tests.stream();
    }

    // ---- the issue's example, in messages and records ----

    /** 50% loss from 200 to 800 ms with 0% inside from 300 to 400: messages are lost again from 400 to 800. */
    @Test
    void theIssuesNestedLossLosesMessagesAgainAfterTheInnerWindow() {
        Probed p = run(scenario("{delay: \"uniform(1ms,3ms)\"}", "1s", """
                  - {at: 200ms, type: loss, value: 0.5, duration: 600ms}
                  - {at: 300ms, type: loss, value: 0.0, duration: 100ms}"""), false, 250, 350, 600, 900);
        assertEquals(List.of(0.5, 0.0, 0.5, 0.0), List.of(p.at().get(250L).drop(), p.at().get(350L).drop(), p.at().get(600L).drop(),
                p.at().get(900L).drop()));
        assertTrue(p.drops("loss", 200, 300) > 0, "lost before the inner window");
        assertEquals(0, p.drops("loss", 300, 400), "nothing lost inside it");
        assertTrue(p.drops("loss", 400, 800) > 10, "lost again after it");
        assertEquals(0, p.drops("loss", 800, 2000), "nothing lost after the outer window");

        List<TraceRecord.Fault> ends = p.faults().stream().filter(f -> f.fault().equals("loss-end")).toList();
        assertEquals(2, ends.size());
        assertEquals(400 * MS, ends.get(0).t());
        assertEquals("back to 50% loss (window 200ms-800ms)", ends.get(0).detail());
        assertEquals("back to the scenario's network (0% loss)", ends.get(1).detail());
    }

    /** An isolation outlasting a partition: the partition's end leaves n1 cut off, and says so; the last end is the heal. */
    @Test
    void theEndOfOneCutLeavesTheOthersAndNamesThem() {
        Probed p = run(scenario(BASE, "1s", """
                  - {at: 100ms, type: partition, groups: [[n1, n2], [n3, n4, n5]], duration: 400ms}
                  - {at: 300ms, type: isolate, target: n1, duration: 400ms}"""), false, 600, 800);
        assertEquals(isolationCuts(1, 5), p.at().get(600L).cuts(), "n1 is still isolated");
        assertEquals(Set.of(), p.at().get(800L).cuts());
        List<TraceRecord.Fault> f = p.faults();
        TraceRecord.Fault partitionEnd = f.stream().filter(x -> x.fault().equals("partition-end")).findFirst().orElseThrow();
        assertEquals(500 * MS, partitionEnd.t());
        assertEquals(List.of(N1, NodeId.of(2)), partitionEnd.nodes(), "the nodes its partition record named");
        assertEquals("after 400ms: partition [[n1, n2], [n3, n4, n5]] ends; still cut: isolation of n1 (window 300ms-700ms)",
                partitionEnd.detail());
        List<TraceRecord.Fault> heals = f.stream().filter(x -> x.fault().equals("heal")).toList();
        assertEquals(1, heals.size(), "one heal, when the last cut ends");
        assertEquals(700 * MS, heals.get(0).t());
        assertEquals("after 400ms: isolation of n1 ends, no cut remains", heals.get(0).detail());
    }

    /** The timeline's heal clears every cut open at that instant; the windows it ended do nothing at their ends. */
    @Test
    void theTimelinesHealClearsEveryOpenCut() {
        Probed p = run(scenario(BASE, "1s", """
                  - {at: 100ms, type: partition, groups: [[n1, n2], [n3, n4, n5]], duration: 600ms}
                  - {at: 200ms, type: isolate, target: n3}
                  - {at: 400ms, type: heal}
                  - {at: 500ms, type: one-way, from: n4, to: n5}"""), false, 300, 450, 600, 750);
        Set<String> partitionAndIsolation = new TreeSet<>(partitionCuts(List.of(List.of(1, 2), List.of(3, 4, 5)), 5));
        partitionAndIsolation.addAll(isolationCuts(3, 5));
        assertEquals(partitionAndIsolation, p.at().get(300L).cuts());
        assertEquals(Set.of(), p.at().get(450L).cuts());
        assertEquals(Set.of("n4>n5"), p.at().get(600L).cuts());
        assertEquals(Set.of("n4>n5"), p.at().get(750L).cuts(), "the partition's end, at 700 ms, does not touch the new cut");
        List<TraceRecord.Fault> heals = p.faults().stream().filter(x -> x.fault().equals("heal")).toList();
        assertEquals(1, heals.size(), "the ended window writes nothing at 700 ms: " + heals);
        assertEquals("timeline: ends partition [[n1, n2], [n3, n4, n5]] (window 100ms-700ms), isolation of n3 (since 200ms)",
                heals.get(0).detail());
    }

    /** An explicit restart ends every crash window of its node: a later crash is not undone by the old window's end. */
    @Test
    void anExplicitRestartEndsTheCrashWindowsOfItsNode() {
        Probed p = run(scenario(BASE, "1s", """
                  - {at: 100ms, type: crash, target: n2, duration: 600ms}
                  - {at: 300ms, type: restart, target: n2}
                  - {at: 500ms, type: crash, target: n2}
                  - {at: 900ms, type: restart, target: n2}"""), false, 200, 400, 600, 800, 950);
        assertEquals(List.of(false, true, false, false, true),
                Stream.of(200L, 400L, 600L, 800L, 950L).map(t -> p.at().get(t).n2Up()).toList());
        List<TraceRecord.Fault> restarts = p.faults().stream().filter(x -> x.fault().equals("restart")).toList();
        assertEquals(List.of(300 * MS, 900 * MS), restarts.stream().map(TraceRecord::t).toList());
        assertEquals("target n2; ends crash of n2 (window 100ms-700ms) early", restarts.get(0).detail());
    }

    /** A crash ends a pause, but a pause window still open when the node restarts pauses it again. */
    @Test
    void aNodeRestartedInsideAPauseWindowIsPausedAgain() {
        Probed p = run(scenario(BASE, "1s", """
                  - {at: 100ms, type: pause, target: n2, duration: 600ms}
                  - {at: 200ms, type: crash, target: n2, duration: 200ms}"""), false, 150, 300, 500, 800);
        assertTrue(p.at().get(150L).n2Paused());
        assertFalse(p.at().get(300L).n2Up());
        assertTrue(p.at().get(500L).n2Up() && p.at().get(500L).n2Paused(), "up and paused again");
        assertTrue(p.at().get(800L).n2Up() && !p.at().get(800L).n2Paused());
    }

    /** Different parameters compose independently; a latency matrix over a delay window sets only the links it places. */
    @Test
    void parametersComposeIndependentlyAndAMatrixLiesOverADelayWindow() {
        Probed p = run(scenario(BASE, "1s", """
                  - {at: 100ms, type: loss, value: 0.3, duration: 600ms}
                  - {at: 200ms, type: delay, delay: constant(7ms), duration: 400ms}
                  - {at: 300ms, type: latency-matrix, regions: {placement: {east: [n1], west: [n4]}, within: 1ms, between: {east-west: 30ms}}, duration: 200ms}"""),
                false, 400, 550, 650, 750);
        State at400 = p.at().get(400L);
        assertEquals(0.3, at400.drop());
        assertEquals(Delay.constant(30 * MS), at400.delay14(), "the matrix places n1 and n4");
        assertEquals(Delay.constant(7 * MS), at400.delay12(), "n2 is in no region: the delay window shows through");
        assertEquals(Delay.constant(7 * MS), p.at().get(550L).delay14());
        assertEquals(Delay.uniform(MS, 3 * MS), p.at().get(650L).delay14());
        assertEquals(0.3, p.at().get(650L).drop());
        assertEquals(0.01, p.at().get(750L).drop());
        TraceRecord.Fault matrixEnd = p.faults().stream().filter(x -> x.fault().equals("latency-matrix-end")).findFirst().orElseThrow();
        assertEquals("back to delay constant(7ms) (window 200ms-600ms)", matrixEnd.detail());
    }

    // ---- the Pekko runtime ----

    /**
     * In real time, under Pekko: a nested loss window and two overlapping partitions. The windows are
     * 400 ms apart and the probes in their middles, so a late scheduler does not move a probe across an edge.
     */
    @Test
    void underPekkoANestedLossAndOverlappingPartitionsCompose() {
        Probed p = run(scenario("{delay: \"uniform(1ms,3ms)\"}", "1800ms", """
                  - {at: 200ms, type: loss, value: 0.5, duration: 1200ms}
                  - {at: 600ms, type: loss, value: 0.0, duration: 400ms}
                  - {at: 200ms, type: partition, groups: [[n1, n2], [n3, n4, n5]], duration: 800ms}
                  - {at: 600ms, type: partition, groups: [[n1, n2, n3, n4], [n5]], duration: 800ms}"""), true, 400, 800, 1200, 1600);
        Set<String> a = partitionCuts(List.of(List.of(1, 2), List.of(3, 4, 5)), 5);
        Set<String> b = isolationCuts(5, 5);
        Set<String> both = new TreeSet<>(a);
        both.addAll(b);
        assertEquals(List.of(0.5, 0.0, 0.5, 0.0), Stream.of(400L, 800L, 1200L, 1600L).map(t -> p.at().get(t).drop()).toList());
        assertEquals(List.of(a, both, b, Set.of()), Stream.of(400L, 800L, 1200L, 1600L).map(t -> p.at().get(t).cuts()).toList());

        List<TraceRecord.Fault> losses = p.faults().stream().filter(f -> f.fault().startsWith("loss")).toList();
        assertEquals(List.of("loss", "loss", "loss-end", "loss-end"), losses.stream().map(TraceRecord.Fault::fault).toList());
        double innerFrom = losses.get(1).t() / (double) MS, innerTo = losses.get(2).t() / (double) MS;
        double outerTo = losses.get(3).t() / (double) MS;
        // A message routed between the reset and its record carries a time just before the record's: 1 ms of slack.
        assertEquals(0, p.drops("loss", innerFrom, innerTo - 1), "nothing lost inside the inner window");
        assertTrue(p.drops("loss", innerTo, outerTo) > 0, "lost again after it");
        assertTrue(losses.get(2).detail().startsWith("back to 50% loss (window "), losses.get(2).detail());
        assertTrue(p.faults().stream().anyMatch(f -> f.fault().equals("partition-end")), "the first partition's end leaves the second");
    }
}
