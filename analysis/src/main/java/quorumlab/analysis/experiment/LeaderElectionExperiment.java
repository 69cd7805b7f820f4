package quorumlab.analysis.experiment;

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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
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

/**
 * The Raft paper's Figure 16 (§9.3), run for every protocol asked: many trials per timeout
 * setting, in parallel, each from its own seed, so the results do not depend on the thread count.
 */
public final class LeaderElectionExperiment {
    public record Config(List<String> protocols, List<Setting> settings, int trials, int nodes, Delay delay, String delaySpec,
            long writeNanos, String writeSpec,
            boolean preVote, long seed, int threads) {}

    record Trial(String protocol, Setting setting, int index, long seed, ElectionTrial.Outcome outcome) {}

    /** One protocol and setting: the statistics of its trials. */
    record Row(String protocol, String setting, int trials, double medianMs, double meanMs, double p95Ms, double maxMs,
            long splitVotes, int censored) {}

    /**
     * The paper's broadcast time of roughly 15 ms, split into the network (a request's one-way delay,
     * 1-3 ms) and the durable write a vote or an append must finish before its reply leaves (11 ms):
     * 2 + 11 + 2 = 15. Why this split: docs/leader-election-experiment.md.
     */
    public static final String DEFAULT_DELAY = "uniform(1ms,3ms)";
    public static final String DEFAULT_WRITE = "11ms";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public static List<String> defaultSettings() {
        List<String> all = new ArrayList<>(PaperFigure16.RANDOMNESS_SETTINGS);
        for (String s : PaperFigure16.SCALED_SETTINGS) if (!all.contains(s)) all.add(s);
        return all;
    }

    static Setting setting(String text) {
        return Setting.parse(text);
    }

    /** Runs every trial; returns the rows, and the trials in a fixed order. */
    static List<Trial> runTrials(Config config, IntConsumer progress) throws Exception {
        List<Protocol> protocols = config.protocols().stream().map(Protocol::byName).toList();
        ExecutorService pool = Executors.newFixedThreadPool(config.threads());
        try {
            List<Future<Trial>> futures = new ArrayList<>();
            AtomicInteger done = new AtomicInteger();
            for (Protocol p : protocols) {
                for (Setting s : config.settings()) {
                    for (int i = 0; i < PaperFigure16.trialsFor(s, config.trials()); i++) {
                        int trial = i;
                        long seed = seedOf(config.seed(), p.name(), s, trial);
                        futures.add(pool.submit(() -> {
                            Trial t = new Trial(p.name(), s, trial, seed,
                                    ElectionTrial.run(p, s, config.nodes(), config.delay(), config.writeNanos(), config.preVote(), seed));
                            progress.accept(done.incrementAndGet());
                            return t;
                        }));
                    }
                }
            }
            List<Trial> trials = new ArrayList<>();
            for (Future<Trial> f : futures) trials.add(f.get());
            return trials;
        } finally {
            pool.shutdownNow();
        }
    }

    static long seedOf(long base, String protocol, Setting s, int trial) {
        long h = base;
        for (char c : (protocol + "/" + s).toCharArray()) h = h * 31 + c;
        return h * 1_000_003L + trial;
    }

