package quorumlab.analysis.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import quorumlab.analysis.report.CheckedRuns;
import quorumlab.analysis.report.Report;
import quorumlab.protocols.MatchedSettings;
import quorumlab.protocols.Protocol;
import quorumlab.protocols.sim.SimBenchmark;
import quorumlab.workload.Runner;
import quorumlab.workload.Scenario;
import quorumlab.workload.ScenarioLoader;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measures how fast runs are simulated, and in how much memory.",
            "For each protocol: 5 nodes, open loop at --rate ops/s for --minutes",
            "virtual minutes, the matched settings profile that 'compare' uses,",
            "at trace levels none, events and full. Prints simulated operations",
            "per wall second and peak heap; then the raw simulator's deliveries",
            "per second beside a bare PriorityQueue event loop (the ceiling).",
            "Writes the figures to bench.json (--json)."})
final class BenchCommand implements Callable<Integer> {
    static final List<String> LEVELS = List.of("none", "events", "full");
    static final String NOT_MEASURED = "n/a";

    @Option(names = "--minutes", defaultValue = "1", paramLabel = "M",
            description = "Virtual minutes per run (default: ${DEFAULT-VALUE}).")
    int minutes;

    @Option(names = "--rate", defaultValue = "1000", paramLabel = "OPS",
            description = "Open-loop operations per second (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--protocol", paramLabel = "NAME", completionCandidates = ProtocolNames.class,
            description = {"One of: ${COMPLETION-CANDIDATES}.", "Default: raft and multi-paxos."})
    String protocol;

    @Option(names = "--levels", split = ",", paramLabel = "L,L,...",
            description = "Trace levels to run (default: none,events,full).")
    List<String> levels;

    @Option(names = "--check", description = {"Also check (invariants, linearizability) and analyse",
        "(every metric) the events-level run, in one pass over", "its trace as 'compare' does, timing it and",
        "printing its peak heap."})
    boolean check;

    @Option(names = "--json", defaultValue = "bench.json", paramLabel = "FILE",
            description = "Where the figures go (default: ${DEFAULT-VALUE}).")
    Path json;

    @Option(names = "--checker", description = "Also run the linearizability checker's benchmark.")
    boolean checker;

    @Option(names = "--runtime", defaultValue = "sim", paramLabel = "sim|cluster",
            description = {"sim (default): the simulator, as above;", "cluster: 3 node processes on loopback, closed-loop",
                "clients with 1, 64, 256 writes of 100 bytes outstanding,", "memory and disk store (docs/cluster-runtime.md)."})
    String runtime;

    @Option(names = "--seconds", defaultValue = "5", paramLabel = "S",
            description = {"--runtime cluster: seconds measured per configuration", "(default: ${DEFAULT-VALUE})."})
    int seconds;

    @Option(names = "--warmup", defaultValue = "2", paramLabel = "S",
            description = {"--runtime cluster: seconds of writes before the", "measured ones, for our clusters and Ratis's alike", "(default: ${DEFAULT-VALUE})."})
    int warmup;

    @Option(names = "--workers", split = ",", paramLabel = "N,N,...",
            description = {"Instead: runs per second of leader-crash", "seeds in this JVM and through N local",
                "worker processes each, and the", "coordinator's cpu per run", "(docs/workers.md)."})
    List<Integer> workers;

    @Option(names = "--seeds", defaultValue = "20", paramLabel = "N", description = {"--workers: seeds per protocol", "(default: ${DEFAULT-VALUE})."})
    int seeds;

    @Spec
    CommandSpec spec;

    /** One protocol at one trace level: what simulating took, and (with --check) checking and analysing it in one pass. */
    record Row(String protocol, String level, int minutes, int rate, long operations, long deliveries, double wallSeconds,
            double cpuSeconds, long traceBytes, long peakHeapBytes, Phase checkAndAnalyse) {
        double opsPerWallSecond() {
            return operations / wallSeconds;
        }
    }

    /**
     * Wall time, the JVM's CPU time and peak heap of a phase after the simulation; null when not
     * measured. CPU time is the figure to compare on a machine others load.
     */
    record Phase(double wallSeconds, double cpuSeconds, long peakHeapBytes, String outcome) {}

