package quorumlab.analysis.metrics.legacy;

import java.util.List;
import quorumlab.protocols.MessageCategory;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.trace.TraceRecord;

/**
 * Message cost in the window: peer messages and bytes by type, by the categories both protocols
 * share, by sending node, and the share the leader of the moment sent. Read from the runtimes'
 * {@code counts} records, written at every trace level; an old trace without them falls back to its
 * {@code send} records (trace level full), counted as category "other".
 */
final class Cost {
    private Cost() {}

    static void measure(List<TraceRecord> trace, Timeline timeline, RunMetrics m) {
        Phases ph = m.phases;
        boolean counts = false;
        boolean sends = false;
        for (TraceRecord r : trace) {
            counts |= r instanceof TraceRecord.MessageCounts;
            sends |= r instanceof TraceRecord.Send;
        }
        for (TraceRecord r : trace) {
            if (counts && r instanceof TraceRecord.MessageCounts c) {
                // an interval belongs to the window when its middle does
                long middle = c.since() + (c.t() - c.since()) / 2;
                if (!ph.inWindow(middle)) continue;
                add(m, timeline, middle, c.from(), c.type(), c.category(), c.count(), c.bytes());
            } else if (!counts && r instanceof TraceRecord.Send s) {
                if (!ph.inWindow(s.t())) continue;
                add(m, timeline, s.t(), s.from(), s.type(), MessageCategory.OTHER.label(), 1, s.bytes());
            }
        }
        m.messagesCounted = counts || sends;
    }

    private static void add(RunMetrics m, Timeline timeline, long t, NodeId from, String type, String category, long count,
            long bytes) {
        long[] byType = m.messagesByType.computeIfAbsent(type, x -> new long[2]);
        byType[0] += count;
        byType[1] += bytes;
        long[] byCategory = m.messagesByCategory.computeIfAbsent(category == null ? MessageCategory.OTHER.label() : category,
                x -> new long[2]);
        byCategory[0] += count;
        byCategory[1] += bytes;
        m.messagesByNode.merge(from, count, Long::sum);
        if (from.equals(timeline.leaderAt(t))) m.messagesByLeader += count;
    }
}
