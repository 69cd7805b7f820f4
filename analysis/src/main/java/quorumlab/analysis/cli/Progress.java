package quorumlab.analysis.cli;

import java.io.PrintStream;
import java.util.function.LongSupplier;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import quorumlab.workload.Runner;

/**
 * A progress bar on a terminal, one plain line per finished run otherwise; both say how much work
 * there is (runs done of all) and, once a run has finished, about how long the rest will take.
 * A command that runs several batches (compare --scenario all, sweep) says how many first, so the
 * count and the estimate cover them all; it assumes every batch has as many runs as the first.
 */
final class Progress implements Runner.Listener, AutoCloseable {
    /** The bar's label; a command running several batches renames it before each. */
    String task;
    private final PrintStream lines;
    private final boolean terminal;
    private final LongSupplier clock;
    private ProgressBar bar;
    private int batches = 1;
    private int batch;
    private int total;
    private int done;
    private int doneBefore;
    private long startNanos;
    private java.util.function.Supplier<String> detail = () -> "";

    /** {@code lines} takes the plain lines, so a command can keep them off the stream it prints results to. */
    Progress(String task, PrintStream lines) {
        this(task, lines, System.console() != null, System::nanoTime);
    }

    Progress(String task, PrintStream lines, boolean terminal, LongSupplier clock) {
        this.task = task;
        this.lines = lines;
        this.terminal = terminal;
        this.clock = clock;
    }

    /** The number of batches of runs to come (default 1): each {@link #started} begins the next. */
    synchronized Progress batches(int n) {
        batches = Math.max(1, n);
        return this;
    }

    /** Something to show after each finished run when not empty, e.g. each worker's share. */
    synchronized Progress detail(java.util.function.Supplier<String> detail) {
        this.detail = detail;
        return this;
    }

    @Override
    public synchronized void started(int total) {
        if (batch == 0) startNanos = clock.getAsLong();
        doneBefore += done;
        batch++;
        this.total = total;
        this.done = 0;
        if (bar != null) bar.close();
        if (terminal) {
            bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(total).build();
        } else {
            lines.printf("%s: %d run%s%s%n", task, total, total == 1 ? "" : "s",
                    batches > 1 ? " (batch " + batch + " of " + batches + ", about " + allRuns() + " in all)" : "");
        }
    }

    @Override
    public synchronized void finished(Runner.SeedRun run) {
        done++;
        String left = timeLeft();
        String more = detail.get();
        if (bar != null) {
            bar.step();
            if (batches > 1 || !more.isEmpty()) {
                bar.setExtraMessage((batches > 1 ? "[" + (doneBefore + done) + "/" + allRuns() + " in all, " + left + "]" : "")
                        + (more.isEmpty() ? "" : " " + more));
            }
        } else {
            lines.printf("[%d/%d] %s seed %d done; %s%s%n", doneBefore + done, allRuns(), run.protocol(), run.seed(), left,
                    more.isEmpty() ? "" : "; " + more);
        }
    }

    private int allRuns() {
        return doneBefore + total * (batches - batch + 1);
    }

    /** The rest at the pace so far (runs in parallel included): e.g. {@code about 2 min left}. */
    String timeLeft() {
        int finished = doneBefore + done;
        int remaining = allRuns() - finished;
        if (remaining <= 0) return "all done";
        double perRun = (clock.getAsLong() - startNanos) / 1e9 / Math.max(1, finished);
        return "about " + duration(perRun * remaining) + " left";
    }

    static String duration(double seconds) {
        if (seconds < 90) return Math.max(1, Math.round(seconds)) + " s";
        if (seconds < 90 * 60) return Math.round(seconds / 60) + " min";
        return String.format(java.util.Locale.ROOT, "%.1f h", seconds / 3600);
    }

    @Override
    public synchronized void close() {
        if (bar != null) bar.close();
    }
}
