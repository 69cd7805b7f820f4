package quorumlab.analysis.charts;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.HdrHistogram.Histogram;
import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import quorumlab.analysis.metrics.LatencySample;
import quorumlab.analysis.metrics.Phases;
import quorumlab.analysis.metrics.RunMetrics;
import quorumlab.analysis.metrics.Stat;
import quorumlab.analysis.metrics.Summary;
import quorumlab.protocols.MessageCategory;

/**
 * The report's charts, styled for print: one Okabe–Ito colour per protocol kept across every chart,
 * fault windows as grey bands. Each chart is written as PNG, SVG and PDF.
 */
public final class Charts {
    public static final int WIDTH = 900;
    public static final int HEIGHT = 520;
    private static final Color[] OKABE_ITO = {
        new Color(0x0072B2), new Color(0xD55E00), new Color(0x009E73), new Color(0xCC79A7),
        new Color(0xE69F00), new Color(0x56B4E9), new Color(0xF0E442)};
    private static final Color FAULT = new Color(0, 0, 0, 28);

    private Charts() {}

    /** The {@code i}-th colour of the Okabe–Ito palette, cycling (for one curve per setting). */
    public static Color palette(int i) {
        return OKABE_ITO[Math.floorMod(i, OKABE_ITO.length)];
    }

    /** raft and multi-paxos always get the same colours; any other protocol the next free one. */
    public static Color colour(String protocol) {
        return switch (protocol) {
            case "raft" -> OKABE_ITO[0];
            case "multi-paxos" -> OKABE_ITO[1];
            default -> OKABE_ITO[2 + Math.floorMod(protocol.hashCode(), OKABE_ITO.length - 2)];
        };
    }

    /** A chart to draw: its file stem, title and the chart itself. */
    public record Drawn(String stem, String title, Chart<?, ?> chart) {}

