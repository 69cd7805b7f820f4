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
        return run("paper", "two-behind", protocols, settings, trials, nodes, delaySpec, writeSpec, preVote, seed, out, null, stdout, stderr);
    }

    /**
     * {@code setup}: "paper" (Figure 16: the given settings, the leader fails) or "wan" (the
     * thesis's wide-area run: 300-600 ms, once with the leader failed and once with the leader and
     * a follower); {@code logs}: "equal" or "two-behind". A null delay, write or settings takes the
     * setup's default. {@code remote}: the workers that run the trials, or null for this JVM.
     */
    public static boolean run(String setup, String logs, List<String> protocols, List<String> settings, int trials, int nodes,
            String delaySpec, String writeSpec, boolean preVote, long seed, Path out, Trials.Remote remote, PrintStream stdout,
            PrintStream stderr)
            throws Exception {
        if (!setup.equals("paper") && !setup.equals("wan")) {
            throw new IllegalArgumentException("--setup must be paper or wan, got '" + setup + "'");
        }
        boolean wan = setup.equals("wan");
        ElectionTrial.Logs parsedLogs = ElectionTrial.Logs.parse(logs);
        if (delaySpec == null) delaySpec = wan ? LeaderElectionExperiment.WAN_DELAY : LeaderElectionExperiment.DEFAULT_DELAY;
        if (writeSpec == null) writeSpec = wan ? LeaderElectionExperiment.WAN_WRITE : LeaderElectionExperiment.DEFAULT_WRITE;
        Delay delay = DelaySpec.parse(delaySpec);
        long writeNanos = Durations.parse(writeSpec);
        List<String> defaults = wan ? List.of(LeaderElectionExperiment.WAN_SETTING) : LeaderElectionExperiment.defaultSettings();
        List<Setting> parsed = (settings == null || settings.isEmpty() ? defaults : settings)
                .stream().map(Setting::parse).distinct().toList();
        List<Integer> failures = wan ? List.of(1, 2) : List.of(1);
        if (nodes < 2 * failures.get(failures.size() - 1) + 1) {
            throw new IllegalArgumentException("--nodes must be at least " + (2 * failures.get(failures.size() - 1) + 1)
                    + " for " + setup + ", so a majority survives the failures, got " + nodes);
        }
        if (parsedLogs == ElectionTrial.Logs.TWO_BEHIND && nodes < 5) {
            throw new IllegalArgumentException("--logs two-behind needs --nodes 5 or more (two followers behind, two ahead), got " + nodes);
        }
        if (Files.exists(out)) throw new IllegalArgumentException(out + " exists already; choose another --out");
        LeaderElectionExperiment.Config config = new LeaderElectionExperiment.Config(protocols, parsed, trials, nodes, delay,
                delaySpec, writeNanos, writeSpec, preVote, seed, Runtime.getRuntime().availableProcessors(), setup, parsedLogs,
                failures, ElectionTrial.CAP);
        int total = protocols.size() * failures.size() * parsed.stream().mapToInt(s -> LeaderElectionExperiment.trialsFor(config, s)).sum();
        long start = System.nanoTime();
        int step = Math.max(1, total / 20);
        List<LeaderElectionExperiment.Trial> results = LeaderElectionExperiment.runTrials(config, remote, done -> {
            if (done % step == 0 || done == total) stderr.printf("leader-election: %d/%d trials%s%n", done, total, Trials.status(remote));
        });
        double seconds = (System.nanoTime() - start) / 1e9;
        List<LeaderElectionExperiment.Row> rows = LeaderElectionExperiment.rows(results, config);
        LeaderElectionExperiment.write(results, rows, config, out, seconds);
        stdout.print(LeaderElectionExperiment.table(rows, config, seconds));
        stdout.printf(java.util.Locale.ROOT, "%d trials in %.1f s (wall, trials and files)%n", total, (System.nanoTime() - start) / 1e9);
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
