package quorumlab.analysis.check;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeMap;
import quorumlab.analysis.check.HistoryEvent.Type;

/**
 * Draws a counterexample as Porcupine's visualiser does: one lane per process, each operation a
 * bar from its invocation to its completion, the window that cannot be linearized highlighted and
 * the operation no order explains in red. An HTML page embeds the picture with the operations
 * listed in words.
 */
public final class CounterexamplePicture {
    private static final int LANE = 34;
    private static final int LEFT = 110;
    private static final int WIDTH = 1100;
    private static final int TOP = 56;
    private static final int MAX_CONTEXT = 300;
    private static final String CONTEXT = "#d9d9d9";
    private static final String WINDOW = "#f4a261";
    private static final String FAILING = "#e63946";

    private CounterexamplePicture() {}

    /** Writes {@code <stem>.svg} and {@code <stem>.html} into {@code dir}; returns the SVG's path. */
    public static Path write(Counterexample c, Path dir, String stem) throws IOException {
        Files.createDirectories(dir);
        Path svg = dir.resolve(stem + ".svg");
        String picture = svg(c);
        Files.writeString(svg, picture, StandardCharsets.UTF_8);
        Files.writeString(dir.resolve(stem + ".html"), html(c, picture), StandardCharsets.UTF_8);
        return svg;
    }

