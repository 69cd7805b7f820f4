package quorumlab.analysis.experiment;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.IntConsumer;
import org.apache.commons.statistics.descriptive.Quantile;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import quorumlab.analysis.charts.Charts;
import quorumlab.analysis.experiment.PartialPartitionTrial.Outcome;
import quorumlab.analysis.experiment.PartialPartitionTrial.Topology;
import quorumlab.analysis.experiment.PartialPartitionTrial.Variant;
import quorumlab.protocols.MatchedSettings;
import quorumlab.protocols.Protocol;

/**
 * Partial partitions and liveness (Jensen, Howard & Mortier 2021, after the November 2020 etcd
 * outage): every topology against Raft with each combination of PreVote and CheckQuorum and
 * Multi-Paxos with and without a leader lease, many seeds each, every trace through the checkers.
 */
public final class PartialPartitionExperiment {
    static final String NAME = "partial-partition";
    public static final long DEFAULT_THIRD_MS = 4_000;
    public static final long DEFAULT_FLAP_MS = 1_500;
    public static final int DEFAULT_TRIALS = 3;

    record Config(List<Topology> topologies, List<Variant> variants, int trials, long thirdNanos, long flapNanos, long seed,
            int threads) {}

    record Trial(Topology topology, Variant variant, int index, long seed, Outcome outcome) {}

    record Row(String topology, String variant, int trials, double changesDuring, double changesAfter, double electionsDuring,
            double throughputRatio, double longestGapMedianMs, double longestGapMaxMs, int settled, int violations) {}

    /**
     * What Jensen, Howard & Mortier (2021) report for each Raft variant, qualitatively (their paper
     * gives no table of numbers for these runs), and the test of our numbers that agrees with it.
     */
    record Published(String says, String agreesWhen) {}

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    static Published published(String variant, Topology topology) {
        return switch (variant) {
            case "raft" -> topology == Topology.CHAIN5
                    ? new Published("no stable leader: the cut-off nodes keep deposing whoever leads", "changes during > 1")
                    : new Published("elections cycle: the cut-off follower's RequestVotes depose the leader", "changes during > 0");
            case "raft+checkQuorum" -> new Published(
                    "the leader a majority hears keeps leading during the cut; an election follows at the heal",
                    "changes during < 0.5 and after >= 0.5");
            case "raft+preVote" -> new Published("no disruption: pre-votes fail while a leader is heard", "changes during < 0.5");
            case "raft+preVote+checkQuorum" -> new Published("no disruption, settles after the heal (the recommended combination)",
                    "changes during < 0.5, all settled");
            case "multi-paxos" -> new Published("not studied; by analogy with plain Raft: a higher ballot deposes the leader",
                    "changes during > 0");
            default -> new Published("not studied; by analogy with Raft's §4.2.3 rule: no disruption while the leader is heard",
                    "changes during < 0.5");
        };
    }

    static boolean agrees(Row r, Topology topology) {
        return switch (r.variant()) {
            case "raft" -> topology == Topology.CHAIN5 ? r.changesDuring() > 1 : r.changesDuring() > 0;
            case "multi-paxos" -> r.changesDuring() > 0;
            case "raft+checkQuorum" -> r.changesDuring() < 0.5 && r.changesAfter() >= 0.5;
            case "raft+preVote+checkQuorum" -> r.changesDuring() < 0.5 && r.settled() == r.trials();
            default -> r.changesDuring() < 0.5;
        };
    }

    /**
     * Runs every trial, writes the results to {@code out} and prints the report; returns 0, or 1 when
     * a trial broke a safety check, or 3 when a check could not decide.
     */
    public static int run(List<String> topologies, int trials, long thirdNanos, long flapNanos, long seed, int threads, Path out,
            PrintStream stdout, PrintStream stderr) throws Exception {
        return run(topologies, trials, thirdNanos, flapNanos, seed, threads, out, null, stdout, stderr);
    }

