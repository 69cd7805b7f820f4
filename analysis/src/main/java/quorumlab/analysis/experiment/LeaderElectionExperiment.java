package quorumlab.analysis.experiment;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.IntConsumer;
import org.apache.commons.statistics.descriptive.Mean;
import org.apache.commons.statistics.descriptive.Quantile;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import quorumlab.analysis.charts.Charts;
import quorumlab.protocols.Protocol;
import quorumlab.protocols.runtime.Delay;
import quorumlab.workload.DelaySpec;

/**
 * The Raft paper's Figure 16 (§9.3), and the wide-area run of Ongaro's thesis (ch. 9), run for every
 * protocol asked: many trials per timeout setting, in parallel, each from its own seed, so the
 * results do not depend on the thread count.
 */
public final class LeaderElectionExperiment {
    static final String NAME = "leader-election";

    /**
     * {@code setup}: "paper" (Figure 16) or "wan" (the thesis's wide-area run); {@code failures}:
     * how many servers fail at the crash, one run per value.
     */
    public record Config(List<String> protocols, List<Setting> settings, int trials, int nodes, @JsonIgnore Delay delay, String delaySpec,
            long writeNanos, String writeSpec, boolean preVote, long seed, int threads, String setup, ElectionTrial.Logs logs,
            List<Integer> failures, long capNanos) {
        public Config(List<String> protocols, List<Setting> settings, int trials, int nodes, Delay delay, String delaySpec,
                long writeNanos, String writeSpec, boolean preVote, long seed, int threads) {
            this(protocols, settings, trials, nodes, delay, delaySpec, writeNanos, writeSpec, preVote, seed, threads, "paper",
                    ElectionTrial.Logs.TWO_BEHIND, List.of(1), ElectionTrial.CAP);
        }

        boolean wan() {
            return setup.equals("wan");
        }

        /** As read back from JSON on a worker: the delay from its text, which the JSON carries instead. */
        Config parsed() {
            return new Config(protocols, settings, trials, nodes, DelaySpec.parse(delaySpec), delaySpec, writeNanos, writeSpec, preVote,
                    seed, threads, setup, logs, failures, capNanos);
        }
    }

    record Trial(String protocol, Setting setting, int failures, int index, long seed, ElectionTrial.Outcome outcome) {
        String key() {
            return LeaderElectionExperiment.key(setting, failures);
        }
    }

    /**
     * One protocol, setting and failure count: the statistics of its trials. {@code capped}: trials
     * that reached the safety cap; {@code laggingWins}: trials won by a follower that was behind;
     * {@code meanLearned}: entries learned in phase 1, averaged over those trials;
     * {@code firstCommitMedianMs}: crash to the first new write applied.
     */
    record Row(String protocol, String setting, int trials, double medianMs, double meanMs, double p95Ms, double p999Ms,
            double maxMs, long splitVotes, int capped, int laggingWins, double meanLearned, double firstCommitMedianMs) {}

    /**
     * The paper's broadcast time of roughly 15 ms, split into the network (a request's one-way delay,
     * 1-3 ms) and the durable write a vote or an append must finish before its reply leaves (11 ms):
     * 2 + 11 + 2 = 15. Why this split: docs/leader-election-experiment.md.
     */
    public static final String DEFAULT_DELAY = "uniform(1ms,3ms)";
    public static final String DEFAULT_WRITE = "11ms";
    /** The thesis's wide-area run: one-way delay 30-40 ms, timeouts 300-600 ms; no disk is modelled. */
    public static final String WAN_DELAY = "uniform(30ms,40ms)";
    public static final String WAN_WRITE = "0ms";
    public static final String WAN_SETTING = "300-600";
    /** Defaults that finish in under two minutes on a 2-core machine; --trials 1000 / 10000 for the papers' counts. */
    public static final int WAN_DEFAULT_TRIALS = 2_000;
    public static final int DEFAULT_TRIALS = 300;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public static List<String> defaultSettings() {
        List<String> all = new ArrayList<>(PaperFigure16.RANDOMNESS_SETTINGS);
        for (String s : PaperFigure16.SCALED_SETTINGS) if (!all.contains(s)) all.add(s);
        return all;
    }

    static Setting setting(String text) {
        return Setting.parse(text);
    }

    static String key(Setting s, int failures) {
        return failures == 1 ? s.toString() : s + "/" + failures + "-failed";
    }

    private static List<String> keys(Config config) {
        List<String> keys = new ArrayList<>();
        for (Setting s : config.settings()) for (int f : config.failures()) keys.add(key(s, f));
        return keys;
    }

    /** Runs every trial, here or on the workers ({@code remote}); returns the trials in a fixed order. */
    static List<Trial> runTrials(Config config, Trials.Remote remote, IntConsumer progress) throws Exception {
        return Trials.runAll(NAME, config, tasks(config), Trial.class, config.threads(), remote, progress);
    }

