package quorumlab.analysis.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16: a long run goes through {@code run} (simulate, check every trace, analyse, chart) in a
 * heap far smaller than its trace. Reading a whole trace took about 440 MB of heap per virtual minute
 * at this rate, so half a minute at 1,000 operations per second (30,000 operations, about 220 MB
 * read whole) could not have been checked or analysed in 64 MB, under a third of that; streaming
 * checkers and one-pass metrics keep memory to what is open. The run is forked so the heap limit
 * is real; running out of memory would exit 70.
 */
@Order(6)
class LongRunInSmallHeapTest {
    static final String SCENARIO = """
            name: long
            nodes: 5
            duration: 30s
            traceLevel: events
            network:
              delay: uniform(1ms,3ms)
            workload:
              mode: open
              rate: 1000
              keys: 100
            """;

    @Test
    void halfAVirtualMinuteAtAThousandOperationsPerSecondRunsIn64Megabytes(@TempDir Path tmp) throws Exception {
        Path scenario = Files.writeString(tmp.resolve("long.yaml"), SCENARIO);
        Path out = tmp.resolve("out");
        String output = fork("run", "--scenario", scenario.toString(), "--protocol", "raft", "--seeds", "1",
                "--out", out.toString());
        assertTrue(output.contains("checks: ok"), output);
        Path run;
        try (Stream<Path> s = Files.list(out.resolve("long"))) {
            run = s.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        JsonNode verdict = new ObjectMapper().readTree(run.resolve("raft/seed-1/verdict.json").toFile());
        for (String check : new String[] {"linearizability", "acknowledged-writes", "raft-invariants"}) {
            assertTrue(verdict.toString().contains("\"name\":\"" + check + "\",\"status\":\"ok\""), check + ": " + verdict);
        }
        fork("report", run.toString());
        JsonNode raft = new ObjectMapper().readTree(run.resolve("summary.json").toFile()).path("protocols").path("raft");
        assertEquals(1000, raft.path("throughput_ops_s").path("value").asDouble(), 20, "the offered load was served");
        assertTrue(Files.exists(run.resolve("latency-percentiles.png")), "the charts were drawn");
    }

    /** Runs the program in a JVM of its own with a 64 MB heap; its output, after it exited 0. */
    private static String fork(String... args) throws Exception {
        List<String> command = new ArrayList<>(ChildJvm.command("64m", System.getProperty("java.class.path")));
        command.add(Main.class.getName());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "finished: " + String.join(" ", args));
        assertEquals(0, p.exitValue(), output);
        return output;
    }
}