    /** The picture, as SVG text. */
    public static String svg(Counterexample c) {
        Set<Integer> window = new HashSet<>();
        for (ClientOp op : c.window()) window.add(op.index());
        boolean timed = c.keyOperations().stream().allMatch(op -> op.invokeTime() != HistoryEvent.NO_TIME);
        double from = Double.MAX_VALUE;
        double to = start(c.failing(), timed);
        for (ClientOp op : c.window()) {
            from = Math.min(from, start(op, timed));
            if (op.completed()) to = Math.max(to, end(op, timed));
        }
        to = Math.max(to, end(c.failing(), timed));
        double margin = Math.max(1, (to - from) * 0.08);
        double left = from - margin;
        double right = to + margin;

        // the operations drawn: the window, and those around it, nearest first when there are too many
        List<ClientOp> shown = new ArrayList<>();
        for (ClientOp op : c.keyOperations()) {
            boolean overlaps = start(op, timed) <= right && (!op.completed() || end(op, timed) >= left);
            if (window.contains(op.index()) || (overlaps && shown.size() < MAX_CONTEXT)) shown.add(op);
        }
        TreeMap<Long, Integer> lanes = new TreeMap<>();
        for (ClientOp op : shown) lanes.put(op.process(), 0);
        int lane = 0;
        for (Long p : lanes.keySet()) lanes.put(p, lane++);

        int height = TOP + lanes.size() * LANE + 84;
        double scale = (WIDTH - LEFT - 20) / (right - left);
        StringBuilder s = new StringBuilder();
        s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH).append("\" height=\"")
                .append(height).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(height)
                .append("\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">\n");
        s.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        s.append(text(10, 20, 15, "bold", "Not linearizable: " + c.keyName()));
        s.append(text(10, 40, 12, "normal", c.failing().describe(false) + " cannot be linearized; "
                + c.window().size() + " highlighted operations show it"));
        for (var entry : lanes.entrySet()) {
            int y = TOP + entry.getValue() * LANE;
            if (entry.getValue() % 2 == 0) {
                s.append(String.format(Locale.ROOT, "<rect x=\"0\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#f7f7f7\"/>%n",
                        y, WIDTH, LANE));
            }
            s.append(text(10, y + LANE / 2 + 4, 12, "normal", "process " + entry.getKey()));
        }
        for (ClientOp op : shown) {
            int y = TOP + lanes.get(op.process()) * LANE + 5;
            double x1 = LEFT + (start(op, timed) - left) * scale;
            double x2 = op.completed() ? LEFT + (end(op, timed) - left) * scale : WIDTH - 12;
            x1 = Math.max(LEFT, x1);
            x2 = Math.min(WIDTH - 12, Math.max(x1 + 4, x2));
            String fill = op.index() == c.failing().index() ? FAILING : window.contains(op.index()) ? WINDOW : CONTEXT;
            String dash = op.outcome() == Type.OK ? "" : " stroke-dasharray=\"4 3\"";
            s.append("<g><title>").append(escape(op.describe() + timing(op, timed))).append("</title>");
            s.append(String.format(Locale.ROOT,
                    "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" rx=\"3\" fill=\"%s\" stroke=\"#333\"%s/>",
                    x1, y, x2 - x1, LANE - 10, fill, dash));
            if (!op.completed()) {
                s.append(String.format(Locale.ROOT, "<path d=\"M%.1f %d l6 %d l-6 %d z\" fill=\"#333\"/>",
                        x2, y, (LANE - 10) / 2, (LANE - 10) / 2));
            }
            String label = label(op);
            if (label.length() * 6.5 < x2 - x1) {
                s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" fill=\"%s\">%s</text>", x1 + 4,
                        y + LANE / 2 + 1, fill.equals(FAILING) ? "white" : "black", escape(label)));
            }
            s.append("</g>\n");
        }
        int axis = TOP + lanes.size() * LANE + 14;
        s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>%n",
                LEFT, axis, WIDTH - 12, axis));
        for (int t = 0; t <= 4; t++) {
            double at = left + (right - left) * t / 4;
            double x = LEFT + (at - left) * scale;
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#333\"/>",
                    x, axis, x, axis + 5));
            String anchor = t == 0 ? "start" : t == 4 ? "end" : "middle";
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"%s\">%s</text>",
                    x, axis + 18, anchor, escape(timed ? seconds(at) : "event " + Math.round(at))));
            s.append('\n');
        }
        int legend = axis + 36;
        s.append(swatch(LEFT, legend, FAILING, "cannot be linearized"));
        s.append(swatch(LEFT + 190, legend, WINDOW, "the window that shows it"));
        s.append(swatch(LEFT + 400, legend, CONTEXT, "other operations"));
        s.append(text(LEFT + 560, legend + 10, 11, "normal", "dashed: fail, info or never completed"));
        s.append("</svg>\n");
        return s.toString();
    }

    /** A page with the picture and the operations in words. */
    public static String html(Counterexample c, String svg) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
                .append(escape("Not linearizable: " + c.keyName())).append("</title>\n")
                .append("<style>body{font-family:Helvetica,Arial,sans-serif;margin:2em;max-width:1150px}"
                        + "li{margin:.2em 0}code{background:#f3f3f3;padding:0 .2em}</style></head><body>\n");
        h.append("<h1>").append(escape("Not linearizable: " + c.keyName())).append("</h1>\n");
        h.append("<p>").append(escape(c.failing().describe())).append(" cannot be linearized: no order of the ")
                .append(c.window().size()).append(" operations below, each taking effect between its invocation and ")
                .append("its completion, explains what they returned, starting from ")
                .append(c.windowFromState() ? "any value the earlier operations could have left" : "the empty register")
                .append(". Hover over a bar for its details.</p>\n");
        h.append(svg);
        h.append("<h2>The window</h2>\n<ol>\n");
        for (ClientOp op : c.window()) {
            h.append("<li>").append(escape(op.describe() + timing(op, op.invokeTime() != HistoryEvent.NO_TIME)))
                    .append(op.index() == c.failing().index() ? " <strong>(cannot be linearized)</strong>" : "")
                    .append("</li>\n");
        }
        h.append("</ol>\n<h2>The longest linearizable prefix</h2>\n<p>")
                .append(c.linearizablePrefix().size())
                .append(" operations completed before it are linearizable; the last of them, in the order found:</p>\n<ol start=\"")
                .append(Math.max(1, c.linearizablePrefix().size() - 19)).append("\">\n");
        List<ClientOp> prefix = c.linearizablePrefix();
        for (ClientOp op : prefix.subList(Math.max(0, prefix.size() - 20), prefix.size())) {
            h.append("<li>").append(escape(op.describe())).append("</li>\n");
        }
        h.append("</ol>\n</body></html>\n");
        return h.toString();
    }

    private static double start(ClientOp op, boolean timed) {
        return timed ? op.invokeTime() : op.invokeEvent();
    }

    private static double end(ClientOp op, boolean timed) {
        if (!op.completed()) return Double.MAX_VALUE;
        return timed && op.completeTime() != HistoryEvent.NO_TIME ? op.completeTime() : op.completeEvent();
    }

    private static String label(ClientOp op) {
        return switch (op.f()) {
            case READ -> op.outcome() == Type.OK ? "r " + Values.show(op.result()) : "r ?";
            case WRITE -> "w " + Values.show(op.argument());
            case CAS -> "cas " + Values.show(op.expected()) + "\u2192" + Values.show(op.written());
            case APPEND -> "a " + Values.show(op.argument());
        };
    }

    private static String timing(ClientOp op, boolean timed) {
        if (!timed) return "";
        return ", invoked at " + seconds(op.invokeTime())
                + (op.completed() && op.completeTime() != HistoryEvent.NO_TIME
                        ? ", completed at " + seconds(op.completeTime()) : "");
    }

    private static String seconds(double nanos) {
        return String.format(Locale.ROOT, "%.6f s", nanos / 1e9);
    }

    private static String swatch(int x, int y, String fill, String what) {
        return String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"12\" fill=\"%s\" stroke=\"#333\"/>",
                x, y, fill) + text(x + 20, y + 10, 11, "normal", what) + "\n";
    }

    private static String text(double x, double y, int size, String weight, String content) {
        return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\" font-weight=\"%s\">%s</text>",
                x, y, size, weight, escape(content));
    }

    static String escape(String raw) {
        return raw.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
