package quorumlab.analysis.report;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import quorumlab.analysis.check.Checks;
import quorumlab.analysis.check.Verdict;
import quorumlab.analysis.metrics.RunMetrics;
import quorumlab.protocols.trace.TraceReader;
import quorumlab.workload.Runner;

/**
 * Checks and measures each seed's run in one pass over its trace: every record goes to the
 * checkers ({@link Checks#checkRun(Path, Checks.Settings, java.util.function.Consumer)}) and to the
 * metrics ({@link RunMetrics.Builder}) as it is read, and the metrics wait here until
 * {@link Report#analyse(Path, CheckedRuns)} takes them, instead of reading the trace again.
 *
 * <p>One instance serves one {@link Runner}'s run: a seed is known by its place in the run
 * ({@code <protocol>/seed-<n>}), which stays the same when the runner moves the run into place.
 * {@link #checkAndMeasure} is safe to call from the runner's worker threads.
 */
public final class CheckedRuns {
    private final Checks.Settings settings;
    private final Map<String, RunMetrics> measured = new ConcurrentHashMap<>();

    public CheckedRuns() {
        this(Checks.Settings.DEFAULT);
    }

    public CheckedRuns(Checks.Settings settings) {
        this.settings = settings;
    }

    /** The runner's afterEachRun hook: writes the seed's {@code verdict.json} and keeps its metrics. */
    public Verdict checkAndMeasure(Path seedDir, Runner.SeedRun run) {
        return checkAndMeasure(seedDir);
    }

    /** Checks the run in {@code seedDir} (writing its {@code verdict.json}) and keeps its metrics. */
    public Verdict checkAndMeasure(Path seedDir) {
        RunMetrics.Builder metrics = new RunMetrics.Builder();
        Verdict verdict = Checks.checkRun(seedDir, settings, metrics);
        Path trace = Runner.traceIn(seedDir);
        // A directory without one trace was checked file by file and fed nothing: analyse reads it then.
        if (metrics.fed() && trace != null) measured.put(key(seedDir), metrics.finish(sink -> TraceReader.forEach(trace, sink)));
        return verdict;
    }

    /**
     * For a seed checked elsewhere (a worker process wrote its {@code verdict.json}): measures its
     * trace now, as its result arrives, rather than when the report is written.
     */
    public void measure(Path seedDir, Runner.SeedRun run) {
        Path trace = Runner.traceIn(seedDir);
        if (trace != null) measured.put(key(seedDir), RunMetrics.of(trace));
    }

    /** The metrics of the seed in {@code seedDir}: those measured while checking it, or read from its trace. */
    RunMetrics metricsOf(Path seedDir) {
        RunMetrics m = measured.get(key(seedDir));
        return m != null ? m : RunMetrics.of(Runner.traceIn(seedDir));
    }

    private static String key(Path seedDir) {
        Path abs = seedDir.toAbsolutePath().normalize();
        Path protocol = abs.getParent() == null ? null : abs.getParent().getFileName();
        return (protocol == null ? "" : protocol + "/") + abs.getFileName();
    }
}