    static List<Row> rows(List<Trial> trials, Config config) {
        List<Row> rows = new ArrayList<>();
        for (String p : config.protocols()) {
            for (Setting s : config.settings()) {
                List<Trial> mine = trials.stream().filter(t -> t.protocol().equals(p) && t.setting().equals(s)).toList();
                double[] ms = mine.stream().mapToDouble(t -> t.outcome().electionMs()).toArray();
                long split = mine.stream().mapToLong(t -> Math.max(0, t.outcome().termsOrBallots() - 1)).sum();
                int censored = (int) mine.stream().filter(t -> t.outcome().censored()).count();
                rows.add(new Row(p, s.toString(), ms.length, quantile(ms, 0.5), Mean.of(ms).getAsDouble(), quantile(ms, 0.95),
                        Arrays.stream(ms).max().orElse(Double.NaN), split, censored));
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
        StringBuilder csv = new StringBuilder("protocol,setting,trial,seed,election_ms,terms_or_ballots,split_votes,censored\n");
        for (Trial t : trials) {
            csv.append(t.protocol()).append(',').append(t.setting()).append(',').append(t.index()).append(',').append(t.seed())
                    .append(',').append(String.format(Locale.ROOT, "%.3f", t.outcome().electionMs())).append(',')
                    .append(t.outcome().termsOrBallots()).append(',').append(Math.max(0, t.outcome().termsOrBallots() - 1))
                    .append(',').append(t.outcome().censored()).append('\n');
        }
        Files.writeString(tmp.resolve("trials.csv"), csv, StandardCharsets.UTF_8);
        Map<String, Map<String, Object>> summary = new LinkedHashMap<>();
        for (Row r : rows) {
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("median_ms", r.medianMs());
            v.put("mean_ms", r.meanMs());
            v.put("p95_ms", r.p95Ms());
            v.put("max_ms", r.maxMs());
            v.put("trials", r.trials());
            v.put("split_votes", r.splitVotes());
            v.put("censored", r.censored());
            summary.computeIfAbsent(r.protocol(), k -> new LinkedHashMap<>()).put(r.setting(), v);
        }
        Files.writeString(tmp.resolve("summary.json"), JSON.writeValueAsString(summary), StandardCharsets.UTF_8);
        Files.createDirectories(tmp.resolve("charts"));
        for (String p : config.protocols()) {
            chart(trials, p, config.settings().stream().filter(s -> PaperFigure16.RANDOMNESS_SETTINGS.contains(s.toString())).toList(),
                    "randomness", "varying randomness", tmp.resolve("charts"));
            chart(trials, p, config.settings().stream().filter(s -> PaperFigure16.SCALED_SETTINGS.contains(s.toString())).toList(),
                    "scaled", "scaling the timeout range", tmp.resolve("charts"));
        }
        Files.writeString(tmp.resolve("report.md"), table(rows, config, seconds), StandardCharsets.UTF_8);
        if (Files.exists(out)) {
            throw new IOException(out + " exists already; choose another --out");
        }
        Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void chart(List<Trial> trials, String protocol, List<Setting> settings, String stem, String what, Path dir)
            throws IOException {
        if (settings.isEmpty()) return;
        XYChart c = new XYChartBuilder().width(Charts.WIDTH).height(Charts.HEIGHT)
                .title(protocol + ": time to elect a new leader, " + what)
                .xAxisTitle("time without leader (ms, log scale)").yAxisTitle("cumulative percent of trials").build();
        c.getStyler().setXAxisLogarithmic(true);
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        c.getStyler().setPlotBackgroundColor(Color.WHITE);
        c.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideSE);
        int k = 0;
        for (Setting s : settings) {
            double[] ms = trials.stream().filter(t -> t.protocol().equals(protocol) && t.setting().equals(s))
                    .mapToDouble(t -> Math.max(1, t.outcome().electionMs())).sorted().toArray();
            if (ms.length == 0) continue;
            double[] y = new double[ms.length];
            for (int i = 0; i < ms.length; i++) y[i] = 100.0 * (i + 1) / ms.length;
            XYSeries series = c.addSeries(s + " ms", ms, y);
            series.setMarker(SeriesMarkers.NONE);
            series.setLineColor(Charts.palette(k++));
            series.setLineStyle(new BasicStroke(2f));
        }
        String name = dir.resolve(protocol + "-" + stem).toString();
        BitmapEncoder.saveBitmap(c, name, BitmapEncoder.BitmapFormat.PNG);
        VectorGraphicsEncoder.saveVectorGraphic(c, name, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
    }

    static String table(List<Row> rows, Config config, double seconds) {
        StringBuilder md = new StringBuilder("# Leader election (Raft paper, Figure 16), reproduced\n\n");
        md.append(String.format(Locale.ROOT, "%d nodes, %d trials per setting (150-150: %d, as in the paper), per-message delay %s, "
                + "durable write before a vote or append reply %s, heartbeat = floor(min/2), seed %d%s; ran in %.1f s.%n%n", config.nodes(), config.trials(),
                PaperFigure16.trialsFor(new Setting(150, 150), config.trials()), config.delaySpec(), config.writeSpec(), config.seed(),
                config.preVote() ? ", Raft with preVote" : "", seconds));
        md.append("| protocol | setting (ms) | trials | median | mean | p95 | max | split votes / failed ballots | censored | paper says | difference |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            StringBuilder paper = new StringBuilder();
            StringBuilder diff = new StringBuilder();
            if (r.protocol().equals("raft")) {
                for (PaperFigure16.Quoted q : PaperFigure16.quotedFor(r.setting())) {
                    double ours = switch (q.statistic()) {
                        case "median" -> r.medianMs();
                        case "mean" -> r.meanMs();
                        default -> r.maxMs();
                    };
                    if (paper.length() > 0) { paper.append("; "); diff.append("; "); }
                    paper.append(q.statistic()).append(q.lowerBound() ? " > " : " ").append(fmt(q.valueMs()));
                    diff.append(q.lowerBound() ? (ours > q.valueMs() ? "holds" : "ours lower: " + fmt(ours))
                            : String.format(Locale.ROOT, "%+.0f%%", 100 * (ours - q.valueMs()) / q.valueMs()));
                }
            }
            md.append("| ").append(r.protocol()).append(" | ").append(r.setting()).append(" | ").append(r.trials()).append(" | ")
                    .append(fmt(r.medianMs())).append(" | ").append(fmt(r.meanMs())).append(" | ").append(fmt(r.p95Ms()))
                    .append(" | ").append(fmt(r.maxMs())).append(" | ").append(r.splitVotes()).append(" | ").append(r.censored())
                    .append(" | ").append(paper).append(" | ").append(diff).append(" |\n");
        }
        md.append("\nTimes in ms, from the crash to a new leader (Raft: won a majority of votes; Multi-Paxos: finished phase 1). "
                + "A censored trial elected no leader within " + ElectionTrial.CAP / ElectionTrial.MS / 1000 + " s of virtual time "
                + "and counts at that cap.\n");
        return md.toString();
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.0f", v);
    }

    private LeaderElectionExperiment() {}
}