    /** As above, the trials on the workers ({@code remote}), or on {@code threads} threads here when it is null. */
    public static int run(List<String> topologies, int trials, long thirdNanos, long flapNanos, long seed, int threads, Path out,
            Trials.Remote remote, PrintStream stdout, PrintStream stderr) throws Exception {
        if (Files.exists(out)) throw new IllegalArgumentException(out + " exists already; choose another --out");
        List<Topology> parsed = topologies == null || topologies.isEmpty() ? List.of(Topology.values())
                : topologies.stream().map(Topology::parse).distinct().toList();
        Config config = new Config(parsed, PartialPartitionTrial.VARIANTS, trials, thirdNanos, flapNanos, seed, threads);
        int total = parsed.size() * config.variants().size() * trials;
        int step = Math.max(1, total / 10);
        long start = System.nanoTime();
        List<Trial> results = runTrials(config, remote, done -> {
            if (done % step == 0 || done == total) stderr.printf("partial-partition: %d/%d trials%s%n", done, total, Trials.status(remote));
        });
        double seconds = (System.nanoTime() - start) / 1e9;
        List<Row> rows = rows(results, config);
        String report = report(rows, config, seconds);
        write(results, rows, config, report, out);
        stdout.print(report);
        stdout.println("results: " + out);
        List<Trial> bad = results.stream().filter(t -> !t.outcome().violations().isEmpty()).toList();
        if (!bad.isEmpty()) {
            stderr.println("quorumlab: VIOLATION: " + bad.size() + " trials broke a safety check, e.g. "
                    + bad.get(0).variant().label() + " " + bad.get(0).topology().label + ": " + bad.get(0).outcome().violations().get(0));
            return 1;
        }
        return results.stream().anyMatch(t -> t.outcome().unknown()) ? 3 : 0;
    }

    static List<Trial> runTrials(Config config, IntConsumer progress) throws Exception {
        return runTrials(config, null, progress);
    }

    /** Here, or on the workers ({@code remote}); the trials in a fixed order either way. */
    static List<Trial> runTrials(Config config, Trials.Remote remote, IntConsumer progress) throws Exception {
        return Trials.runAll(NAME, config, tasks(config), Trial.class, config.threads(), remote, progress);
    }

    /** Every trial, in a fixed order: a worker rebuilds the same list from the same config. */
    static List<Callable<Trial>> tasks(Config config) {
        List<Callable<Trial>> tasks = new ArrayList<>();
        for (Topology t : config.topologies()) {
            for (Variant v : config.variants()) {
                for (int i = 0; i < config.trials(); i++) {
                    int index = i;
                    // The same seeds for every variant of a topology: the variants differ only in options.
                    long seed = config.seed() * 1_000_003L + t.ordinal() * 10_007L + index;
                    tasks.add(() -> new Trial(t, v, index, seed, PartialPartitionTrial.run(t, v, config.thirdNanos(), config.flapNanos(), seed)));
                }
            }
        }
        return tasks;
    }

    static List<Row> rows(List<Trial> trials, Config config) {
        List<Row> rows = new ArrayList<>();
        for (Topology t : config.topologies()) {
            for (Variant v : config.variants()) {
                List<Outcome> mine = trials.stream().filter(x -> x.topology() == t && x.variant().equals(v)).map(Trial::outcome).toList();
                double[] gaps = mine.stream().mapToDouble(Outcome::longestGapMs).toArray();
                rows.add(new Row(t.label, v.label(), mine.size(),
                        mine.stream().mapToInt(Outcome::changesDuring).average().orElse(0),
                        mine.stream().mapToInt(Outcome::changesAfter).average().orElse(0),
                        mine.stream().mapToInt(Outcome::electionsDuring).average().orElse(0),
                        Quantile.withDefaults().evaluate(mine.stream().mapToDouble(Outcome::throughputRatio).toArray(), 0.5),
                        Quantile.withDefaults().evaluate(gaps, 0.5),
                        mine.stream().mapToDouble(Outcome::longestGapMs).max().orElse(0),
                        (int) mine.stream().filter(Outcome::settled).count(),
                        (int) mine.stream().filter(o -> !o.violations().isEmpty()).count()));
            }
        }
        return rows;
    }

