package quorumlab.analysis.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import quorumlab.workload.Runner;
import quorumlab.workload.Scenario;
import quorumlab.workload.ScenarioLoader;

/**
 * Issue 16: a long trace is checked in a small heap. Ten virtual minutes at 1,000 operations per
 * second (600,000 operations, trace level events, five nodes, 100 keys) are written by the runner,
 * then checked (both safety checkers and linearizability from the trace's own client records) in a
 * forked JVM with {@code -Xmx256m}, which the whole-trace checkers could not do (4.4 GB). Setting
 * {@code -Dquorumlab.longTraceMinutes=60 -Dquorumlab.longTraceHeap=512m} measures the hour.
 */
class LongTraceInSmallHeapTest {
    @Test
    void tenVirtualMinutesAreCheckedIn256Megabytes(@TempDir Path out) throws Exception {
        int minutes = Integer.getInteger("quorumlab.longTraceMinutes", 10);
        String heap = System.getProperty("quorumlab.longTraceHeap", "256m");
        Scenario s = ScenarioLoader.parse("long.yaml", String.join("\n",
                "name: long-" + minutes + "min", "nodes: 5", "duration: " + minutes * 60 + "s", "traceLevel: events",
                "network:", "  delay: uniform(1ms,3ms)",
                "workload:", "  mode: open", "  rate: 1000", "  arrivals: constant", "  keys: 100", ""), false);
        Runner.Listener quiet = new Runner.Listener() {
            @Override
            public void started(int total) {}

            @Override
            public void finished(Runner.SeedRun run) {}
        };
        Runner.Result r = new Runner().threads(1).run(s, List.of("raft"), 1, 1, Runner.RuntimeKind.SIM, out, quiet);
        Path trace = r.runs().get(0).dir().resolve(Runner.TRACE_FILE);
        // Alone in its directory, the trace is also checked for linearizability from its client records.
        Path alone = Files.createDirectories(out.resolve("alone")).resolve("trace.jsonl.gz");
        Files.move(trace, alone);

        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap, "-cp", System.getProperty("java.class.path"), Main.class.getName(), alone.toString())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = p.waitFor();
        System.out.println("[LongTraceInSmallHeapTest] " + minutes + " virtual minutes, -Xmx" + heap + ": " + output.strip());
        assertEquals(0, exit, output);
        assertTrue(output.contains("acknowledged-writes ok") && output.contains("raft-invariants ok")
                && output.contains("linearizability ok"), output);
    }

    /** Checks one file and prints each check's status, the time taken and the peak heap; exits 1 on anything but ok. */
    static final class Main {
        public static void main(String[] args) throws IOException {
            long start = System.nanoTime();
            Verdict v = Checks.checkFile(Path.of(args[0]), new Checks.Settings(LinearizabilityChecker.Bound.DEFAULT, null, false));
            double seconds = (System.nanoTime() - start) / 1e9;
            long peak = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP) peak += pool.getPeakUsage().getUsed();
            }
            StringBuilder b = new StringBuilder();
            boolean ok = true;
            for (Verdict.Check c : v.checks()) {
                b.append(c.name()).append(' ').append(c.status().name().toLowerCase(Locale.ROOT)).append(" (")
                        .append(c.summary()).append("); ");
                ok &= c.status() == CheckStatus.OK;
            }
            b.append(String.format(Locale.ROOT, "checked in %.1f s, peak heap %d MB", seconds, peak >> 20));
            System.out.println(b);
            System.exit(ok ? 0 : 1);
        }
    }
}
