package quorumlab.analysis.cli;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import quorumlab.analysis.check.CheckStatus;
import quorumlab.analysis.check.Checks;
import quorumlab.analysis.check.LinearizabilityChecker;
import quorumlab.analysis.check.Verdict;
import quorumlab.analysis.check.VerdictWriter;

@Command(name = "check", mixinStandardHelpOptions = true,
        description = {
            "Checks traces and client histories for safety violations.",
            "A trace gets the protocol's invariants and 'no acknowledged write lost';",
            "a history (JSON Lines, or EDN from Jepsen, Maelstrom or Porcupine's",
            "key-value tests, with append) gets linearizability.",
            "A trace with no history beside it is checked from its own client records.",
            "A directory is searched for *.jsonl, *.ndjson and *.edn files, gzipped or not.",
            "Files are checked in parallel. Prints one line per check and file:",
            "ok, VIOLATION or unknown (the search reached its bound), and the time",
            "each file took.",
        },
        exitCodeListHeading = "%nExit codes (the first that applies, in this order):%n",
        exitCodeList = {
            "1:a check found a violation",
            "2:bad input: a file is missing or corrupt (one line says why)",
            "3:a check came back unknown",
            "0:every check is ok",
        })
final class CheckCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "DIR|TRACE|HISTORY", description = "What to check.")
    List<Path> paths;

    @Option(names = "--json", description = "Print one JSON object per file instead of lines.")
    boolean json;

    @Option(names = "--max-states", paramLabel = "N", defaultValue = "5000000",
            description = {"Linearizability: configurations to explore", "per key before answering unknown", "(default ${DEFAULT-VALUE})."})
    long maxStates;

    @Option(names = "--max-time", paramLabel = "SECONDS", defaultValue = "60",
            description = {"Linearizability: seconds per file", "before answering unknown (default ${DEFAULT-VALUE})."})
    double maxSeconds;

    @Option(names = "--pictures", paramLabel = "DIR",
            description = {"Where to draw counterexamples, in SVG and HTML", "(default: beside the file checked)."})
    Path pictures;

    @Option(names = "--no-pictures", description = "Draw no counterexample pictures.")
    boolean noPictures;

    @Option(names = "--threads", paramLabel = "N", description = "Files checked at once (default: one per core).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (maxStates < 1 || !(maxSeconds > 0) || threads < 1) {
            err.println("quorumlab: --max-states, --max-time and --threads must be positive");
            return Main.EXIT_BAD_INPUT;
        }
        Checks.Settings settings = new Checks.Settings(
                new LinearizabilityChecker.Bound(maxStates, Duration.ofMillis((long) (maxSeconds * 1000))),
                pictures, !noPictures);

        boolean badInput = false;
        List<Path> files = new ArrayList<>();
        for (Path path : paths) {
            try {
                List<Path> found = Checks.checkableFiles(path);
                if (found.isEmpty()) {
                    err.println("quorumlab: " + path + ": no *.jsonl, *.ndjson or *.edn file to check");
                    badInput = true;
                }
                files.addAll(found);
            } catch (IllegalArgumentException | UncheckedIOException e) {
                err.println("quorumlab: " + Main.oneLine(e));
                badInput = true;
            }
        }

        CheckStatus worst = CheckStatus.OK;
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, Math.max(1, files.size())));
        try {
            List<Future<Verdict>> verdicts = new ArrayList<>();
            long[] nanos = new long[files.size()];
            for (int i = 0; i < files.size(); i++) {
                Path file = files.get(i);
                int at = i;
                verdicts.add(pool.submit(() -> {
                    long start = System.nanoTime();
                    Verdict v = Checks.checkFile(file, settings);
                    nanos[at] = System.nanoTime() - start;
                    return v;
                }));
            }
            for (int i = 0; i < files.size(); i++) {
                Verdict verdict;
                try {
                    verdict = verdicts.get(i).get();
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    String line = cause instanceof IllegalArgumentException || cause instanceof UncheckedIOException
                            ? Main.oneLine(cause)
                            : files.get(i) + ": internal error: " + Main.oneLine(cause);
                    err.println("quorumlab: " + line);
                    err.flush();
                    badInput = true;
                    continue;
                }
                worst = worst.worst(verdict.status());
                print(out, verdict, nanos[i]);
            }
        } finally {
            pool.shutdownNow();
        }
        if (worst == CheckStatus.VIOLATION) return Main.EXIT_VIOLATION;
        if (badInput) return Main.EXIT_BAD_INPUT;
        return worst == CheckStatus.UNKNOWN ? Main.EXIT_UNKNOWN : Main.EXIT_OK;
    }

    /** One line per check; the file's last line also says how long the whole file took to check. */
    private void print(PrintWriter out, Verdict verdict, long nanos) {
        if (json) {
            out.println(VerdictWriter.toJsonLine(verdict));
        } else {
            for (int i = 0; i < verdict.checks().size(); i++) {
                Verdict.Check check = verdict.checks().get(i);
                String pictureNote = check.pictures().isEmpty() ? "" : " [picture: " + check.pictures().get(0) + "]";
                String time = i == verdict.checks().size() - 1
                        ? String.format(Locale.ROOT, " (file checked in %.3f s)", nanos / 1e9) : "";
                out.println(String.format(Locale.ROOT, "%-9s %-22s %s  %s%s%s", check.status().label(), check.name(),
                        verdict.file(), check.summary(), pictureNote, time));
            }
        }
        out.flush();
    }
}
