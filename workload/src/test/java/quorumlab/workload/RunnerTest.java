package quorumlab.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import quorumlab.protocols.Protocol;
import quorumlab.protocols.trace.TraceReader;
import quorumlab.protocols.trace.TraceRecord;

class RunnerTest {
    private static final Runner.Listener QUIET = new Runner.Listener() {
        @Override
        public void started(int total) {}

        @Override
        public void finished(Runner.SeedRun run) {}
    };

    private static Scenario scenario(String mode) {
        String yaml = """
                name: small
                nodes: 3
                duration: 1s
                network: {delay: "uniform(1ms,3ms)"}
                workload: {mode: %s, clients: 3, rate: 200, thinkTime: 5ms, keys: 3}
                faults:
                  - {at: 400ms, type: crash, target: random-follower, duration: 200ms}
                """.formatted(mode);
        return ScenarioLoader.parse("small.yaml", yaml, false);
    }

    @Test
    void aRunLandsWholeWithTraceHistoryAndRunJson(@TempDir Path out) throws IOException {
        Runner.Result r = new Runner().run(scenario("closed"), List.of("fixed-leader-log"), 2, 1, Runner.RuntimeKind.SIM, out, QUIET);
        assertTrue(Files.exists(r.dir().resolve(Runner.RUN_FILE)));
        for (long seed = 1; seed <= 2; seed++) {
            Path d = r.dir().resolve("fixed-leader-log").resolve("seed-" + seed);
            for (String f : List.of(Runner.TRACE_FILE, Runner.HISTORY_FILE, Runner.RUN_FILE)) {
                assertTrue(Files.size(d.resolve(f)) > 0, d.resolve(f) + " is empty");
            }
            List<TraceRecord> trace = TraceReader.readAll(d.resolve(Runner.TRACE_FILE));
            assertTrue(trace.get(0) instanceof TraceRecord.Meta);
            assertTrue(trace.stream().anyMatch(t -> t instanceof TraceRecord.Fault f && f.fault().equals("crash")));
            assertTrue(trace.stream().anyMatch(t -> t instanceof TraceRecord.Complete c && "ok".equals(c.outcome())));
            List<String> history = Files.readAllLines(d.resolve(Runner.HISTORY_FILE));
            long invokes = history.stream().filter(l -> l.contains("\"type\":\"invoke\"")).count();
            long completions = history.size() - invokes;
            assertTrue(invokes > 50, "invokes " + invokes);
            assertTrue(completions >= invokes - 3, "every request but the last in flight completes");
        }
        try (Stream<Path> left = Files.list(out.resolve("small"))) {
            assertEquals(1, left.count(), "only the landed run, no temporary directory");
        }
    }

    @Test
    void aFailedRunLeavesNoResultDirectory(@TempDir Path out) throws IOException {
        Runner runner = new Runner().afterEachRun((dir, run) -> {
            throw new IllegalStateException("planted failure");
        });
        Path root = out.resolve("results");
        assertThrows(IllegalStateException.class,
                () -> runner.run(scenario("closed"), List.of("fixed-leader-log"), 1, 1, Runner.RuntimeKind.SIM, root, QUIET));
        // not even the empty directories the run created for itself
        assertFalse(Files.exists(root), "left behind: " + root);
    }

    /**
     * The same scenario and seed give every protocol the same operations: closed loop, each client's
     * sequence; open loop, the operation sent at each intended instant.
     */
    @ParameterizedTest
    @ValueSource(strings = {"closed", "open"})
    void everyProtocolSeesTheSameOperationsAndInstants(String mode, @TempDir Path out) {
        List<String> protocols = Protocol.all().stream().map(Protocol::name).toList();
        assertTrue(protocols.size() >= 2, "needs two protocols: " + protocols);
        Map<String, Map<String, String>> opsByProtocol = new HashMap<>();
        Runner.Result r = new Runner().run(scenario(mode), protocols, 1, 7, Runner.RuntimeKind.SIM, out, QUIET);
        for (String p : protocols) {
            Map<String, String> ops = new HashMap<>();
            for (TraceRecord t : TraceReader.readAll(r.dir().resolve(p).resolve("seed-7").resolve(Runner.TRACE_FILE))) {
                if (t instanceof TraceRecord.Invoke inv) {
                    String id = mode.equals("open")
                            ? "at " + inv.intended()
                            : inv.request().clientId() + ":" + inv.request().seq();
                    ops.put(id, inv.request().operation().toString());
                }
            }
            opsByProtocol.put(p, ops);
        }
        Map<String, String> first = opsByProtocol.get(protocols.get(0));
        for (String p : protocols) {
            Set<String> common = new HashSet<>(first.keySet());
            common.retainAll(opsByProtocol.get(p).keySet());
            assertTrue(common.size() > 100, p + " shares only " + common.size() + " requests");
            for (String id : common) {
                assertEquals(first.get(id), opsByProtocol.get(p).get(id), "operation " + id + " under " + p);
            }
        }
        if (mode.equals("open")) {
            // Open loop: the very same instants, whatever the protocol did.
            for (String p : protocols) assertEquals(first.keySet(), opsByProtocol.get(p).keySet(), "instants under " + p);
        }
    }
    @Test
    void tooManySeedsAreRefusedBeforeAnythingIsWritten(@TempDir Path dir) {
        Path out = dir.resolve("results");
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new Runner().run(scenario("closed"), List.of("fixed-leader-log"), 10_001, 1, Runner.RuntimeKind.SIM, out, QUIET));
        assertEquals("--seeds: at most 10000, got 10001", e.getMessage());
        assertFalse(Files.exists(out), "something was written");
    }

    @Test
    void anOpenLoopRunBeyondTheOperationLimitIsRefusedWithItsEstimate(@TempDir Path dir) {
        Path out = dir.resolve("results");
        // 1,000,000/s x 60 s x 10 seeds x 2 protocols = 1.2e9 operations, each within its own limit
        Scenario s = ScenarioLoader.parse("heavy.yaml", "name: heavy\nduration: 60s\nworkload: {mode: open, rate: 1000000}\n", false);
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new Runner().run(s, List.of("fixed-leader-log", "fixed-leader-log"), 10, 1, Runner.RuntimeKind.SIM, out, QUIET));
        assertTrue(e.getMessage().startsWith("heavy: about 1.20e+09 operations"), e.getMessage());
        assertTrue(e.getMessage().contains("limit of 100000000"), e.getMessage());
        assertFalse(Files.exists(out), "something was written");
    }
}