    static String report(List<Row> rows, Config config, double seconds) {
        StringBuilder md = new StringBuilder("# Partial partitions and liveness (Jensen, Howard & Mortier 2021), reproduced\n\n");
        MatchedSettings m = MatchedSettings.DEFAULT;
        md.append(String.format(Locale.ROOT, "%d trials per topology and variant; each run %.0f s of virtual time: %.0f s before the "
                + "partition, %.0f s during, %.0f s after (flapping: the links fail and recover every %.1f s); %d closed-loop "
                + "clients writing; per-message delay 1-3 ms; matched settings for both protocols: election timeout %d-%d ms, "
                + "heartbeat %d ms, batch %d, %d in flight, resend %d ms; seed %d; ran in %.1f s.%n%n",
                config.trials(), 3 * config.thirdNanos() / 1e9, config.thirdNanos() / 1e9, config.thirdNanos() / 1e9,
                config.thirdNanos() / 1e9, config.flapNanos() / 1e9, PartialPartitionTrial.CLIENTS, m.electionTimeoutMinMs(),
                m.electionTimeoutMaxMs(), m.heartbeatIntervalMs(), m.maxBatch(), m.maxInFlight(), m.retransmitMs(), config.seed(), seconds));
        md.append("Columns: leader changes during and after the partition (mean per trial; the first election is not a change); "
                + "elections started during it (Raft terms or Paxos ballots, pre-votes not counted); the median ratio of "
                + "commits per second during the partition to before it; the longest time without an acknowledged write "
                + "(median and maximum over the trials); trials that settled (no leader established later than "
                + PartialPartitionTrial.SETTLE_GRACE / PartialPartitionTrial.MS / 1000 + " s after the heal, and writes still "
                + "committing in the last second); trials that broke a safety or linearizability check.\n\n");
        for (Topology t : config.topologies()) {
            md.append("## ").append(t.label).append(": ").append(topologyText(t)).append("\n\n");
            md.append("| variant | changes during | changes after | elections during | throughput during / before | longest gap median (ms) "
                    + "| longest gap max (ms) | settled | violations | published (qualitative) | agrees |\n");
            md.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
            for (Row r : rows) {
                if (!r.topology().equals(t.label)) continue;
                Published p = published(r.variant(), t);
                md.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %.2f | %.0f | %.0f | %d/%d | %d | %s | %s |%n",
                        r.variant(), r.changesDuring(), r.changesAfter(), r.electionsDuring(), r.throughputRatio(),
                        r.longestGapMedianMs(), r.longestGapMaxMs(), r.settled(), r.trials(), r.violations(), p.says(),
                        (agrees(r, t) ? "yes" : "NO") + " (" + p.agreesWhen() + ")"));
            }
            md.append('\n');
        }
        md.append("Where the lab disagrees and why: docs/partial-partition-experiment.md.\n");
        return md.toString();
    }

    static String topologyText(Topology t) {
        return switch (t) {
            case CUT3 -> "three nodes, the link between the leader and one follower cut both ways";
            case FLAP3 -> "three nodes, that link failing and recovering";
            case CUT5 -> "five nodes, the link between the leader and one follower cut both ways";
            case FLAP5 -> "five nodes, that link failing and recovering";
            case CHAIN5 -> "five nodes, node 3 leading; node 4 reaches only node 2, node 5 only node 3";
        };
    }

    static void write(List<Trial> trials, List<Row> rows, Config config, String report, Path out) throws IOException {
        Path tmp = out.resolveSibling("." + out.getFileName() + ".tmp");
        Files.createDirectories(tmp);
        StringBuilder csv = new StringBuilder("topology,variant,trial,seed,leader_changes_before,leader_changes_during,"
                + "leader_changes_after,elections_during,throughput_before_per_s,throughput_during_per_s,throughput_ratio,"
                + "longest_gap_ms,settled,violations,unknown\n");
        for (Trial t : trials) {
            Outcome o = t.outcome();
            csv.append(String.format(Locale.ROOT, "%s,%s,%d,%d,%d,%d,%d,%d,%.2f,%.2f,%.4f,%.1f,%b,%d,%b%n", t.topology().label,
                    t.variant().label(), t.index(), t.seed(), o.changesBefore(), o.changesDuring(), o.changesAfter(),
                    o.electionsDuring(), o.throughputBefore(), o.throughputDuring(), o.throughputRatio(), o.longestGapMs(),
                    o.settled(), o.violations().size(), o.unknown()));
        }
        Files.writeString(tmp.resolve("trials.csv"), csv, StandardCharsets.UTF_8);
        Map<String, Object> summary = new LinkedHashMap<>();
        Map<String, Object> setup = new LinkedHashMap<>();
        setup.put("trials", config.trials());
        setup.put("phase_s", config.thirdNanos() / 1e9);
        setup.put("flap_s", config.flapNanos() / 1e9);
        setup.put("seed", config.seed());
        setup.put("matched", MatchedSettings.DEFAULT);
        Map<String, Object> options = new LinkedHashMap<>();
        for (Variant v : config.variants()) {
            options.put(v.label(), new java.util.TreeMap<>(PartialPartitionTrial.options(Protocol.byName(v.protocol()), v)));
        }
        setup.put("options", options);
        summary.put("setup", setup);
        for (Topology t : config.topologies()) {
            Map<String, Object> byVariant = new LinkedHashMap<>();
            for (Row r : rows) {
                if (!r.topology().equals(t.label)) continue;
                Map<String, Object> v = new LinkedHashMap<>();
                v.put("trials", r.trials());
                v.put("leader_changes_during_mean", r.changesDuring());
                v.put("leader_changes_after_mean", r.changesAfter());
                v.put("elections_during_mean", r.electionsDuring());
                v.put("throughput_ratio_median", r.throughputRatio());
                v.put("longest_gap_ms_median", r.longestGapMedianMs());
                v.put("longest_gap_ms_max", r.longestGapMaxMs());
                v.put("settled", r.settled());
                v.put("violations", r.violations());
                v.put("published", published(r.variant(), t).says());
                v.put("agrees", agrees(r, t));
                byVariant.put(r.variant(), v);
            }
            summary.put(t.label, byVariant);
        }
        Files.writeString(tmp.resolve("summary.json"), JSON.writeValueAsString(summary), StandardCharsets.UTF_8);
        Files.writeString(tmp.resolve("report.md"), report, StandardCharsets.UTF_8);
        chart(rows, config, "leader-changes", "leader changes during the partition (mean per trial)", "leader changes",
                Row::changesDuring, tmp);
        chart(rows, config, "throughput-ratio", "throughput during the partition / before (median)", "fraction",
                Row::throughputRatio, tmp);
        chart(rows, config, "longest-gap", "longest time without a commit (median)", "ms", Row::longestGapMedianMs, tmp);
        if (Files.exists(out)) throw new IOException(out + " exists already; choose another --out");
        Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void chart(List<Row> rows, Config config, String stem, String title, String yAxis,
            java.util.function.ToDoubleFunction<Row> value, Path dir) throws IOException {
        CategoryChart c = new CategoryChartBuilder().width(Charts.WIDTH + 200).height(Charts.HEIGHT).title(title)
                .xAxisTitle("topology").yAxisTitle(yAxis).build();
        c.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        c.getStyler().setPlotBackgroundColor(java.awt.Color.WHITE);
        c.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideE);
        List<String> topologies = config.topologies().stream().map(t -> t.label).toList();
        int k = 0;
        for (Variant v : config.variants()) {
            List<Double> ys = new ArrayList<>();
            for (String t : topologies) {
                ys.add(rows.stream().filter(r -> r.topology().equals(t) && r.variant().equals(v.label()))
                        .mapToDouble(value).findFirst().orElse(0));
            }
            c.addSeries(v.label(), topologies, ys).setFillColor(Charts.palette(k++));
        }
        Charts.write(new Charts.Drawn(stem, title, c), dir);
    }

    private PartialPartitionExperiment() {}
}
