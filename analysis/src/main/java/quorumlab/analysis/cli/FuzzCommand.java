package quorumlab.analysis.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import quorumlab.analysis.fuzz.FuzzRuns;
import quorumlab.analysis.fuzz.Fuzzer;
import quorumlab.protocols.Protocol;
import quorumlab.workload.Durations;
import quorumlab.workload.Scenario;
import quorumlab.workload.ScenarioLoader;

@Command(name = "fuzz", mixinStandardHelpOptions = true,
        description = {"Runs random fault schedules and shrinks any failure found.",
            "Each schedule runs a protocol with one of its option combinations;",
            "each run is checked for its invariants, no lost write, linearizability,",
            "liveness after the last heal and runaway cost. A failing schedule is",
            "shrunk to a small scenario file, with a command that replays it.",
            "Exit: 0 no failure, 1 a safety failure,",
            "4 a liveness or cost failure (and no safety one),",
            "3 only undecided linearizability checks, 2 bad input."})
final class FuzzCommand implements Callable<Integer> {
    /** Exit status when a schedule failed liveness or cost, and none failed safety. */
    static final int EXIT_LIVENESS_OR_COST = 4;

    @Option(names = "--protocol", defaultValue = "all", paramLabel = "NAME|all", completionCandidates = ProtocolNames.class,
            description = {"One of: ${COMPLETION-CANDIDATES};", "or all of them. Default: ${DEFAULT-VALUE}."})
    String protocol;

    @Option(names = "--schedules", defaultValue = "1000", paramLabel = "N", description = "Schedules per protocol (default ${DEFAULT-VALUE}).")
    int schedules;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S",
            description = {"Seed of the schedules (default ${DEFAULT-VALUE});", "with --replay, the run's seed."})
    long seed;

    @Option(names = "--time-budget", paramLabel = "DURATION",
            description = {"Start no schedule after this much wall time", "per protocol, e.g. 5m (default: none)."})
    String timeBudget;

    @Option(names = "--threads", paramLabel = "N", description = "Parallel runs (default: the number of cores).")
    Integer threads;

    @Option(names = "--out", defaultValue = "results/fuzz", paramLabel = "DIR",
            description = {"Where shrunk counterexamples are written", "(default ${DEFAULT-VALUE})."})
    Path out;

    @Option(names = "--no-shrink", description = "Report failing schedules without shrinking them.")
    boolean noShrink;

    @Option(names = "--replay", paramLabel = "FILE", description = {"Run one scenario file on --seed", "with every fuzz check."})
    String replay;

    @Override
    public Integer call() {
        if (schedules < 1) throw new IllegalArgumentException("--schedules must be at least 1, got " + schedules);
        if (threads != null && threads < 1) throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
        long budget = 0;
        if (timeBudget != null) {
            budget = Durations.parse(timeBudget);
            if (budget <= 0) throw new IllegalArgumentException("--time-budget must be positive, got " + timeBudget);
        }
        List<Protocol> protocols = protocol.equals("all") ? Protocol.all() : List.of(Protocol.byName(protocol));
        PrintStream stdout = System.out;
        if (replay != null) {
            Scenario scenario = ScenarioLoader.load(replay);
            int exit = 0;
            for (Protocol p : protocols) {
                FuzzRuns.Replay r = FuzzRuns.replay(scenario, p, seed);
                stdout.println(r.describe());
                exit = Fuzzer.Report.worse(exit, r.exitCode());
            }
            return exit;
        }
        int exit = 0;
        for (Protocol p : protocols) {
            Fuzzer.Settings settings = new Fuzzer.Settings(schedules, seed, budget,
                    threads != null ? threads : Runtime.getRuntime().availableProcessors(),
                    quorumlab.analysis.fuzz.Shape.COMMAND, java.util.Set.of(), options -> true, !noShrink, out);
            Fuzzer.Report report;
            try (ProgressLine progress = new ProgressLine(System.err)) {
                report = new Fuzzer(p, settings).run(progress);
            }
            stdout.print(FuzzRuns.describe(report));
            exit = Fuzzer.Report.worse(exit, report.exitCode());
        }
        return exit;
    }

    /** One line, rewritten in place on a terminal, and a plain line every tenth of the way otherwise. */
    static final class ProgressLine implements Fuzzer.Listener, AutoCloseable {
        private final PrintStream err;
        private final boolean terminal = System.console() != null;
        private final long start = System.nanoTime();
        private long lastPrint;
        private boolean printed;

        ProgressLine(PrintStream err) {
            this.err = err;
        }

        @Override
        public synchronized void progress(String protocol, int done, int total, int failures) {
            long now = System.nanoTime();
            boolean tenth = done * 10L / total != (done - 1) * 10L / total;
            if (terminal ? now - lastPrint < 200_000_000L && done != total : !tenth) return;
            lastPrint = now;
            double rate = done / Math.max(1e-9, (now - start) / 1e9);
            String line = String.format(Locale.ROOT, "fuzz %s: %d/%d schedules, %d failing, %.1f schedules/s", protocol, done,
                    total, failures, rate);
            if (terminal) err.print("\r" + line);
            else err.println(line);
            printed = true;
        }

        @Override
        public synchronized void close() {
            if (terminal && printed) err.println();
        }
    }
}
