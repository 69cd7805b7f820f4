package quorumlab.analysis.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import quorumlab.analysis.cli.Main;

/**
 * A scenario with no fault at all (no election in the window, nothing to draw in some charts),
 * heavily loaded (16 closed-loop clients with no think time keep the leader's pipeline full), at every
 * trace level in the simulator and at the two ends on the local runtime: compare lands its report, and
 * message cost is a number at every level.
 */
@Order(2)
class NoFaultCompareTest {
    static final String SCENARIO = """
            name: no-fault
            nodes: 3
            duration: %s
            traceLevel: %s
            network:
              delay: uniform(1ms,3ms)
            workload:
              mode: closed
              clients: 16
              thinkTime: 0ms
              keys: 8
              timeout: 200ms
              giveUpAfter: 400ms
            """;

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0} at trace level {1}")
    // On the local runtime the two ends: every record written (full), and none, where the message cost comes
    // from the runtime's counters alone; events writes a subset of full's records through the same writer.
    @CsvSource({"sim, full, 1s", "sim, events, 1s", "sim, none, 1s", "local, full, 2s", "local, none, 2s"})
    void compareLandsItsReport(String runtime, String level, String duration) throws Exception {
        Path scenario = tmp.resolve("no-fault-" + level + ".yaml");
        Files.writeString(scenario, SCENARIO.formatted(duration, level));
        Path out = tmp.resolve("results-" + runtime + "-" + level);
        int exit = Main.commandLine().execute("compare", "--scenario", scenario.toString(), "--seeds", "1", "--runtime", runtime,
                "--out", out.toString());
        // at level none the invariants cannot run: the run says so (exit 3), never "ok" and never a violation
        assertEquals(level.equals("none") ? Main.EXIT_UNKNOWN : Main.EXIT_OK, exit, "exit code");
        Path run;
        try (Stream<Path> s = Files.list(out.resolve("no-fault"))) {
            run = s.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        assertTrue(Files.exists(run.resolve("report.html")));
        JsonNode summary = new ObjectMapper().readTree(run.resolve("summary.json").toFile());
        for (String protocol : new String[] {"raft", "multi-paxos"}) {
            JsonNode p = summary.path("protocols").path(protocol);
            assertTrue(p.path("throughput_ops_s").path("value").asDouble() > 0, protocol + " committed commands");
            assertTrue(p.path("messages_per_commit").path("value").asDouble() > 0, protocol + ": message cost is a number at " + level);
            if (runtime.equals("sim")) {
                // On the real-time local runtime a loaded machine can delay a heartbeat past an election
                // timeout, a real (spontaneous) leader change; only the simulator's clock guarantees none.
                assertEquals(0, p.path("leader_changes").path("value").asDouble(), 0.0, protocol + ": no fault, no leader change");
            }
        }
    }
}
