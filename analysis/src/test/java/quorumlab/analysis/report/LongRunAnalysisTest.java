package quorumlab.analysis.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import quorumlab.workload.Runner;
import quorumlab.workload.Scenario;
import quorumlab.workload.ScenarioLoader;

/**
 * Ten virtual minutes at 1,000 operations per second (about eleven million trace records at level
 * events) are analysed, every metric and chart, in a JVM of their own limited to 256 MB of heap:
 * the analysis holds what is open, not the run.
 */
class LongRunAnalysisTest {
    static final String SCENARIO = String.join("\n",
            "name: long-10min",
            "description: ten virtual minutes at 1,000 ops/s",
            "nodes: 5",
            "duration: 600s",
            "traceLevel: events",
            "network:",
            "  delay: uniform(1ms,3ms)",
            "workload:",
            "  mode: open",
            "  rate: 1000",
            "  arrivals: constant",
            "  keys: 100",
            "");

    @Test
    void tenVirtualMinutesAreAnalysedIn256MegabytesOfHeap(@TempDir Path out) throws IOException, InterruptedException {
        Scenario s = ScenarioLoader.parse("long-10min", SCENARIO, false);
        Runner.Result run = new Runner().threads(1).run(s, List.of("raft"), 1, 1, Runner.RuntimeKind.SIM, out, new Runner.Listener() {
            public void started(int total) {}

            public void finished(Runner.SeedRun r) {}
        });
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                AnalyseInSmallHeap.class.getName(), run.dir().toString()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(20, TimeUnit.MINUTES), "the analysis finished");
        System.out.print(output);
        assertEquals(0, p.exitValue(), output);
        assertTrue(output.contains("peak heap"), output);
        JsonNode summary = new ObjectMapper().readTree(run.dir().resolve("summary.json").toFile()).path("protocols").path("raft");
        double windowSeconds = summary.path("phase.window_ms").path("value").asDouble() / 1000;
        assertTrue(windowSeconds > 590, "the window is the workload: " + windowSeconds);
        // open loop on a healthy cluster: what was offered in the window is committed in it
        assertTrue(summary.path("committed").path("value").asDouble() >= 0.99 * 1000 * windowSeconds, summary.path("committed").toString());
        assertTrue(summary.path("latency_ms.p99").path("value").asDouble() > 0);
        for (String chart : List.of("latency-percentiles", "latency-over-time", "throughput-over-time", "ordering-raft", "messages-by-node")) {
            assertTrue(Files.size(run.dir().resolve(chart + ".png")) > 0, chart);
        }
    }
}
