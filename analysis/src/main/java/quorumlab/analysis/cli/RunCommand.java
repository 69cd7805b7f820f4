package quorumlab.analysis.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import quorumlab.protocols.Protocol;
import quorumlab.protocols.check.SafetyChecks;
import quorumlab.protocols.runtime.TraceReader;
import quorumlab.workload.Runner;
import quorumlab.workload.Scenario;
import quorumlab.workload.ScenarioLoader;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Runs a scenario against protocols x seeds; writes traces, histories and run.json.")
final class RunCommand implements Callable<Integer> {
    @Option(names = "--scenario", required = true, paramLabel = "NAME|FILE",
            description = "A library scenario (see 'quorumlab scenarios') or a YAML/JSON file.")
    String scenario;

    @Option(names = "--protocol", defaultValue = "all", paramLabel = "raft|multi-paxos|all",
            description = "Default: ${DEFAULT-VALUE}.")
    String protocol;

    @Option(names = "--seeds", paramLabel = "N", description = "Run seeds 1..N (default: the scenario's).")
    Integer seeds;

    @Option(names = "--runtime", defaultValue = "sim", paramLabel = "sim|local", description = "Default: ${DEFAULT-VALUE}.")
    String runtime;

    @Option(names = "--out", defaultValue = "results", paramLabel = "DIR", description = "Default: ${DEFAULT-VALUE}.")
    Path out;

    @Override
    public Integer call() {
        Scenario s = ScenarioLoader.load(scenario);
        List<String> protocols = protocol.equals("all")
                ? Protocol.all().stream().map(Protocol::name).toList()
                : List.of(protocol);
        Runner.RuntimeKind kind = Runner.RuntimeKind.parse(runtime);
        int n = seeds != null ? seeds : s.seedCount();
        Runner runner = new Runner();
        int[] violations = {0};
        runner.afterEachRun((dir, run) -> {
            List<String> found = SafetyChecks.violations(run.protocol(), TraceReader.readAll(dir.resolve(Runner.TRACE_FILE)));
            synchronized (violations) {
                violations[0] += found.size();
                for (String v : found) System.err.println("VIOLATION " + run.protocol() + " seed " + run.seed() + ": " + v);
            }
        });
        Runner.Result result;
        try (Progress progress = new Progress("run " + s.name())) {
            result = runner.run(s, protocols, n, 1, kind, out, progress);
        }
        for (Runner.SeedRun r : result.runs()) {
            System.out.printf("%-12s seed %-4d %8d operations completed  %6.2f s wall%n",
                    r.protocol(), r.seed(), r.completedOperations(), r.wallSeconds());
        }
        System.out.println("safety checks: " + (violations[0] == 0 ? "passed on every trace" : violations[0] + " violations"));
        System.out.println("results: " + result.dir());
        return violations[0] == 0 ? Main.EXIT_OK : Main.EXIT_VIOLATION;
    }

    /** A progress bar on a terminal, one plain line per finished run otherwise. */
    private static final class Progress implements Runner.Listener, AutoCloseable {
        private final String task;
        private final boolean terminal = System.console() != null;
        private ProgressBar bar;
        private int total;
        private int done;

        Progress(String task) {
            this.task = task;
        }

        @Override
        public synchronized void started(int total) {
            this.total = total;
            if (terminal) bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(total).build();
        }

        @Override
        public synchronized void finished(Runner.SeedRun run) {
            done++;
            if (bar != null) bar.step();
            else System.out.printf("[%d/%d] %s seed %d done%n", done, total, run.protocol(), run.seed());
        }

        @Override
        public synchronized void close() {
            if (bar != null) bar.close();
        }
    }
}
