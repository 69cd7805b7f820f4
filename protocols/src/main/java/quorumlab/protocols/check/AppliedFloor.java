package quorumlab.protocols.check;

import java.util.HashMap;
import java.util.Map;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.trace.TraceRecord;

/**
 * The highest index that every node of the cluster has applied (or holds in a snapshot), less
 * {@link #LAG}: what lies at or below it no node will act on for the first time, so a streaming
 * checker may keep it in short form ({@link CommandsByIndex#settleThrough}). The lag keeps the
 * latest indexes in full, so that a violation there names both commands. Until the trace's meta record names the
 * cluster size and every node has applied something, the floor is 0; a node that never applies
 * (crashed for good) keeps it where it was, and the checkers' memory then grows with the run.
 */
public final class AppliedFloor {
    /** Indexes kept in full below what every node applied. */
    public static final long LAG = 1024;

    private int nodes;
    private final Map<NodeId, Long> applied = new HashMap<>();
    private long floor;

    /** Feeds one record; returns true when the floor rose. */
    public boolean accept(TraceRecord r) {
        if (r instanceof TraceRecord.Meta m) {
            nodes = m.nodes();
            return false;
        }
        if (!(r instanceof TraceRecord.Event e)) return false;
        long index;
        if (e.event() instanceof ProtocolEvent.EntryApplied a) index = a.index();
        else if (e.event() instanceof ProtocolEvent.SnapshotTaken s) index = s.index();
        else if (e.event() instanceof ProtocolEvent.SnapshotInstalled s) index = s.index();
        else return false;
        Long before = applied.get(e.node());
        if (before != null && before >= index) return false;
        applied.put(e.node(), index);
        if (nodes == 0 || applied.size() < nodes) return false;
        long lowest = Long.MAX_VALUE;
        for (long v : applied.values()) lowest = Math.min(lowest, v);
        lowest -= LAG;
        if (lowest <= floor) return false;
        floor = lowest;
        return true;
    }

    public long floor() {
        return floor;
    }
}
