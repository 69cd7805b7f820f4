package quorumlab.analysis.cli;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import quorumlab.analysis.experiment.LeaderElectionExperiment;
import quorumlab.analysis.experiment.LeaderElectionRun;
import quorumlab.analysis.experiment.PartialPartitionExperiment;
import quorumlab.analysis.experiment.ElectionCostExperiment;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "experiment", mixinStandardHelpOptions = true,
        description = {"Runs a published experiment on Raft and Multi-Paxos.",
            "leader-election: the Raft paper's Figure 16, the time to elect a new leader",
            "after the leader crashes, for many election timeout settings;",
            "with --setup wan, the thesis's wide-area election run.",
            "partial-partition: Jensen, Howard & Mortier 2021, leader changes",
            "and throughput while some links between live nodes fail.",
            "election-cost: Howard & Mortier 2020, what an election costs",
            "against the entries the failed leader left uncommitted."})
final class ExperimentCommand implements Callable<Integer> {
    @Parameters(paramLabel = "NAME", description = "The experiment: leader-election, partial-partition, election-cost.")
    String name;

    @Option(names = "--trials", paramLabel = "N",
            description = {"Trials per setting. leader-election: " + LeaderElectionExperiment.DEFAULT_TRIALS + " (the paper",
                "ran 1000; --setup wan: " + LeaderElectionExperiment.WAN_DEFAULT_TRIALS + ", the thesis 10000);",
                "partial-partition: " + PartialPartitionExperiment.DEFAULT_TRIALS + " per topology and variant;",
                "election-cost: " + ElectionCostExperiment.DEFAULT_TRIALS + " per divergence and spread."})
    Integer trials;

    @Option(names = "--setup", defaultValue = "paper", paramLabel = "paper|wan",
            description = {"paper (Figure 16) or wan (the thesis's",
                "wide-area run: 30-40 ms one way, 300-600 ms,", "one and two servers failed). Default: ${DEFAULT-VALUE}."})
    String setup;

    @Option(names = "--logs", paramLabel = "equal|two-behind",
            description = {"Logs at the crash: two-behind (two followers", "missed the last entry; the paper's default)",
                "or equal (the default of --setup wan)."})
    String logs;

    @Option(names = "--settings", paramLabel = "MIN-MAX,...", split = ",",
            description = {"Election timeout ranges in ms (default: the",
                "paper's 150-150 .. 150-300 and 12-24 .. 150-300)."})
    List<String> settings;

    @Option(names = "--nodes", defaultValue = "5", paramLabel = "N", description = "Cluster size (default: ${DEFAULT-VALUE}).")
    int nodes;

    @Option(names = "--delay", paramLabel = "DIST",
            description = {"Per-message network delay, in the scenario", "notation (default: " + LeaderElectionExperiment.DEFAULT_DELAY
                + ";", "--setup wan: " + LeaderElectionExperiment.WAN_DELAY + ")."})
    String delay;

    @Option(names = "--write", paramLabel = "DURATION",
            description = {"How long a durable write takes: a vote's or",
                "an append's reply leaves only after it.",
                "Default: " + LeaderElectionExperiment.DEFAULT_WRITE + "; with the default delay,",
                "the paper's ~15 ms broadcast time (--setup wan: 0)."})
    String write;

    @Option(names = "--protocol", defaultValue = "all", paramLabel = "NAME|all", completionCandidates = ProtocolNames.class,
            description = {"One of: ${COMPLETION-CANDIDATES};", "or all those that elect a leader (raft,",
                "multi-paxos). Default: ${DEFAULT-VALUE}."})
    String protocol;

    @Option(names = "--pre-vote", description = "Run Raft with the thesis's pre-vote.")
    boolean preVote;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "N", description = "Base seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", paramLabel = "DIR", description = "Default: results/leader-election/<time>.")
    Path out;

    @Spec
    CommandSpec spec;

    @picocli.CommandLine.Mixin
    quorumlab.analysis.workers.WorkerOptions workers;

    @Option(names = "--topologies", paramLabel = "T,...", split = ",",
            description = {"partial-partition: 3-cut, 3-flap, 5-cut, 5-flap,", "5-chain (default: all)."})
    List<String> topologies;

    @Option(names = "--phase", defaultValue = "4s", paramLabel = "DURATION",
            description = {"partial-partition: each third of a run, before,", "during and after (default: ${DEFAULT-VALUE})."})
    String phase;

    @Option(names = "--flap", defaultValue = "1500ms", paramLabel = "DURATION",
            description = {"partial-partition: how often a flapping link", "fails or recovers (default: ${DEFAULT-VALUE})."})
    String flap;

    @Option(names = "--divergence", paramLabel = "N,...", split = ",",
            description = {"election-cost: uncommitted entries", "(default: 0,10,100,1000)."})
    List<Integer> divergence;

    @Override
    public Integer call() throws Exception {
        if (name.equals("partial-partition") || name.equals("election-cost")) return liveness();
        if (!name.equals("leader-election")) {
            throw new IllegalArgumentException("unknown experiment '" + name + "' (known: leader-election, partial-partition, election-cost)");
        }
        int trials = this.trials != null ? this.trials
                : setup.equals("wan") ? LeaderElectionExperiment.WAN_DEFAULT_TRIALS : LeaderElectionExperiment.DEFAULT_TRIALS;
        String logs = this.logs != null ? this.logs : setup.equals("wan") ? "equal" : "two-behind";
        if (trials < 1) throw new IllegalArgumentException("--trials must be at least 1, got " + trials);
        if (nodes < 1) throw new IllegalArgumentException("--nodes must be at least 1, got " + nodes);
        Path dir = out != null ? out
                : Path.of("results", setup.equals("wan") ? "leader-election-wan" : "leader-election", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        // "all": the protocols that elect a leader (Figure 16 times elections; primary-backup has none).
        List<String> protocols = protocol.equals("all")
                ? quorumlab.protocols.Protocol.all().stream().map(quorumlab.protocols.Protocol::name)
                        .filter(p -> p.equals("raft") || p.equals("multi-paxos")).toList()
                : List.of(quorumlab.protocols.Protocol.byName(protocol).name());
        boolean violated = LeaderElectionRun.run(setup, logs, protocols, settings, trials, nodes, delay, write, preVote, seed, dir,
                workers.remote(), System.out, System.err);
        return violated ? Main.EXIT_VIOLATION : Main.EXIT_OK;
    }

    /** partial-partition and election-cost: their own trial counts unless --trials is given. */
    private int liveness() throws Exception {
        boolean given = spec.commandLine().getParseResult().hasMatchedOption("--trials");
        if (given && trials < 1) throw new IllegalArgumentException("--trials must be at least 1, got " + trials);
        Path dir = out != null ? out
                : Path.of("results", name, LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        int threads = Runtime.getRuntime().availableProcessors();
        if (name.equals("partial-partition")) {
            long third = quorumlab.workload.Durations.parse(phase);
            long period = quorumlab.workload.Durations.parse(flap);
            if (third < 2_000_000_000L) throw new IllegalArgumentException("--phase must be at least 2s, got " + phase);
            if (period < 1_000_000L) throw new IllegalArgumentException("--flap must be at least 1ms, got " + flap);
            return PartialPartitionExperiment.run(topologies, given ? trials : PartialPartitionExperiment.DEFAULT_TRIALS, third, period,
                    seed, threads, dir, workers.remote(), System.out, System.err);
        }
        return ElectionCostExperiment.run(divergence, given ? trials : ElectionCostExperiment.DEFAULT_TRIALS, seed, threads, dir,
                workers.remote(), System.out, System.err);
    }

}