    static List<Trial> runTrials(Config config, IntConsumer progress) throws Exception {
        return runTrials(config, null, progress);
    }

    /** Every trial of the experiment, in a fixed order: a worker rebuilds the same list from the same config. */
    static List<Callable<Trial>> tasks(Config config) {
        List<Protocol> protocols = config.protocols().stream().map(Protocol::byName).toList();
        List<Callable<Trial>> tasks = new ArrayList<>();
        for (Protocol p : protocols) {
            for (Setting s : config.settings()) {
                for (int failures : config.failures()) {
                    ElectionTrial.Spec spec = new ElectionTrial.Spec(p, s, config.nodes(), config.delay(), config.writeNanos(),
                            config.preVote(), config.logs(), failures, config.capNanos());
                    for (int i = 0; i < trialsFor(config, s); i++) {
                        int trial = i;
                        long seed = seedOf(config.seed(), p.name(), key(s, failures), trial);
                        tasks.add(() -> new Trial(p.name(), s, failures, trial, seed, ElectionTrial.run(spec, seed)));
                    }
                }
            }
        }
        return tasks;
    }

    static int trialsFor(Config config, Setting s) {
        return config.wan() ? config.trials() : PaperFigure16.trialsFor(s, config.trials());
    }

    static long seedOf(long base, String protocol, String key, int trial) {
        long h = base;
        for (char c : (protocol + "/" + key).toCharArray()) h = h * 31 + c;
        return h * 1_000_003L + trial;
    }

    static List<Row> rows(List<Trial> trials, Config config) {
        List<Row> rows = new ArrayList<>();
        for (String p : config.protocols()) {
            for (String key : keys(config)) {
                List<Trial> mine = trials.stream().filter(t -> t.protocol().equals(p) && t.key().equals(key)).toList();
                if (mine.isEmpty()) continue;
                double[] ms = mine.stream().mapToDouble(t -> t.outcome().electionMs()).toArray();
                long split = mine.stream().mapToLong(t -> Math.max(0, t.outcome().termsOrBallots() - 1)).sum();
                int capped = (int) mine.stream().filter(t -> t.outcome().censored()).count();
                List<Trial> lagged = mine.stream().filter(t -> t.outcome().winnerLagged()).toList();
                double learned = lagged.stream().mapToInt(t -> t.outcome().learned()).average().orElse(Double.NaN);
                double[] commit = mine.stream().mapToDouble(t -> t.outcome().firstCommitMs()).filter(v -> !Double.isNaN(v)).toArray();
                rows.add(new Row(p, key, ms.length, quantile(ms, 0.5), Mean.of(ms).getAsDouble(), quantile(ms, 0.95),
                        quantile(ms, 0.999), Arrays.stream(ms).max().orElse(Double.NaN), split, capped, lagged.size(), learned,
                        commit.length == 0 ? Double.NaN : quantile(commit, 0.5)));
            }
        }
        return rows;
    }

    private static double quantile(double[] values, double p) {
        return Quantile.withDefaults().evaluate(values.clone(), p);
    }

