package quorumlab.analysis.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import quorumlab.workload.Runner;

/** The plain progress lines: the work in all batches, and the time left at the pace so far. */
class ProgressTest {
    private static Runner.SeedRun run(String protocol, long seed) {
        return new Runner.SeedRun(protocol, seed, Path.of("x"), 0, 0, 0);
    }

    @Test
    void countsEveryBatchAndEstimatesTheTimeLeftOnceARunHasFinished() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AtomicLong now = new AtomicLong();
        try (Progress p = new Progress("compare", new PrintStream(bytes, true, StandardCharsets.UTF_8), false, now::get).batches(2)) {
            p.started(2);
            now.set(10_000_000_000L);
            p.finished(run("raft", 1));
            now.set(20_000_000_000L);
            p.finished(run("multi-paxos", 1));
            p.started(2);
            now.set(30_000_000_000L);
            p.finished(run("raft", 1));
            now.set(40_000_000_000L);
            p.finished(run("multi-paxos", 1));
        }
        assertEquals(List.of(
                "compare: 2 runs (batch 1 of 2, about 4 in all)",
                "[1/4] raft seed 1 done; about 30 s left",
                "[2/4] multi-paxos seed 1 done; about 20 s left",
                "compare: 2 runs (batch 2 of 2, about 4 in all)",
                "[3/4] raft seed 1 done; about 10 s left",
                "[4/4] multi-paxos seed 1 done; all done"), bytes.toString(StandardCharsets.UTF_8).lines().toList());
    }

    @Test
    void longEstimatesInMinutesAndHours() {
        assertEquals("1 s", Progress.duration(0.2));
        assertEquals("89 s", Progress.duration(89));
        assertEquals("2 min", Progress.duration(120));
        assertEquals("1.5 h", Progress.duration(5400));
    }
}
