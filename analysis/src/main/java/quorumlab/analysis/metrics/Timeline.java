package quorumlab.analysis.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.Role;
import quorumlab.protocols.trace.TraceRecord;

/**
 * What the faults and the leader did over the run, followed record by record: the faults in order,
 * their windows, and who led when (a node leads from its LeaderEstablished until it steps down,
 * crashes or another node is established). Its size grows with faults and leader changes only.
 */
final class Timeline {
    static final Set<String> CUTS = Set.of("partition", "isolate", "one-way");

    private final List<TraceRecord.Fault> faults = new ArrayList<>();
    private final List<TraceRecord.Fault> open = new ArrayList<>();
    private final List<RunMetrics.Window> windows = new ArrayList<>();
    private final TreeMap<Long, NodeId> leaderFrom = new TreeMap<>(); // instant -> leader from then on (null: no leader)
    private NodeId leader;
    private boolean finished;

    List<RunMetrics.Window> windows() {
        return windows;
    }

    /** The leader at instant {@code t} (at most the latest record's), or null when no node leads. */
    NodeId leaderAt(long t) {
        Map.Entry<Long, NodeId> e = leaderFrom.floorEntry(t);
        return e == null ? null : e.getValue();
    }

    void accept(TraceRecord r) {
        if (r instanceof TraceRecord.Fault f) {
            faults.add(f);
            window(f);
            if (leader != null && f.fault().equals("crash") && f.nodes().contains(leader)) {
                leader = null;
                leaderFrom.put(f.t(), null);
            }
        } else if (r instanceof TraceRecord.Event e) {
            if (e.event() instanceof ProtocolEvent.LeaderEstablished) {
                leader = e.node();
                leaderFrom.put(e.t(), leader);
            } else if (e.event() instanceof ProtocolEvent.RoleChanged rc && rc.from() == Role.LEADER && e.node().equals(leader)) {
                leader = null;
                leaderFrom.put(e.t(), null);
            }
        }
    }

    /**
     * Fault windows: a fault until the record that undoes it (restart, resume, heal, X-end), else to
     * the end of the trace. A heal ends every cut, a restart or resume every window on its node, an
     * X-end only one window of kind X.
     */
    private void window(TraceRecord.Fault f) {
        String undoes = switch (f.fault()) {
            case "restart" -> "crash";
            case "resume" -> "pause";
            case "heal" -> "*cut";
            default -> f.fault().endsWith("-end") ? f.fault().substring(0, f.fault().length() - 4) : null;
        };
        if (undoes == null) {
            if (!f.fault().equals("drift")) open.add(f);
            return;
        }
        for (var it = open.iterator(); it.hasNext(); ) {
            TraceRecord.Fault o = it.next();
            boolean match = undoes.equals("*cut") ? CUTS.contains(o.fault())
                    : o.fault().equals(undoes) && (f.nodes().isEmpty() || o.nodes().equals(f.nodes()));
            if (match) {
                windows.add(new RunMetrics.Window(o.fault(), RunMetrics.ms(o.t()), RunMetrics.ms(f.t())));
                it.remove();
                // An X-end closes one window of its kind; the others stay open (windows compose). Which
                // one does not change the time covered, so the oldest is taken.
                if (f.fault().endsWith("-end")) break;
            }
        }
    }

    /** Windows still open at the end of the trace run to its end. */
    void finish(long traceEnd) {
        if (finished) return;
        finished = true;
        for (TraceRecord.Fault o : open) windows.add(new RunMetrics.Window(o.fault(), RunMetrics.ms(o.t()), RunMetrics.ms(traceEnd)));
        open.clear();
    }

    /**
     * The fault to blame for something that began at {@code start} and ended at {@code end}: the
     * latest fault that took effect between {@code grace} before the start and the end, or null.
     * Asked only once the trace is finished, so every fault and window is known.
     */
    TraceRecord.Fault blame(long start, long end, long grace) {
        TraceRecord.Fault before = null;
        TraceRecord.Fault during = null;
        for (TraceRecord.Fault f : faults) {
            if (f.t() <= start && f.t() >= start - grace) before = f;
            else if (f.t() > start && f.t() <= end && during == null) during = f;
        }
        if (before != null) return before;
        if (during != null) return during;
        // a window opened long before and still open (a loss window, a partition) is to blame too
        for (RunMetrics.Window w : windows) {
            if (w.startMs() * 1e6 > end || w.endMs() * 1e6 < start) continue;
            for (TraceRecord.Fault f : faults) {
                if (f.fault().equals(w.fault()) && Math.abs(RunMetrics.ms(f.t()) - w.startMs()) < 1e-6) return f;
            }
        }
        return null;
    }
}