    /** Writes trials.csv, summary.json, report.md and the CDF charts into {@code out}, atomically. */
    static void write(List<Trial> trials, List<Row> rows, Config config, Path out, double seconds) throws IOException {
        Path tmp = out.resolveSibling("." + out.getFileName() + ".tmp");
        Files.createDirectories(tmp);
        StringBuilder csv = new StringBuilder("protocol,setting,trial,seed,election_ms,terms_or_ballots,split_votes,censored,"
                + "setup,nodes,logs,failures,winner_lagged,learned_in_phase1,first_commit_ms\n");
        for (Trial t : trials) {
            ElectionTrial.Outcome o = t.outcome();
            csv.append(t.protocol()).append(',').append(t.setting()).append(',').append(t.index()).append(',').append(t.seed())
                    .append(',').append(String.format(Locale.ROOT, "%.3f", o.electionMs())).append(',')
                    .append(o.termsOrBallots()).append(',').append(Math.max(0, o.termsOrBallots() - 1))
                    .append(',').append(o.censored()).append(',').append(config.setup()).append(',').append(config.nodes())
                    .append(',').append(config.logs()).append(',').append(t.failures()).append(',').append(o.winnerLagged())
                    .append(',').append(o.learned()).append(',')
                    .append(Double.isNaN(o.firstCommitMs()) ? "" : String.format(Locale.ROOT, "%.3f", o.firstCommitMs())).append('\n');
        }
        Files.writeString(tmp.resolve("trials.csv"), csv, StandardCharsets.UTF_8);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("setup", config.setup());
        summary.put("nodes", config.nodes());
        summary.put("logs", config.logs().toString());
        summary.put("delay", config.delaySpec());
        summary.put("write", config.writeSpec());
        summary.put("seed", config.seed());
        summary.put("safety_cap_s", config.capNanos() / 1e9);
        summary.put("capped_trials", rows.stream().mapToInt(Row::capped).sum());
        summary.put("wall_seconds", seconds);
        Map<String, Map<String, Object>> results = new LinkedHashMap<>();
        for (Row r : rows) {
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("median_ms", r.medianMs());
            v.put("mean_ms", r.meanMs());
            v.put("p95_ms", r.p95Ms());
            v.put("p99_9_ms", r.p999Ms());
            v.put("max_ms", r.maxMs());
            v.put("trials", r.trials());
            v.put("split_votes", r.splitVotes());
            v.put("capped", r.capped());
            v.put("lagging_winner_trials", r.laggingWins());
            v.put("learned_in_phase1_mean", Double.isNaN(r.meanLearned()) ? null : r.meanLearned());
            v.put("first_commit_median_ms", Double.isNaN(r.firstCommitMedianMs()) ? null : r.firstCommitMedianMs());
            for (Published q : published(config, r)) {
                v.put("published_" + q.statistic().replace('.', '_') + "_ms", q.valueMs());
                v.put("difference_" + q.statistic().replace('.', '_') + "_percent", Double.isNaN(diff(q, r)) ? null : diff(q, r));
            }
            results.computeIfAbsent(r.protocol(), k -> new LinkedHashMap<>()).put(r.setting(), v);
        }
        summary.put("results", results);
        Files.writeString(tmp.resolve("summary.json"), JSON.writeValueAsString(summary), StandardCharsets.UTF_8);
        Files.createDirectories(tmp.resolve("charts"));
        for (String p : config.protocols()) {
            if (config.wan()) {
                chart(trials, p, keys(config), "wan", "wide area (thesis ch. 9)", tmp.resolve("charts"));
                continue;
            }
            List<String> randomness = config.settings().stream().filter(s -> PaperFigure16.RANDOMNESS_SETTINGS.contains(s.toString()))
                    .flatMap(s -> config.failures().stream().map(f -> key(s, f))).toList();
            List<String> scaled = config.settings().stream().filter(s -> PaperFigure16.SCALED_SETTINGS.contains(s.toString()))
                    .flatMap(s -> config.failures().stream().map(f -> key(s, f))).toList();
            chart(trials, p, randomness, "randomness", "varying randomness", tmp.resolve("charts"));
            chart(trials, p, scaled, "scaled", "scaling the timeout range", tmp.resolve("charts"));
        }
        Files.writeString(tmp.resolve("report.md"), table(rows, config, seconds), StandardCharsets.UTF_8);
        if (Files.exists(out)) {
            throw new IOException(out + " exists already; choose another --out");
        }
        Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void chart(List<Trial> trials, String protocol, List<String> keys, String stem, String what, Path dir)
            throws IOException {
        if (keys.isEmpty()) return;
        XYChart c = new XYChartBuilder().width(Charts.WIDTH).height(Charts.HEIGHT)
                .title(protocol + ": time to elect a new leader, " + what)
                .xAxisTitle("time without leader (ms, log scale)").yAxisTitle("cumulative percent of trials").build();
        c.getStyler().setXAxisLogarithmic(true);
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        c.getStyler().setPlotBackgroundColor(Color.WHITE);
        c.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideSE);
        int k = 0;
        for (String key : keys) {
            double[] ms = trials.stream().filter(t -> t.protocol().equals(protocol) && t.key().equals(key))
                    .mapToDouble(t -> Math.max(1, t.outcome().electionMs())).sorted().toArray();
            if (ms.length == 0) continue;
            double[] y = new double[ms.length];
            for (int i = 0; i < ms.length; i++) y[i] = 100.0 * (i + 1) / ms.length;
            XYSeries series = c.addSeries(key + " ms", ms, y);
            series.setMarker(SeriesMarkers.NONE);
            series.setLineColor(Charts.palette(k++));
            series.setLineStyle(new BasicStroke(2f));
        }
        String name = dir.resolve(protocol + "-" + stem).toString();
        BitmapEncoder.saveBitmap(c, name, BitmapEncoder.BitmapFormat.PNG);
        VectorGraphicsEncoder.saveVectorGraphic(c, name, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
        VectorGraphicsEncoder.saveVectorGraphic(c, name, VectorGraphicsEncoder.VectorGraphicsFormat.PDF);
    }

    /** A published number to set beside a row: Figure 16's for Raft, the thesis's wide-area run's for both. */
    record Published(String statistic, double valueMs, boolean lowerBound, String source) {}

    static List<Published> published(Config config, Row r) {
        if (config.wan()) {
            return ThesisWideArea.quotedFor(r.setting()).stream()
                    .map(q -> new Published(q.statistic(), q.valueMs(), false, "thesis")).toList();
        }
        if (!r.protocol().equals("raft")) return List.of();
        return PaperFigure16.quotedFor(r.setting()).stream()
                .map(q -> new Published(q.statistic(), q.valueMs(), q.lowerBound(), q.source())).toList();
    }

    private static double ours(Published q, Row r) {
        return switch (q.statistic()) {
            case "median" -> r.medianMs();
            case "mean" -> r.meanMs();
            case "p99.9" -> r.p999Ms();
            default -> r.maxMs();
        };
    }

    /** Ours against the published value, in percent of the published value (NaN for a lower bound). */
    static double diff(Published q, Row r) {
        return q.lowerBound() ? Double.NaN : 100 * (ours(q, r) - q.valueMs()) / q.valueMs();
    }

    static String table(List<Row> rows, Config config, double seconds) {
        StringBuilder md = new StringBuilder(config.wan()
                ? "# Leader election over a wide area (Ongaro's thesis, ch. 9), reproduced\n\n"
                : "# Leader election (Raft paper, Figure 16), reproduced\n\n");
        int capped = rows.stream().mapToInt(Row::capped).sum();
        md.append(String.format(Locale.ROOT, "%d nodes, logs %s, %d trials per setting%s, per-message delay %s, "
                + "durable write before a vote or append reply %s, heartbeat = floor(min/2), seed %d%s; "
                + "safety cap %.0f s of virtual time (trials that reached it: %d); ran in %.1f s.%n%n",
                config.nodes(), config.logs(), config.trials(),
                config.wan() ? "" : " (150-150: " + PaperFigure16.trialsFor(new Setting(150, 150), config.trials()) + ", as in the paper)",
                config.delaySpec(), config.writeSpec(), config.seed(), config.preVote() ? ", Raft with preVote" : "",
                config.capNanos() / 1e9, capped, seconds));
        md.append("| protocol | setting (ms) | trials | median | mean | p95 | p99.9 | max | split votes / failed ballots | capped "
                + "| lagging winner | learned in phase 1 | first new commit (median) | published | difference |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            StringBuilder paper = new StringBuilder();
            StringBuilder diff = new StringBuilder();
            for (Published q : published(config, r)) {
                if (paper.length() > 0) { paper.append("; "); diff.append("; "); }
                paper.append(q.statistic()).append(q.lowerBound() ? " > " : " ").append(fmt(q.valueMs()))
                        .append(q.source().isEmpty() ? "" : " (" + q.source() + ")");
                double ours = ours(q, r);
                diff.append(q.lowerBound() ? (ours > q.valueMs() ? "holds" : "ours lower: " + fmt(ours))
                        : String.format(Locale.ROOT, "%+.0f%%", diff(q, r)));
            }
            md.append("| ").append(r.protocol()).append(" | ").append(r.setting()).append(" | ").append(r.trials()).append(" | ")
                    .append(fmt(r.medianMs())).append(" | ").append(fmt(r.meanMs())).append(" | ").append(fmt(r.p95Ms()))
                    .append(" | ").append(fmt(r.p999Ms())).append(" | ").append(fmt(r.maxMs())).append(" | ").append(r.splitVotes())
                    .append(" | ").append(r.capped()).append(" | ").append(r.laggingWins()).append(" | ")
                    .append(Double.isNaN(r.meanLearned()) ? "" : String.format(Locale.ROOT, "%.1f", r.meanLearned())).append(" | ")
                    .append(Double.isNaN(r.firstCommitMedianMs()) ? "" : fmt(r.firstCommitMedianMs())).append(" | ")
                    .append(paper).append(" | ").append(diff).append(" |\n");
        }
        md.append("\nTimes in ms, from the crash to a new leader (Raft: won a majority of votes; Multi-Paxos: finished phase 1). "
                + "Trials run until a leader is elected; one that has elected none after the safety cap stops there, counts at the cap, "
                + "and is listed under *capped*. *Lagging winner*: trials won by a follower that had missed the leader's last entry "
                + "(Raft's election restriction forbids it); *learned in phase 1*: entries such a winner had not accepted and learned "
                + "from the promises, mean over those trials; *first new commit*: from the crash until a write sent to the new leader "
                + "when it was established is applied.");
        md.append(config.wan() ? " The published numbers are Raft's (the thesis simulated Raft only); the difference is shown for "
                + "Multi-Paxos too, as a comparison, not as a check.\n" : "\n");
        return md.toString();
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.0f", v);
    }

    private LeaderElectionExperiment() {}
}
