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
import quorumlab.analysis.metrics.RunMetrics;
import quorumlab.analysis.metrics.Stat;
import quorumlab.analysis.metrics.Summary;

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
        if (x.length == 0) { x = new double[] {0}; y = new double[] {0}; name = name + " (no data)"; }
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

    /** Latency by percentile, HdrHistogram style: x = 1/(1-p) on a log axis. */
    public static Drawn latencyPercentiles(Map<String, List<RunMetrics>> runs) {
        XYChart c = xy("Latency by percentile (all seeds)", "Percentile as 1/(1-p), log scale: 10 = 90%, 100 = 99%, 1000 = 99.9%", "Latency (ms)");
        c.getStyler().setXAxisLogarithmic(true);
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        runs.forEach((protocol, list) -> {
            Histogram h = merged(list);
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            if (h.getTotalCount() > 0) {
                h.percentiles(5).forEach(v -> {
                    double p = v.getPercentileLevelIteratedTo() / 100;
                    if (p >= 1) return;
                    xs.add(1 / (1 - p));
                    ys.add(v.getValueIteratedTo() / 1e6);
                });
            }
            line(c, protocol, toArray(xs), toArray(ys), protocol);
        });
        return new Drawn("latency-percentiles", "Latency by percentile", c);
    }

    /** Latency of each committed command against its completion time (first seed). */
    public static Drawn latencyOverTime(Map<String, List<RunMetrics>> runs) {
        XYChart c = xy("Latency over time (first seed)", "Time (s)", "Latency (ms)");
        double top = 1;
        for (List<RunMetrics> l : runs.values()) for (double[] p : l.get(0).latencyOverTime) top = Math.max(top, p[1]);
        faultBands(c, firstWindows(runs), top * 1.05);
        runs.forEach((protocol, list) -> {
            List<double[]> pts = list.get(0).latencyOverTime;
            XYSeries s = line(c, protocol, pts.stream().mapToDouble(p -> p[0] / 1000).toArray(),
                    pts.stream().mapToDouble(p -> p[1]).toArray(), protocol);
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            s.setMarker(SeriesMarkers.CIRCLE);
        });
        return new Drawn("latency-over-time", "Latency over time", c);
    }

    /** Committed commands per one-second bucket (first seed). */
    public static Drawn throughputOverTime(Map<String, List<RunMetrics>> runs) {
        XYChart c = xy("Throughput over time (first seed)", "Time (s)", "Throughput (ops/s)");
        double top = 1;
        for (List<RunMetrics> l : runs.values()) for (long v : l.get(0).completionsPerBucket.values()) top = Math.max(top, v);
        faultBands(c, firstWindows(runs), top * 1.05 / (RunMetrics.BUCKET_NANOS / 1e9));
        runs.forEach((protocol, list) -> {
            var buckets = list.get(0).completionsPerBucket;
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            if (!buckets.isEmpty()) {
                // the last bucket is cut short by the end of the run, so it is left out
                for (long b = buckets.firstKey(); b < Math.max(buckets.firstKey() + 1, buckets.lastKey()); b++) {
                    xs.add(b * RunMetrics.BUCKET_NANOS / 1e9);
                    ys.add(buckets.getOrDefault(b, 0L) / (RunMetrics.BUCKET_NANOS / 1e9));
                }
            }
            XYSeries s = line(c, protocol, toArray(xs), toArray(ys), protocol);
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Step);
        });
        return new Drawn("throughput-over-time", "Throughput over time", c);
    }

    /** Empirical CDF of a list of durations per protocol, all seeds pooled. */
    private static Drawn cdf(String stem, String title, String xLabel, Map<String, List<Double>> values) {
        XYChart c = xy(title, xLabel, "Fraction ≤ x");
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        values.forEach((protocol, list) -> {
            List<Double> v = new ArrayList<>(list);
            v.sort(null);
            double[] x = new double[v.size()];
            double[] y = new double[v.size()];
            for (int i = 0; i < v.size(); i++) {
                x[i] = v.get(i);
                y[i] = (i + 1) / (double) v.size();
            }
            XYSeries s = line(c, protocol + " (n=" + v.size() + ")", x, y, protocol);
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Step);
        });
        return new Drawn(stem, title, c);
    }

    public static Drawn electionCdf(Map<String, List<RunMetrics>> runs) {
        Map<String, List<Double>> v = new LinkedHashMap<>();
        runs.forEach((p, l) -> v.put(p, l.stream().flatMap(m -> m.electionMs.stream()).toList()));
        return cdf("election-cdf", "Election time CDF (all seeds)", "Election time (ms)", v);
    }

    public static Drawn gapLifetimeCdf(Map<String, List<RunMetrics>> runs) {
        Map<String, List<Double>> v = new LinkedHashMap<>();
        runs.forEach((p, l) -> v.put(p, l.stream().flatMap(m -> m.gapLifetimesMs.stream()).toList()));
        return cdf("gap-lifetime-cdf", "Gap lifetime CDF (all seeds)", "Gap lifetime (ms)", v);
    }

    /** Highest chosen slot and highest applied slot over time (first seed). */
    public static Drawn gapsOverTime(Map<String, List<RunMetrics>> runs) {
        XYChart c = xy("Highest chosen vs highest applied slot (first seed)", "Time (s)", "Slot / log index");
        double top = 1;
        for (List<RunMetrics> l : runs.values()) for (var g : l.get(0).gapsOverTime) top = Math.max(top, g.highestChosen());
        faultBands(c, firstWindows(runs), top * 1.05);
        runs.forEach((protocol, list) -> {
            var g = list.get(0).gapsOverTime;
            double[] t = g.stream().mapToDouble(p -> p.tMs() / 1000).toArray();
            XYSeries chosen = line(c, protocol + " chosen", t, g.stream().mapToDouble(p -> p.highestChosen()).toArray(), protocol);
            chosen.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Step);
            XYSeries applied = line(c, protocol + " applied", t, g.stream().mapToDouble(p -> p.highestApplied()).toArray(), protocol);
            applied.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Step);
            applied.setLineStyle(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
        });
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        return new Drawn("gaps-over-time", "Gaps over time", c);
    }

    /** One summary field per protocol, mean with its 95% CI as error bars. */
    public static Drawn statBars(String stem, String title, String yLabel, Map<String, Stat> perProtocol) {
        CategoryChart c = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle("Protocol").yAxisTitle(yLabel).build();
        style(c.getStyler());
        c.getStyler().setErrorBarsColor(Color.BLACK);
        perProtocol.forEach((protocol, s) -> {
            List<String> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            List<Double> err = new ArrayList<>();
            for (String p : perProtocol.keySet()) {
                xs.add(p);
                boolean mine = p.equals(protocol);
                ys.add(mine && s.defined() ? s.mean() : 0.0);
                err.add(mine && !Double.isNaN(s.ciHigh()) ? s.ciHigh() - s.mean() : 0.0);
            }
            c.addSeries(protocol + (s.defined() ? "" : " (n/a)"), xs, ys, err).setFillColor(colour(protocol));
        });
        c.getStyler().setOverlapped(true);
        return new Drawn(stem, title, c);
    }

    /** Messages per committed command by message type (all seeds' mean); null when not traced. */
    public static Drawn messagesByType(Map<String, List<RunMetrics>> runs) {
        TreeSet<String> types = new TreeSet<>();
        runs.values().forEach(l -> l.forEach(m -> { if (m.messagesByType != null) types.addAll(m.messagesByType.keySet()); }));
        if (types.isEmpty()) return null;
        CategoryChart c = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title("Messages per committed command, by type")
                .xAxisTitle("Message type").yAxisTitle("Messages per committed command").build();
        style(c.getStyler());
        c.getStyler().setXAxisLabelRotation(30);
        runs.forEach((protocol, list) -> {
            List<Double> ys = new ArrayList<>();
            for (String t : types) {
                double sum = 0;
                int n = 0;
                for (RunMetrics m : list) {
                    if (m.messagesByType == null || m.committed == 0) continue;
                    long[] v = m.messagesByType.get(t);
                    sum += v == null ? 0 : v[0] / (double) m.committed;
                    n++;
                }
                ys.add(n == 0 ? 0 : sum / n);
            }
            c.addSeries(protocol, new ArrayList<>(types), ys).setFillColor(colour(protocol));
        });
        return new Drawn("messages-per-commit", "Messages per committed command", c);
    }

    /** Every chart of one scenario's report. */
    public static List<Drawn> all(Map<String, List<RunMetrics>> runs, Map<String, Summary> summaries) {
        List<Drawn> d = new ArrayList<>();
        d.add(latencyPercentiles(runs));
        d.add(latencyOverTime(runs));
        d.add(throughputOverTime(runs));
        d.add(electionCdf(runs));
        Map<String, Stat> unavailability = new LinkedHashMap<>();
        summaries.forEach((p, s) -> unavailability.put(p, s.fields().get("unavailability_ms.median")));
        d.add(statBars("unavailability", "Unavailability after a leader fault (mean, 95% CI)", "Unavailability (ms)", unavailability));
        d.add(gapsOverTime(runs));
        d.add(gapLifetimeCdf(runs));
        Drawn m = messagesByType(runs);
        if (m != null) d.add(m);
        return d;
    }

    private static List<RunMetrics.Window> firstWindows(Map<String, List<RunMetrics>> runs) {
        // The fault timeline comes from the seed alone, so every protocol's first seed shares it.
        return runs.values().iterator().next().get(0).faultWindows;
    }

    private static Histogram merged(List<RunMetrics> list) {
        Histogram h = new Histogram(3_600_000_000_000L, 3);
        list.forEach(m -> h.add(m.latency));
        return h;
    }

    private static double[] toArray(List<Double> l) {
        return l.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