    @Override
    public Integer call() throws Exception {
        if (workers != null) return quorumlab.analysis.workers.WorkerBench.run(workers, seeds, System.out);
        if (runtime.equals("cluster")) {
            if (seconds < 1 || seconds > 600) throw new ParameterException(spec.commandLine(), "--seconds must be 1..600, got " + seconds);
            if (warmup < 0 || warmup > 600) throw new ParameterException(spec.commandLine(), "--warmup must be 0..600, got " + warmup);
            return ClusterBenchTable.run(protocol, warmup, seconds, System.out);
        }
        if (!runtime.equals("sim")) throw new ParameterException(spec.commandLine(), "--runtime must be sim or cluster, got " + runtime);
        if (minutes < 1 || minutes > 24 * 60) throw new ParameterException(spec.commandLine(), "--minutes must be 1..1440, got " + minutes);
        if (rate < 1 || rate > 100_000) throw new ParameterException(spec.commandLine(), "--rate must be 1..100000, got " + rate);
        List<String> protocols = protocol != null ? List.of(Protocol.byName(protocol).name()) : List.of("raft", "multi-paxos");
        List<String> runLevels = levels != null ? levels : LEVELS;
        for (String l : runLevels) {
            if (!LEVELS.contains(l)) throw new ParameterException(spec.commandLine(), "--levels: '" + l + "' is not one of " + LEVELS);
        }
        MatchedSettings m = MatchedSettings.DEFAULT;
        System.out.printf(Locale.ROOT, "max heap %,d MB, %d cores; 5 nodes, network delay uniform(1ms,3ms), open loop %,d ops/s over 100 keys, %d virtual min%n",
                Runtime.getRuntime().maxMemory() >> 20, Runtime.getRuntime().availableProcessors(), rate, minutes);
        System.out.printf(Locale.ROOT, "settings: profile matched (as 'compare'): election timeout %d-%d ms, heartbeat %d ms, maxBatch %d, maxInFlight %d, retransmit %d ms%n",
                m.electionTimeoutMinMs(), m.electionTimeoutMaxMs(), m.heartbeatIntervalMs(), m.maxBatch(), m.maxInFlight(), m.retransmitMs());
        System.out.println("wall: elapsed time of the run (simulating, writing trace and history); cpu: the JVM's CPU time over it (all threads, GC included)");
        String header = String.format(Locale.ROOT, "%-12s %-6s %10s %12s %8s %8s %11s %9s %9s %34s",
                "protocol", "level", "operations", "deliveries", "wall s", "cpu s", "ops/wall s", "trace MB", "peak MB",
                "check+analyse wall s/cpu s/peak MB");
        System.out.println(header);
        List<Row> rows = new ArrayList<>();
        Path out = Files.createTempDirectory("quorumlab-bench");
        try {
            for (String p : protocols) {
                for (String level : runLevels) {
                    Row row = run(p, level, out);
                    rows.add(row);
                    System.out.println(format(row));
                }
            }
        } finally {
            Runner.deleteRecursively(out);
        }
        SimBenchmark.Result raw = SimBenchmark.runBounce(5, 16, 5_000, 2, 5);
        // As many events waiting as the bounce workload keeps: 5 x 4 links x 16 messages, and 5 timers.
        double bare = SimBenchmark.bareEventLoop(5 * 4 * 16 + 5, raw.eventsPerRun(), 2, 5);
        System.out.printf(Locale.ROOT, "raw simulator: %s%n", raw);
        System.out.printf(Locale.ROOT, "bare PriorityQueue event loop, same run, %d events waiting: %,.0f events/s; the simulator reaches %.0f%% of it%n",
                5 * 4 * 16 + 5, bare, 100 * raw.eventsPerSecond() / bare);
        writeJson(rows, raw, bare);
        System.out.println("figures: " + json);
        if (checker) quorumlab.analysis.check.CheckerBenchmark.run(System.out);
        return Main.EXIT_OK;
    }

    private Row run(String protocolName, String level, Path out) throws IOException {
        Scenario s = ScenarioLoader.parse("bench-" + protocolName + "-" + level, scenario(level), false);
        System.gc();
        resetPeaks();
        long cpuStart = processCpuNanos();
        Runner.Result r = new Runner().threads(1).run(s, List.of(protocolName), 1, 1, Runner.RuntimeKind.SIM, out,
                new Runner.Listener() {
                    public void started(int total) {}

                    public void finished(Runner.SeedRun run) {}
                });
        double cpu = (processCpuNanos() - cpuStart) / 1e9;
        long peak = peakHeap();
        Runner.SeedRun run = r.runs().get(0);
        Path trace = Runner.traceIn(run.dir());
        long traceBytes = trace == null ? 0 : Files.size(trace);
        Phase checkAndAnalyse = null;
        if (this.check && level.equals("events")) {
            checkAndAnalyse = phase(() -> {
                CheckedRuns checked = new CheckedRuns();
                checked.checkAndMeasure(run.dir());
                return Report.analyse(r.dir(), checked).scenario();
            });
        }
        Runner.deleteRecursively(r.dir());
        return new Row(protocolName, level, minutes, rate, run.completedOperations(), run.messagesDelivered(), run.wallSeconds(),
                cpu, traceBytes, peak, checkAndAnalyse);
    }

