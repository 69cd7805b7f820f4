package quorumlab.analysis.cli;

import java.io.PrintStream;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import quorumlab.workload.Runner;

/** A progress bar on a terminal, one plain line per finished run otherwise. */
final class Progress implements Runner.Listener, AutoCloseable {
    /** The bar's label; a command running several batches renames it before each. */
    String task;
    private final PrintStream lines;
    private final boolean terminal = System.console() != null;
    private ProgressBar bar;
    private int total;
    private int done;

    /** {@code lines} takes the plain lines, so a command can keep them off the stream it prints results to. */
    Progress(String task, PrintStream lines) {
        this.task = task;
        this.lines = lines;
    }

    @Override
    public synchronized void started(int total) {
        this.total = total;
        this.done = 0;
        if (bar != null) bar.close();
        if (terminal) bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(total).build();
    }

    @Override
    public synchronized void finished(Runner.SeedRun run) {
        done++;
        if (bar != null) bar.step();
        else lines.printf("[%d/%d] %s seed %d done%n", done, total, run.protocol(), run.seed());
    }

    @Override
    public synchronized void close() {
        if (bar != null) bar.close();
    }
}
