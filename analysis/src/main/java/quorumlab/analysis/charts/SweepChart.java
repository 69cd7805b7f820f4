package quorumlab.analysis.charts;

import java.awt.Color;
import java.awt.Font;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import quorumlab.analysis.metrics.Stat;
import quorumlab.analysis.metrics.Summary;

/**
 * One metric against a swept scenario field, per protocol: the value at each point with its 95%
 * bootstrap interval as a whisker (never outside the metric's domain), y from 0.
 */
public final class SweepChart {
    private SweepChart() {}

    /** A summary field's name as a reader says it, with its unit: {@code latency_ms.p99} → "latency p99 (ms)". */
    public static String label(String metric) {
        String unit = metric.contains("_ms") ? " (ms)" : metric.contains("ops_s") ? " (ops/s)" : metric.endsWith("_messages_s")
                ? " (messages/s)" : metric.contains("share") ? " (fraction)" : "";
        String words = metric.replace("_ms", "").replace("_ops_s", "").replace("_messages_s", " messages").replace('.', ' ').replace('_', ' ');
        return words + unit;
    }

    private static XYChart chart(String title, String x, String y) {
        XYChart c = new XYChartBuilder().width(Charts.WIDTH).height(Charts.HEIGHT).title(title).xAxisTitle(x).yAxisTitle(y).build();
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        c.getStyler().setPlotBackgroundColor(Color.WHITE);
        c.getStyler().setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        c.getStyler().setYAxisMin(0.0);
        return c;
    }

    /** {@code byProtocol}: protocol -> one Stat per swept value, in the order of {@code values}. */
    public static Charts.Drawn of(String metric, String param, List<Double> values, Map<String, List<Stat>> byProtocol, int seeds) {
        boolean pooled = Summary.FIELDS.containsKey(metric) && Summary.FIELDS.get(metric).pooled();
        String title = String.format(Locale.ROOT, "%s against %s (%s, 95%% interval; %d seeds per point)", label(metric), param,
                pooled ? "pooled over seeds" : "mean over seeds", seeds);
        XYChart c = chart(title, param, label(metric));
        boolean any = false;
        for (var e : byProtocol.entrySet()) {
            String protocol = e.getKey();
            List<Stat> stats = e.getValue();
            double[] x = new double[values.size()];
            double[] y = new double[values.size()];
            int k = 0;
            for (int i = 0; i < values.size(); i++) {
                Stat s = stats.get(i);
                if (!s.defined()) continue;
                x[k] = values.get(i);
                y[k++] = s.value();
                if (!Double.isNaN(s.ciLow())) {
                    XYSeries w = c.addSeries(protocol + " interval " + i, new double[] {values.get(i), values.get(i)},
                            new double[] {s.ciLow(), s.ciHigh()});
                    w.setMarker(SeriesMarkers.NONE);
                    w.setLineColor(Charts.colour(protocol));
                    w.setShowInLegend(false);
                }
            }
            if (k == 0) continue;
            any = true;
            XYSeries series = c.addSeries(protocol, java.util.Arrays.copyOf(x, k), java.util.Arrays.copyOf(y, k));
            series.setLineColor(Charts.colour(protocol));
            series.setMarkerColor(Charts.colour(protocol));
            series.setMarker(SeriesMarkers.CIRCLE);
        }
        if (!any) {
            XYSeries none = c.addSeries("no value at any point of the sweep", new double[] {values.get(0)}, new double[] {0});
            none.setMarker(SeriesMarkers.NONE);
        }
        return new Charts.Drawn("sweep-" + metric.replaceAll("[^A-Za-z0-9_.-]", "_"), title, c);
    }

    /**
     * The saturation curve of an open-loop rate sweep: latency (p50 dashed, p99 solid) against the
     * throughput achieved, one point per offered rate; where the curve turns up, the protocol saturates.
     */
    public static Charts.Drawn loadCurve(Map<String, List<Stat>> achieved, Map<String, List<Stat>> p50, Map<String, List<Stat>> p99,
            int seeds) {
        XYChart c = chart("Latency against achieved throughput, open loop (" + seeds + " seeds per offered rate)",
                "Achieved throughput (commands/s)", "Latency (ms)");
        c.getStyler().setXAxisMin(0.0);
        for (String protocol : achieved.keySet()) {
            for (var line : List.of(Map.entry("p99", p99), Map.entry("p50", p50))) {
                List<Double> xs = new java.util.ArrayList<>();
                List<Double> ys = new java.util.ArrayList<>();
                for (int i = 0; i < achieved.get(protocol).size(); i++) {
                    Stat x = achieved.get(protocol).get(i);
                    Stat y = line.getValue().get(protocol).get(i);
                    if (!x.defined() || !y.defined()) continue;
                    xs.add(x.value());
                    ys.add(y.value());
                }
                if (xs.isEmpty()) continue;
                XYSeries s = c.addSeries(protocol + " " + line.getKey(), xs, ys);
                s.setLineColor(Charts.colour(protocol));
                s.setMarkerColor(Charts.colour(protocol));
                s.setMarker(SeriesMarkers.CIRCLE);
                if (line.getKey().equals("p50")) {
                    s.setLineStyle(new java.awt.BasicStroke(2f, java.awt.BasicStroke.CAP_BUTT, java.awt.BasicStroke.JOIN_MITER, 10f,
                            new float[] {6f, 4f}, 0f));
                }
            }
        }
        return new Charts.Drawn("load-curve", "Latency against achieved throughput", c);
    }
}
