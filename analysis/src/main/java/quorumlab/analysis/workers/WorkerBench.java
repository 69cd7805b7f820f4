package quorumlab.analysis.workers;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import quorumlab.analysis.report.CheckedRuns;
import quorumlab.workload.Runner;
import quorumlab.workload.Scenario;
import quorumlab.workload.ScenarioLibrary;

/**
 * {@code bench --workers 1,2,4}: the same job (leader-crash, both consensus protocols, checked and
 * measured as {@code compare} does) run in this JVM and through 1, 2, 4 ... local worker processes.
 * Each pool first runs a warm-up job (its JVMs start, join and compile), then the measured one.
 * The coordinator's overhead is its own CPU time per run: receiving, writing and digesting the
 * files and measuring the trace, which the embedded path does too.
 */
public final class WorkerBench {
    private static final String SCENARIO = "leader-crash";
    private static final List<String> PROTOCOLS = List.of("raft", "multi-paxos");

    record Row(String label, int runs, double wallSeconds, double coordinatorCpuSeconds, double warmUpSeconds) {
        double runsPerSecond() {
            return runs / wallSeconds;
        }
    }

    public static int run(List<Integer> workerCounts, int seeds, PrintStream out) throws IOException {
        for (int n : workerCounts) {
            if (n < 1 || n > 64) throw new IllegalArgumentException("--workers: expected 1..64 worker processes, got " + n);
        }
        if (seeds < 1 || seeds > 1000) throw new IllegalArgumentException("--seeds: expected 1..1000, got " + seeds);
        Scenario scenario = ScenarioLibrary.load(SCENARIO);
        int cores = Runtime.getRuntime().availableProcessors();
        out.printf(Locale.ROOT, "%s, %s, %d seeds each (%d runs per job), checked and measured as 'compare'; %d cores%n",
                SCENARIO, String.join(" and ", PROTOCOLS), seeds, seeds * PROTOCOLS.size(), cores);
        out.printf(Locale.ROOT, "%-10s %6s %8s %8s %22s %10s%n", "workers", "runs", "wall s", "runs/s", "coordinator cpu ms/run", "warm-up s");
        Path dir = Files.createTempDirectory("quorumlab-worker-bench");
        List<Row> rows = new ArrayList<>();
        try {
            job(scenario, Math.max(1, seeds / 4), null, dir.resolve("warm"));
            Row embedded = measure("embedded", scenario, seeds, null, dir, 0);
            rows.add(embedded);
            out.println(format(embedded, embedded));
            for (int n : workerCounts) {
                try (WorkerPool pool = WorkerPool.start(n, null, out)) {
                    long start = System.nanoTime();
                    job(scenario, Math.max(n, seeds / 4), pool, dir.resolve("warm-" + n));
                    Row row = measure(n + " process" + (n == 1 ? "" : "es"), scenario, seeds, pool, dir, (System.nanoTime() - start) / 1e9);
                    rows.add(row);
                    out.println(format(row, embedded));
                }
            }
        } finally {
            Runner.deleteRecursively(dir);
        }
        out.printf(Locale.ROOT, "ceiling: %d cores. The embedded path already keeps them busy (a thread per core), so on this machine"
                + " worker processes can at best match it; they add JVMs, and the coordinator's cpu per run above is taken from the same"
                + " cores. Workers pay off on other hosts: each adds its cores at about that cost to the coordinator.%n", cores);
        return 0;
    }

    private static Row measure(String label, Scenario scenario, int seeds, WorkerPool pool, Path dir, double warmUp) {
        long cpu0 = processCpuNanos();
        long start = System.nanoTime();
        int runs = job(scenario, seeds, pool, dir.resolve(label.replace(' ', '-')));
        double wall = (System.nanoTime() - start) / 1e9;
        return new Row(label, runs, wall, (processCpuNanos() - cpu0) / 1e9, warmUp);
    }

    private static int job(Scenario scenario, int seeds, WorkerPool pool, Path out) {
        CheckedRuns checked = new CheckedRuns();
        Runner runner = pool == null ? new Runner().afterEachRun(checked::checkAndMeasure)
                : new Runner().executor(pool).afterEachRun(checked::measure);
        Runner.Result r = runner.run(scenario, PROTOCOLS, seeds, 1, Runner.RuntimeKind.SIM, out, new Runner.Listener() {
            @Override
            public void started(int total) {}

            @Override
            public void finished(Runner.SeedRun run) {}
        });
        return r.runs().size();
    }

    private static String format(Row r, Row embedded) {
        return String.format(Locale.ROOT, "%-10s %6d %8.1f %8.2f %22.0f %10s  (%.2fx embedded)", r.label(), r.runs(), r.wallSeconds(),
                r.runsPerSecond(), 1000 * r.coordinatorCpuSeconds() / r.runs(), r.warmUpSeconds() == 0 ? "-" : String.format(Locale.ROOT, "%.1f", r.warmUpSeconds()),
                r.runsPerSecond() / embedded.runsPerSecond());
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private WorkerBench() {}
}
