package quorumlab.analysis.experiment;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import quorumlab.protocols.runtime.Delay;
import quorumlab.workload.DelaySpec;
import quorumlab.workload.Durations;

/** The command line's way into the leader-election experiment. */
public final class LeaderElectionRun {
    /**
     * Runs the experiment, writes its results to {@code out} and prints the table; returns whether any
     * trial violated a safety check.
     */
    public static boolean run(List<String> protocols, List<String> settings, int trials, int nodes, String delaySpec, String writeSpec,
            boolean preVote, long seed, Path out, PrintStream stdout, PrintStream stderr) throws Exception {
        Delay delay = DelaySpec.parse(delaySpec);
        long writeNanos = Durations.parse(writeSpec);
        List<Setting> parsed = (settings == null || settings.isEmpty() ? LeaderElectionExperiment.defaultSettings() : settings)
                .stream().map(Setting::parse).distinct().toList();
        if (Files.exists(out)) throw new IllegalArgumentException(out + " exists already; choose another --out");
        LeaderElectionExperiment.Config config = new LeaderElectionExperiment.Config(protocols, parsed, trials, nodes, delay,
                delaySpec, writeNanos, writeSpec, preVote, seed, Runtime.getRuntime().availableProcessors());
        int total = protocols.size() * parsed.stream().mapToInt(s -> PaperFigure16.trialsFor(s, trials)).sum();
        long start = System.nanoTime();
        int step = Math.max(1, total / 20);
        List<LeaderElectionExperiment.Trial> results = LeaderElectionExperiment.runTrials(config, done -> {
            if (done % step == 0 || done == total) stderr.printf("leader-election: %d/%d trials%n", done, total);
        });
        double seconds = (System.nanoTime() - start) / 1e9;
        List<LeaderElectionExperiment.Row> rows = LeaderElectionExperiment.rows(results, config);
        LeaderElectionExperiment.write(results, rows, config, out, seconds);
        stdout.print(LeaderElectionExperiment.table(rows, config, seconds));
        long violations = results.stream().filter(t -> !t.outcome().violations().isEmpty()).count();
        if (violations > 0) {
            stderr.println("quorumlab: VIOLATION: " + violations + " trials broke a safety check, e.g. "
                    + results.stream().filter(t -> !t.outcome().violations().isEmpty()).findFirst().get().outcome().violations().get(0));
        }
        stdout.println("results: " + out);
        return violations > 0;
    }

    private LeaderElectionRun() {}
}
