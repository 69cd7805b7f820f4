package quorumlab.analysis.metrics;

import java.util.Map;
import java.util.TreeMap;
import quorumlab.protocols.MessageCategory;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.trace.TraceRecord;

/**
 * Message cost in the window: peer messages and bytes by type, by the categories both protocols
 * share, by sending node, and the share the leader of the moment sent. Read from the runtimes'
 * {@code counts} records, written at every trace level; an old trace without them falls back to its
 * {@code send} records (trace level full), counted as category "other". Both are tallied as they
 * come; the end decides which one the trace has.
 */
final class Cost {
    /** One way of counting: by type, category, node and the leader's share. */
    private static final class Tally {
        final Map<String, long[]> byType = new TreeMap<>();
        final Map<String, long[]> byCategory = new TreeMap<>();
        final Map<NodeId, Long> byNode = new TreeMap<>();
        long byLeader;
        boolean seen;

        void add(NodeId leader, NodeId from, String type, String category, long count, long bytes) {
            long[] t = byType.computeIfAbsent(type, x -> new long[2]);
            t[0] += count;
            t[1] += bytes;
            long[] c = byCategory.computeIfAbsent(category == null ? MessageCategory.OTHER.label() : category, x -> new long[2]);
            c[0] += count;
            c[1] += bytes;
            byNode.merge(from, count, Long::sum);
            if (from.equals(leader)) byLeader += count;
        }
    }

    private final RunMetrics m;
    private final Timeline timeline;
    private final Tally counts = new Tally();
    private final Tally sends = new Tally();

    Cost(RunMetrics m, Timeline timeline) {
        this.m = m;
        this.timeline = timeline;
    }

    void accept(TraceRecord r) {
        if (r instanceof TraceRecord.MessageCounts c) {
            counts.seen = true;
            // an interval belongs to the window when its middle does
            long middle = c.since() + (c.t() - c.since()) / 2;
            if (m.phases.inWindow(middle)) counts.add(timeline.leaderAt(middle), c.from(), c.type(), c.category(), c.count(), c.bytes());
        } else if (r instanceof TraceRecord.Send s && !counts.seen) {
            sends.seen = true;
            if (m.phases.inWindow(s.t())) sends.add(timeline.leaderAt(s.t()), s.from(), s.type(), MessageCategory.OTHER.label(), 1, s.bytes());
        }
    }

    void finish() {
        Tally used = counts.seen ? counts : sends;
        m.messagesByType.putAll(used.byType);
        m.messagesByCategory.putAll(used.byCategory);
        m.messagesByNode.putAll(used.byNode);
        m.messagesByLeader = used.byLeader;
        m.messagesCounted = counts.seen || sends.seen;
    }
}