    /** Times {@code work} and takes its peak heap; running out of memory is a result here, not a crash. */
    private static Phase phase(java.util.function.Supplier<String> work) {
        System.gc();
        resetPeaks();
        long start = System.nanoTime();
        long cpuStart = processCpuNanos();
        String outcome;
        try {
            work.get();
            outcome = "ok";
        } catch (OutOfMemoryError e) {
            outcome = "out of memory";
        }
        return new Phase((System.nanoTime() - start) / 1e9, (processCpuNanos() - cpuStart) / 1e9, peakHeap(), outcome);
    }

    private String scenario(String level) {
        return String.join("\n",
                "name: bench",
                "description: throughput and memory benchmark",
                "nodes: 5",
                "duration: " + minutes * 60 + "s",
                "traceLevel: " + level,
                "network:",
                "  delay: uniform(1ms,3ms)",
                "workload:",
                "  mode: open",
                "  rate: " + rate,
                "  arrivals: constant",
                "  keys: 100",
                "");
    }

    static String format(Row r) {
        return String.format(Locale.ROOT, "%-12s %-6s %,10d %,12d %8.1f %8.1f %,11.0f %,9.1f %,9d %34s",
                r.protocol(), r.level(), r.operations(), r.deliveries(), r.wallSeconds(), r.cpuSeconds(), r.opsPerWallSecond(),
                r.traceBytes() / 1e6, r.peakHeapBytes() >> 20, format(r.checkAndAnalyse()));
    }

    private static String format(Phase p) {
        if (p == null) return NOT_MEASURED;
        if (!p.outcome().equals("ok")) return p.outcome();
        return String.format(Locale.ROOT, "%.1f / %.1f / %,d", p.wallSeconds(), p.cpuSeconds(), p.peakHeapBytes() >> 20);
    }

    private void writeJson(List<Row> rows, SimBenchmark.Result raw, double bare) throws IOException {
        MatchedSettings m = MatchedSettings.DEFAULT;
        Map<String, Object> doc = new LinkedHashMap<>();
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("profile", "matched");
        settings.put("electionTimeoutMs", List.of(m.electionTimeoutMinMs(), m.electionTimeoutMaxMs()));
        settings.put("heartbeatIntervalMs", m.heartbeatIntervalMs());
        settings.put("maxBatch", m.maxBatch());
        settings.put("maxInFlight", m.maxInFlight());
        settings.put("retransmitMs", m.retransmitMs());
        settings.put("nodes", 5);
        settings.put("networkDelay", "uniform(1ms,3ms)");
        settings.put("rate", rate);
        settings.put("keys", 100);
        settings.put("virtualMinutes", minutes);
        settings.put("maxHeapMB", Runtime.getRuntime().maxMemory() >> 20);
        settings.put("cores", Runtime.getRuntime().availableProcessors());
        doc.put("settings", settings);
        List<Map<String, Object>> runs = new ArrayList<>();
        for (Row r : rows) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("protocol", r.protocol());
            o.put("level", r.level());
            o.put("operations", r.operations());
            o.put("deliveries", r.deliveries());
            o.put("wallSeconds", r.wallSeconds());
            o.put("cpuSeconds", r.cpuSeconds());
            o.put("opsPerWallSecond", r.opsPerWallSecond());
            o.put("traceBytes", r.traceBytes());
            o.put("peakHeapMB", r.peakHeapBytes() >> 20);
            o.put("checkAndAnalyse", phaseJson(r.checkAndAnalyse()));
            runs.add(o);
        }
        doc.put("runs", runs);
        Map<String, Object> sim = new LinkedHashMap<>();
        sim.put("workload", raw.workload());
        sim.put("deliveriesPerSecond", raw.deliveriesPerSecond());
        sim.put("eventsPerSecond", raw.eventsPerSecond());
        sim.put("barePriorityQueueEventsPerSecond", bare);
        doc.put("simulator", sim);
        Path parent = json.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), doc);
    }

    /** Null (JSON null: not measured) unless --check ran the phase. */
    private static Map<String, Object> phaseJson(Phase p) {
        if (p == null) return null;
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("outcome", p.outcome());
        o.put("wallSeconds", p.wallSeconds());
        o.put("cpuSeconds", p.cpuSeconds());
        o.put("peakHeapMB", p.peakHeapBytes() >> 20);
        return o;
    }

    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return 0;
    }

    private static void resetPeaks() {
        HeapPeak.reset();
    }

    private static long peakHeap() {
        return HeapPeak.peak();
    }
}