    public static void write(Drawn d, Path dir) throws IOException {
        BitmapEncoder.saveBitmap(d.chart(), dir.resolve(d.stem()).toString(), BitmapEncoder.BitmapFormat.PNG);
        VectorGraphicsEncoder.saveVectorGraphic(d.chart(), dir.resolve(d.stem()).toString(), VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
        VectorGraphicsEncoder.saveVectorGraphic(d.chart(), dir.resolve(d.stem()).toString(), VectorGraphicsEncoder.VectorGraphicsFormat.PDF);
    }

    private static void style(Styler s) {
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        s.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        s.setLegendPosition(Styler.LegendPosition.InsideNE);
        s.setAntiAlias(true);
    }

    private static XYChart xy(String title, String x, String y) {
        XYChart c = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(x).yAxisTitle(y).build();
        style(c.getStyler());
        c.getStyler().setMarkerSize(4);
        c.getStyler().setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        return c;
    }

    private static XYSeries line(XYChart c, String name, double[] x, double[] y, String protocol) {
        XYSeries s = c.addSeries(name, x, y);
        s.setLineColor(colour(protocol));
        s.setMarkerColor(colour(protocol));
        s.setMarker(SeriesMarkers.NONE);
        s.setLineWidth(2f);
        return s;
    }

    /** Fault windows as grey areas up to {@code top}; one legend entry. */
    private static void faultBands(XYChart c, List<RunMetrics.Window> windows, double top) {
        int k = 0;
        for (RunMetrics.Window w : windows) {
            XYSeries s = c.addSeries(k == 0 ? "fault window" : "fault " + k, new double[] {w.startMs() / 1000, w.endMs() / 1000},
                    new double[] {top, top});
            s.setXYSeriesRenderStyle(org.knowm.xchart.XYSeries.XYSeriesRenderStyle.Area);
            s.setFillColor(FAULT);
            s.setLineColor(FAULT);
            s.setMarker(SeriesMarkers.NONE);
            s.setShowInLegend(k == 0);
            k++;
        }
    }

    /** An empty chart says why instead of failing: a log axis cannot draw nothing, and a reader should know. */
    private static void emptyNote(XYChart c, String why) {
        XYSeries s = c.addSeries(why, new double[] {1}, new double[] {1});
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(new Color(0, 0, 0, 0));
        c.addAnnotation(new AnnotationText(why, WIDTH / 2.0, HEIGHT / 2.0, true));
    }

    private static boolean hasData(Map<String, List<RunMetrics>> runs, java.util.function.Predicate<RunMetrics> any) {
        return runs.values().stream().flatMap(List::stream).anyMatch(any);
    }

    /**
     * Latency by percentile, HdrHistogram style: x = 1/(1-p) and latency both on log axes; one thin
     * line per seed, and the seeds merged in bold.
     */
    public static Drawn latencyPercentiles(Map<String, List<RunMetrics>> runs) {
        XYChart c = xy("Latency by percentile (thin: one seed; bold: all seeds merged)",
                "Percentile as 1/(1-p), log scale: 10 = 90%, 100 = 99%, 1000 = 99.9%", "Latency (ms), log scale");
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        if (!hasData(runs, m -> m.latency.getTotalCount() > 0)) {
            emptyNote(c, "no command committed in the measurement window");
            return new Drawn("latency-percentiles", "Latency by percentile", c);
        }
        c.getStyler().setXAxisLogarithmic(true);
        c.getStyler().setYAxisLogarithmic(true);
        runs.forEach((protocol, list) -> {
            for (int i = 0; i < list.size(); i++) {
                double[][] xy = percentileCurve(list.get(i).latency);
                if (xy[0].length == 0) continue;
                XYSeries s = line(c, protocol + " seed " + (i + 1), xy[0], xy[1], protocol);
                s.setLineWidth(0.7f);
                s.setShowInLegend(false);
            }
            double[][] merged = percentileCurve(merged(list));
            if (merged[0].length > 0) line(c, protocol + " (all seeds)", merged[0], merged[1], protocol).setLineWidth(3f);
        });
        return new Drawn("latency-percentiles", "Latency by percentile", c);
    }

    private static double[][] percentileCurve(Histogram h) {
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        if (h.getTotalCount() > 0) {
            h.percentiles(5).forEach(v -> {
                double p = v.getPercentileLevelIteratedTo() / 100;
                if (p >= 1) return;
                xs.add(1 / (1 - p));
                ys.add(Math.max(1e-3, v.getValueIteratedTo() / 1e6));
            });
        }
        return new double[][] {toArray(xs), toArray(ys)};
    }

    /**
     * Latency of each committed command against its completion time (first seed, window only). A
     * long run draws, per slice of the window, its fastest and slowest command (the title says so).
     */
    public static Drawn latencyOverTime(Map<String, List<RunMetrics>> runs) {
        boolean sampled = runs.values().stream().anyMatch(l -> l.get(0).latencyOverTime.sampled());
        XYChart c = xy("Latency over time (first seed; " + (sampled ? "per 1/" + LatencySample.BUCKETS + " of the window: fastest and slowest"
                : "every command") + "; grey: fault windows)", "Time since the run began (s)", "Latency (ms)");
        if (!hasData(runs, m -> !m.latencyOverTime.isEmpty())) {
            emptyNote(c, "no command committed in the measurement window");
            return new Drawn("latency-over-time", "Latency over time", c);
        }
        Map<String, List<double[]>> points = new LinkedHashMap<>();
        runs.forEach((protocol, list) -> points.put(protocol, list.get(0).latencyOverTime.points()));
        double top = 1;
        for (List<double[]> l : points.values()) for (double[] p : l) top = Math.max(top, p[1]);
        c.getStyler().setYAxisMin(0.0);
        faultBands(c, firstWindows(runs), top * 1.05);
        points.forEach((protocol, pts) -> {
            if (pts.isEmpty()) return;
            XYSeries s = line(c, protocol, pts.stream().mapToDouble(p -> p[0] / 1000).toArray(),
                    pts.stream().mapToDouble(p -> p[1]).toArray(), protocol);
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            s.setMarker(SeriesMarkers.CIRCLE);
        });
        return new Drawn("latency-over-time", "Latency over time", c);
    }

    /** A bucket width that gives about 75 buckets over {@code spanNanos}, rounded to 1, 2 or 5 × 10^k ns. */
    static long bucketNanos(long spanNanos) {
        double raw = Math.max(1, spanNanos / 75.0);
        double decade = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double step : new double[] {1, 2, 5, 10}) if (step * decade >= raw) return (long) (step * decade);
        return (long) (10 * decade);
    }

