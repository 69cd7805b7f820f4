package quorumlab.analysis.workers;

import picocli.CommandLine.Option;
import quorumlab.analysis.report.CheckedRuns;
import quorumlab.workload.Runner;

/**
 * {@code --workers N} and {@code --listen HOST:PORT}, mixed into the commands that run many seeds.
 * Without either, the seeds run in this JVM as always; with one, they run in worker processes and
 * this JVM only places their files and measures them.
 */
public final class WorkerOptions {
    @Option(names = "--workers", paramLabel = "N",
            description = {"Run the seeds in N worker processes on this", "machine (Pekko Cluster; docs/workers.md).",
                "Default: none, every seed in this JVM."})
    Integer workers;

    @Option(names = "--listen", paramLabel = "HOST:PORT",
            description = {"Also take workers from other hosts, started", "there with: quorumlab worker --join HOST:PORT."})
    String listen;

    private WorkerPool pool;

    /**
     * {@code runner} with each seed checked and measured into {@code checked}: in this JVM, or, with
     * workers, checked by the worker that ran it and measured here as its files arrive.
     */
    public Runner checkedRunner(Runner runner, CheckedRuns checked) {
        if (workers == null && listen == null) return runner.afterEachRun(checked::checkAndMeasure);
        if (pool == null) pool = WorkerPool.start(workers == null ? 0 : workers, listen, System.err);
        return runner.executor(pool).afterEachRun(checked::measure);
    }

    /** The workers' share of the work so far, for the progress line; empty without workers. */
    public String status() {
        return pool == null ? "" : pool.status();
    }
}
