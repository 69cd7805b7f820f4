package quorumlab.analysis.check;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

/**
 * Times the linearizability checker on the histories issues 7 and 14 name, and prints the figures
 * ({@code ./quorumlab bench --checker}). Each figure is the median of several runs after warm-up.
 */
public final class CheckerBenchmark {
    private static final int WARMUP = 2;
    private static final int RUNS = 5;

    private CheckerBenchmark() {}

    public static void main(String[] args) {
        run(System.out);
    }

    public static void run(PrintStream out) {
        out.println("linearizability checker (median of " + RUNS + " runs after " + WARMUP + " warm-up runs; "
                + Runtime.getRuntime().availableProcessors() + " cores)");
        time(out, "10,000 ops, 10 keys, 20 processes",
                HistoryGenerator.linearizable(1, 10_000, 10, 20, 0.01), LinearizabilityChecker.Bound.DEFAULT,
                CheckStatus.OK);
        time(out, "the same with one stale read (counterexample included)",
                HistoryGenerator.withStaleRead(HistoryGenerator.linearizable(1, 10_000, 10, 20, 0.01)),
                LinearizabilityChecker.Bound.DEFAULT, CheckStatus.VIOLATION);
        time(out, "1,000 ops, 1 register, 10 processes, 20% info",
                HistoryGenerator.linearizable(2, 1_000, 0, 10, 0.2), LinearizabilityChecker.Bound.DEFAULT,
                CheckStatus.OK);
        // Issue 14: dueling proposers pile up operations, and abandoned writes are chosen late.
        History dueling = HistoryGenerator.linearizable(2, 1_000, 1, 40, 0.1, 200);
        time(out, "1,000 ops, 1 register, 40 processes, 10% info, chosen late", dueling,
                LinearizabilityChecker.Bound.DEFAULT, CheckStatus.OK);
        time(out, "the same with one stale read (counterexample included)", HistoryGenerator.withStaleRead(dueling),
                LinearizabilityChecker.Bound.DEFAULT, CheckStatus.VIOLATION);
        // Issue 16: Porcupine's key-value model, appends that later reads must see in order.
        History appends = HistoryGenerator.keyValue(3, 10_000, 10, 20, 0.01);
        time(out, "10,000 ops with append, 10 keys, 20 processes", appends, LinearizabilityChecker.Bound.DEFAULT,
                CheckStatus.OK);
        time(out, "the same with one stale read (counterexample included)", HistoryGenerator.withStaleRead(appends),
                LinearizabilityChecker.Bound.DEFAULT, CheckStatus.VIOLATION);
        LinearizabilityChecker.Bound bound = new LinearizabilityChecker.Bound(1_000_000, Duration.ofSeconds(10));
        time(out, "pathological: 40 concurrent writes (bound " + bound.maxStates() + " states, "
                + bound.maxTime().toSeconds() + " s)", HistoryGenerator.pathological(40), bound, CheckStatus.UNKNOWN);
    }

    private static void time(PrintStream out, String name, History history, LinearizabilityChecker.Bound bound,
            CheckStatus expected) {
        long[] nanos = new long[RUNS];
        LinearizabilityChecker.Result last = null;
        for (int i = 0; i < WARMUP + RUNS; i++) {
            long start = System.nanoTime();
            last = LinearizabilityChecker.check(history.operations(), bound);
            long took = System.nanoTime() - start;
            if (i >= WARMUP) nanos[i - WARMUP] = took;
        }
        Arrays.sort(nanos);
        out.printf(Locale.ROOT, "  %-62s %9.1f ms  %-9s %,d configurations%s%n", name, nanos[RUNS / 2] / 1e6,
                last.status().label(), last.states(),
                last.status() == expected ? "" : "  (expected " + expected.label() + "!)");
    }
}