    /**
     * Commands committed per second, in buckets sized to the run (about 75), over the whole run from
     * 0: warm-up and drain included and marked, y from 0, the last (shorter) bucket divided by its
     * own length rather than dropped.
     */
    public static Drawn throughputOverTime(Map<String, List<RunMetrics>> runs) {
        long end = runs.values().stream().mapToLong(l -> l.get(0).phases.traceEnd()).max().orElse(0);
        long bucket = bucketNanos(end);
        XYChart c = xy("Throughput over time (first seed; " + fmtDuration(bucket) + " buckets; grey: fault windows)",
                "Time since the run began (s)", "Commands committed per second");
        c.getStyler().setYAxisMin(0.0);
        if (!hasData(runs, m -> m.commitsOverTime.total() > 0)) {
            emptyNote(c, "no command committed in this run");
            return new Drawn("throughput-over-time", "Throughput over time", c);
        }
        double top = 1;
        Map<String, double[][]> series = new LinkedHashMap<>();
        int buckets = (int) Math.max(1, (end + bucket - 1) / bucket);
        for (var e : runs.entrySet()) {
            long[] counts = e.getValue().get(0).commitsOverTime.counts(bucket, buckets);
            double[] x = new double[buckets + 1];
            double[] y = new double[buckets + 1];
            for (int b = 0; b < buckets; b++) {
                long from = b * bucket;
                long to = Math.min(end, from + bucket);
                x[b] = from / 1e9;
                y[b] = counts[b] / Math.max(1e-9, (to - from) / 1e9);
                top = Math.max(top, y[b]);
            }
            x[buckets] = end / 1e9;
            y[buckets] = y[buckets - 1];
            series.put(e.getKey(), new double[][] {x, y});
        }
        faultBands(c, firstWindows(runs), top * 1.05);
        Phases ph = runs.values().iterator().next().get(0).phases;
        c.addAnnotation(new AnnotationLine(ph.windowStart() / 1e9, true, false));
        c.addAnnotation(new AnnotationLine(ph.windowEnd() / 1e9, true, false));
        series.forEach((protocol, xy) -> line(c, protocol, xy[0], xy[1], protocol).setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Step));
        return new Drawn("throughput-over-time", "Throughput over time", c);
    }

    /** Empirical CDF from 0, per protocol, events of all seeds pooled; says how many events it holds. */
    private static Drawn cdf(String stem, String title, String xLabel, Map<String, List<Double>> values, boolean logX, String none) {
        Map<String, double[][]> steps = new LinkedHashMap<>();
        values.forEach((protocol, list) -> {
            List<Double> v = new ArrayList<>(list);
            v.removeIf(d -> d.isNaN() || (logX && d <= 0));
            v.sort(null);
            double[] x = new double[v.size()];
            double[] y = new double[v.size()];
            for (int i = 0; i < v.size(); i++) {
                x[i] = v.get(i);
                y[i] = (i + 1) / (double) v.size();
            }
            steps.put(protocol, new double[][] {x, y, {v.size()}});
        });
        return cdfSteps(stem, title, xLabel, steps, logX, none);
    }

    /** A CDF drawn from its steps: per protocol {x ascending, fraction ≤ x, {n}}. */
    private static Drawn cdfSteps(String stem, String title, String xLabel, Map<String, double[][]> steps, boolean logX, String none) {
        XYChart c = xy(title, xLabel, "Fraction ≤ x");
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        c.getStyler().setYAxisMin(0.0);
        c.getStyler().setYAxisMax(1.0);
        if (steps.values().stream().allMatch(s -> s[0].length == 0)) {
            emptyNote(c, none);
            return new Drawn(stem, title, c);
        }
        if (logX) c.getStyler().setXAxisLogarithmic(true);
        steps.forEach((protocol, s) -> {
            if (s[0].length == 0) return;
            double origin = logX ? s[0][0] : 0;
            double[] x = new double[s[0].length + 1];
            double[] y = new double[s[0].length + 1];
            x[0] = origin;
            System.arraycopy(s[0], 0, x, 1, s[0].length);
            System.arraycopy(s[1], 0, y, 1, s[1].length);
            line(c, protocol + " (n=" + (long) s[2][0] + ")", x, y, protocol).setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Step);
        });
        if (!logX) c.getStyler().setXAxisMin(0.0);
        return new Drawn(stem, title, c);
    }

    public static Drawn electionCdf(Map<String, List<RunMetrics>> runs) {
        Map<String, List<Double>> v = new LinkedHashMap<>();
        runs.forEach((p, l) -> v.put(p, l.stream().flatMap(m -> m.electionMs().stream()).toList()));
        int n = v.values().stream().mapToInt(List::size).sum();
        return cdf("election-cdf", "Election time CDF (" + n + " elections, all seeds)", "Election time (ms)", v, false,
                "no elections in this run");
    }

    /**
     * Gap lifetimes from the runs' histograms (3 significant digits), one step per histogram bucket
     * holding a gap, at the bucket's highest value: every gap counts, to that resolution.
     */
    public static Drawn gapLifetimeCdf(Map<String, List<RunMetrics>> runs) {
        Map<String, double[][]> steps = new LinkedHashMap<>();
        long n = 0;
        for (var e : runs.entrySet()) {
            Histogram all = new Histogram(RunMetrics.HIGHEST_TRACKABLE, 3);
            e.getValue().forEach(m -> all.add(m.gapLifetimes));
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            long total = all.getTotalCount();
            long seen = 0;
            for (var v : all.recordedValues()) {
                seen += v.getCountAtValueIteratedTo();
                xs.add(all.highestEquivalentValue(v.getValueIteratedTo()) / 1e6);
                ys.add(seen / (double) total);
            }
            n += total;
            steps.put(e.getKey(), new double[][] {toArray(xs), toArray(ys), {total}});
        }
        Drawn d = cdfSteps("gap-lifetime-cdf", "Gap lifetime CDF (" + n + " gaps, all seeds)", "Gap lifetime (ms), log scale", steps, true,
                "no gaps in this run: every node learned every index in order");
        if (d.chart() instanceof XYChart c && n > 0) c.getStyler().setXAxisDecimalPattern("#,##0.###");
        return d;
    }

    /**
     * The ordering difference, per node over the window of the first seed: how many entries the node
     * holds that still wait. Multi-Paxos: chosen but not applied (a lower slot is open); Raft:
     * appended but not committed (commit is in order, so nothing committed ever waits). One chart per
     * protocol, on one y scale, so the two can be set side by side.
     */
    public static List<Drawn> waiting(Map<String, List<RunMetrics>> runs) {
        long top = 1;
        for (List<RunMetrics> l : runs.values()) {
            RunMetrics.Waiting w = l.get(0).waiting;
            if (w != null) for (long[] v : w.values().values()) for (long x : v) top = Math.max(top, x);
        }
        List<Drawn> out = new ArrayList<>();
        for (var e : runs.entrySet()) {
            String protocol = e.getKey();
            RunMetrics.Waiting w = e.getValue().get(0).waiting;
            String what = w == null ? "waiting" : w.what();
            XYChart c = xy(protocol + ": entries " + what + ", per node (first seed)", "Time since the run began (s)",
                    "Entries " + what);
            c.getStyler().setYAxisMin(0.0);
            c.getStyler().setYAxisMax(top * 1.1);
            c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
            if (w == null || w.values().isEmpty() || w.endMs() <= w.startMs()) {
                emptyNote(c, "no measurement window in this run");
            } else {
                faultBands(c, firstWindows(runs), top * 1.1);
                int k = 0;
                for (var node : w.values().entrySet()) {
                    long[] v = node.getValue();
                    double[] x = new double[v.length];
                    double[] y = new double[v.length];
                    for (int i = 0; i < v.length; i++) {
                        x[i] = (w.startMs() + (w.endMs() - w.startMs()) * i / v.length) / 1000;
                        y[i] = v[i];
                    }
                    XYSeries s = c.addSeries(node.getKey().toString(), x, y);
                    s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Step);
                    s.setMarker(SeriesMarkers.NONE);
                    s.setLineColor(shade(colour(protocol), k++, w.values().size()));
                    s.setLineWidth(1.5f);
                }
            }
            out.add(new Drawn("ordering-" + protocol, protocol + ": entries " + what, c));
        }
        return out;
    }

    private static Color shade(Color base, int i, int n) {
        float f = n <= 1 ? 0 : 0.55f * i / (n - 1);
        return new Color(Math.round(base.getRed() + (255 - base.getRed()) * f), Math.round(base.getGreen() + (255 - base.getGreen()) * f),
                Math.round(base.getBlue() + (255 - base.getBlue()) * f));
    }

    /**
     * Summary values with their 95% intervals as dots and whiskers: one group per metric (labelled
     * at the top), the protocols side by side in each, n beside each dot. The whiskers are the
     * bootstrap interval's own bounds, so they never leave the metric's domain.
     */
    public static Drawn statDots(String stem, String title, String yLabel, Map<String, Map<String, Stat>> byMetric,
            Map<String, String> metricLabels) {
        XYChart c = xy(title, "", yLabel);
        c.getStyler().setYAxisMin(0.0);
        c.getStyler().setMarkerSize(11);
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        c.getStyler().setXAxisTicksVisible(false);
        List<String> protocols = new ArrayList<>();
        byMetric.values().forEach(m -> m.keySet().forEach(p -> { if (!protocols.contains(p)) protocols.add(p); }));
        List<String> metrics = new ArrayList<>(byMetric.keySet());
        double top = 1;
        for (Map<String, Stat> m : byMetric.values()) {
            for (Stat st : m.values()) if (st != null && st.defined()) top = Math.max(top, Double.isNaN(st.ciHigh()) ? st.value() : st.ciHigh());
        }
        c.getStyler().setYAxisMax(top * 1.15);
        boolean any = false;
        for (int i = 0; i < protocols.size(); i++) {
            String protocol = protocols.get(i);
            double offset = (i - (protocols.size() - 1) / 2.0) * 0.18;
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (int k = 0; k < metrics.size(); k++) {
                Stat st = byMetric.get(metrics.get(k)).get(protocol);
                if (st == null || !st.defined()) continue;
                double x = k + 1 + offset;
                xs.add(x);
                ys.add(st.value());
                c.addAnnotation(new AnnotationText("n=" + st.n(), x + 0.07, st.value(), false));
                if (!Double.isNaN(st.ciLow())) {
                    XYSeries whisker = c.addSeries(protocol + " " + metrics.get(k) + " interval", new double[] {x, x},
                            new double[] {st.ciLow(), st.ciHigh()});
                    whisker.setMarker(SeriesMarkers.NONE);
                    whisker.setLineColor(colour(protocol));
                    whisker.setLineWidth(2.5f);
                    whisker.setShowInLegend(false);
                }
            }
            if (xs.isEmpty()) continue;
            any = true;
            XYSeries dots = c.addSeries(protocol, toArray(xs), toArray(ys));
            dots.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            dots.setMarker(SeriesMarkers.CIRCLE);
            dots.setMarkerColor(colour(protocol));
        }
        if (!any) emptyNote(c, "no leader changes in this run");
        for (int k = 0; k < metrics.size(); k++) {
            c.addAnnotation(new AnnotationText(metricLabels.getOrDefault(metrics.get(k), metrics.get(k)), k + 1, top * 1.08, false));
        }
        c.getStyler().setXAxisMin(0.5);
        c.getStyler().setXAxisMax(metrics.size() + 0.5);
        return new Drawn(stem, title, c);
    }

    /** Messages per committed command, stacked by the categories both protocols share (mean over seeds). */
    public static Drawn messagesByCategory(Map<String, List<RunMetrics>> runs) {
        CategoryChart c = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
                .title("Messages per committed command, by category (mean over seeds)")
                .xAxisTitle("Protocol").yAxisTitle("Messages per committed command").build();
        style(c.getStyler());
        c.getStyler().setStacked(true);
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        List<String> protocols = new ArrayList<>(runs.keySet());
        int k = 0;
        for (MessageCategory category : MessageCategory.values()) {
            List<Double> ys = new ArrayList<>();
            boolean any = false;
            for (String p : protocols) {
                double[] v = runs.get(p).stream().mapToDouble(m -> m.messagesPerCommit(category.label())).filter(d -> !Double.isNaN(d)).toArray();
                double mean = v.length == 0 ? 0 : java.util.Arrays.stream(v).average().orElse(0);
                any |= mean > 0;
                ys.add(mean);
            }
            if (!any && category != MessageCategory.REPLICATION) continue;
            c.addSeries(category.label(), protocols, ys).setFillColor(palette(k++ + 2));
        }
        return new Drawn("messages-per-commit", "Messages per committed command", c);
    }

    /** Messages each node sent per second of the window (mean over seeds): the leader bottleneck. */
    public static Drawn messagesByNode(Map<String, List<RunMetrics>> runs) {
        CategoryChart c = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title("Messages sent per second, by node (mean over seeds)")
                .xAxisTitle("Node").yAxisTitle("Messages per second").build();
        style(c.getStyler());
        TreeSet<String> nodes = new TreeSet<>(java.util.Comparator.comparingInt((String s) -> s.length()).thenComparing(s -> s));
        runs.values().forEach(l -> l.forEach(m -> m.messagesByNode.keySet().forEach(n -> nodes.add(n.toString()))));
        if (nodes.isEmpty()) nodes.add("none");
        List<String> xs = new ArrayList<>(nodes);
        runs.forEach((protocol, list) -> {
            List<Double> ys = new ArrayList<>();
            for (String n : xs) {
                double sum = 0;
                for (RunMetrics m : list) {
                    double w = m.phases.windowMs() / 1000;
                    Long v = m.messagesByNode.entrySet().stream().filter(e -> e.getKey().toString().equals(n)).map(Map.Entry::getValue)
                            .findFirst().orElse(0L);
                    sum += w <= 0 ? 0 : v / w;
                }
                ys.add(sum / list.size());
            }
            c.addSeries(protocol, xs, ys).setFillColor(colour(protocol));
        });
        return new Drawn("messages-by-node", "Messages sent per second, by node", c);
    }

    /** Every chart of one scenario's report. */
    public static List<Drawn> all(Map<String, List<RunMetrics>> runs, Map<String, Summary> summaries) {
        List<Drawn> d = new ArrayList<>();
        d.add(latencyPercentiles(runs));
        d.add(latencyOverTime(runs));
        d.add(throughputOverTime(runs));
        d.add(electionCdf(runs));
        Map<String, Map<String, Stat>> availability = new LinkedHashMap<>();
        for (String f : List.of("election_ms.median", "unavailability_ms.median", "client_outage_ms.median")) {
            Map<String, Stat> perProtocol = new LinkedHashMap<>();
            summaries.forEach((p, s) -> perProtocol.put(p, s.fields().get(f)));
            availability.put(f, perProtocol);
        }
        d.add(statDots("unavailability", "After a leader change (pooled medians, 95% intervals)", "Time (ms)", availability,
                Map.of("election_ms.median", "election", "unavailability_ms.median", "cluster unavailable",
                        "client_outage_ms.median", "client outage")));
        d.addAll(waiting(runs));
        d.add(gapLifetimeCdf(runs));
        d.add(messagesByCategory(runs));
        d.add(messagesByNode(runs));
        return d;
    }

    static String fmtDuration(long nanos) {
        if (nanos >= 1_000_000_000L) return (nanos / 1_000_000_000.0) + " s";
        if (nanos >= 1_000_000L) return (nanos / 1_000_000L) + " ms";
        return (nanos / 1000) + " µs";
    }

    private static List<RunMetrics.Window> firstWindows(Map<String, List<RunMetrics>> runs) {
        // The fault timeline comes from the seed alone, so every protocol's first seed shares it.
        return runs.values().iterator().next().get(0).faultWindows;
    }

    private static Histogram merged(List<RunMetrics> list) {
        Histogram h = new Histogram(RunMetrics.HIGHEST_TRACKABLE, 3);
        list.forEach(m -> h.add(m.latency));
        return h;
    }

    private static double[] toArray(List<Double> l) {
        return l.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
