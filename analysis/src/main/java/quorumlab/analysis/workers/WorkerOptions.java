package quorumlab.analysis.workers;

import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Option;
import quorumlab.analysis.experiment.Trials;
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

    private volatile WorkerPool pool;

    /**
     * Refuses workers for a runtime other than the simulator, before anything starts: {@code local}
     * and {@code cluster} run in real time, and {@code cluster} starts processes of its own.
     */
    public void check(Runner.RuntimeKind runtime) {
        if (used() && runtime != Runner.RuntimeKind.SIM) {
            throw new IllegalArgumentException((workers != null ? "--workers" : "--listen") + " needs --runtime sim (a worker runs seeds"
                    + " in the simulator), got --runtime " + runtime.name().toLowerCase(java.util.Locale.ROOT));
        }
    }

    private boolean used() {
        return workers != null || listen != null;
    }

    /**
     * The workers for an experiment's trials; null without {@code --workers} or {@code --listen}. They
     * start with the first batch, so an experiment's bad input is reported before any worker starts.
     */
    public Trials.Remote remote() {
        if (!used()) return null;
        return new Trials.Remote() {
            @Override
            public CompletableFuture<byte[]> submit(String experiment, String plan, int from, int to) {
                return pool().submit(experiment, plan, from, to);
            }

            @Override
            public String status() {
                return WorkerOptions.this.status();
            }
        };
    }

    private synchronized WorkerPool pool() {
        if (pool == null) pool = WorkerPool.start(workers == null ? 0 : workers, listen, System.err);
        return pool;
    }

    /**
     * {@code runner} with each seed checked and measured into {@code checked}: in this JVM, or, with
     * workers, checked by the worker that ran it and measured here as its files arrive.
     */
    public Runner checkedRunner(Runner runner, CheckedRuns checked) {
        if (!used()) return runner.afterEachRun(checked::checkAndMeasure);
        return runner.executor(pool()).afterEachRun(checked::measure);
    }

    /** The workers' share of the work so far, for the progress line; empty without workers. */
    public String status() {
        return pool == null ? "" : pool.status();
    }
}
