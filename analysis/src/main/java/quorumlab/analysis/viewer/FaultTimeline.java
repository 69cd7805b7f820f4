package quorumlab.analysis.viewer;

import java.util.ArrayList;
import java.util.List;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.trace.TraceRecord;

/**
 * The fault records of a trace as windows for the shared timeline: a crash until its restart, a cut
 * (partition, isolate, one-way) until the heal, a loss or delay setting until it ends or is replaced,
 * a pause until the resume; every other fault (and the viewer's own timer expiries and bursts) is a
 * mark at one instant.
 */
final class FaultTimeline {
    /** {@code to} is null while the window is still open at the end of what is known. */
    record Window(String kind, String label, long from, Long to, List<String> nodes) {}

    private FaultTimeline() {}

    static List<Window> of(List<TraceRecord> records) {
        List<Window> closed = new ArrayList<>();
        List<Open> open = new ArrayList<>();
        for (TraceRecord r : records) {
            if (!(r instanceof TraceRecord.Fault f)) continue;
            List<String> nodes = f.nodes() == null ? List.of() : f.nodes().stream().map(NodeId::toString).toList();
            String kind = f.fault();
            switch (kind) {
                case "crash", "pause" -> open.add(new Open(kind, kind + " " + String.join(",", nodes), f.t(), nodes));
                case "restart" -> close(open, closed, "crash", nodes, f.t());
                case "resume" -> close(open, closed, "pause", nodes, f.t());
                case "partition", "isolate", "one-way" -> open.add(new Open("cut", kind + " " + groups(f), f.t(), nodes));
                case "heal" -> close(open, closed, "cut", null, f.t());
                case "partition-end", "isolate-end", "one-way-end" -> closeFirst(open, closed, "cut", f.t());
                case "loss", "delay", "duplicate", "reorder", "latency-matrix" -> {
                    close(open, closed, kind, null, f.t());
                    open.add(new Open(kind, kind + " " + firstWord(f.detail()), f.t(), nodes));
                }
                case "loss-end", "delay-end", "duplicate-end", "reorder-end", "latency-matrix-end" ->
                        close(open, closed, kind.substring(0, kind.length() - 4), null, f.t());
                default -> closed.add(new Window("mark", kind + (nodes.isEmpty() ? "" : " " + String.join(",", nodes)), f.t(), f.t(), nodes));
            }
        }
        for (Open o : open) closed.add(new Window(o.kind, o.label, o.from, null, o.nodes));
        closed.sort((a, b) -> Long.compare(a.from(), b.from()));
        return closed;
    }

    private record Open(String kind, String label, long from, List<String> nodes) {}

    /** Closes every open window of {@code kind} (on one of {@code nodes}, when given). */
    private static void close(List<Open> open, List<Window> closed, String kind, List<String> nodes, long at) {
        open.removeIf(o -> {
            boolean match = o.kind.equals(kind) && (nodes == null || o.nodes.stream().anyMatch(nodes::contains));
            if (match) closed.add(new Window(o.kind, o.label, o.from, at, o.nodes));
            return match;
        });
    }

    private static void closeFirst(List<Open> open, List<Window> closed, String kind, long at) {
        for (Open o : open) {
            if (o.kind.equals(kind)) {
                closed.add(new Window(o.kind, o.label, o.from, at, o.nodes));
                open.remove(o);
                return;
            }
        }
    }

    private static String groups(TraceRecord.Fault f) {
        if (f.groups() == null) return "";
        List<String> parts = new ArrayList<>();
        for (List<NodeId> g : f.groups()) parts.add(String.join(",", g.stream().map(NodeId::toString).toList()));
        return String.join(" | ", parts);
    }

    private static String firstWord(String detail) {
        if (detail == null || detail.isBlank()) return "";
        int space = detail.indexOf(' ');
        return space < 0 ? detail : detail.substring(0, space);
    }
}
