package quorumlab.analysis.charts;

import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import quorumlab.analysis.metrics.Stat;

/** One metric against a swept scenario field: the mean per value with 95% CI error bars, per protocol. */
public final class SweepChart {
    private SweepChart() {}

    /** {@code byProtocol}: protocol -> one Stat per swept value, in the order of {@code values}. */
    public static Charts.Drawn of(String metric, String param, List<Double> values, Map<String, List<Stat>> byProtocol) {
        String title = metric + " vs " + param + " (mean, 95% CI)";
        XYChart c = new XYChartBuilder().width(Charts.WIDTH).height(Charts.HEIGHT).title(title)
                .xAxisTitle(param).yAxisTitle(metric + unit(metric)).build();
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        c.getStyler().setPlotBackgroundColor(Color.WHITE);
        c.getStyler().setErrorBarsColorSeriesColor(true);
        byProtocol.forEach((protocol, stats) -> {
            List<Double> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            List<Double> err = new ArrayList<>();
            for (int i = 0; i < values.size(); i++) {
                Stat s = stats.get(i);
                if (!s.defined()) continue;
                x.add(values.get(i));
                y.add(s.mean());
                err.add(Double.isNaN(s.ciHigh()) ? 0 : s.ciHigh() - s.mean());
            }
            String name = protocol;
            if (x.isEmpty()) {
                x.add(values.get(0));
                y.add(0.0);
                err.add(0.0);
                name += " (n/a)";
            }
            XYSeries series = c.addSeries(name, x, y, err);
            series.setLineColor(Charts.colour(protocol));
            series.setMarkerColor(Charts.colour(protocol));
            series.setMarker(SeriesMarkers.CIRCLE);
        });
        return new Charts.Drawn("sweep-" + metric.replaceAll("[^A-Za-z0-9_.-]", "_"), title, c);
    }

    private static String unit(String metric) {
        if (metric.contains("_ms")) return " (ms)";
        if (metric.contains("ops_s")) return " (ops/s)";
        return "";
    }
}
