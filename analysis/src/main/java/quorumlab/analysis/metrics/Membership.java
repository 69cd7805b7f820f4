package quorumlab.analysis.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import quorumlab.protocols.ClientReply;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.Role;
import quorumlab.protocols.trace.TraceRecord;

/**
 * Membership changes (docs/scenario-format.md, "Membership changes"), followed record by record.
 * A change is requested when the fault injector hands it to a leader (an {@code add} or
 * {@code remove} fault record, whose detail begins {@code change N:}); it ends committed (the
 * first {@code MembershipChangeCommitted} with its id), refused ({@code MembershipChangeRefused},
 * or a {@code membership-refused} record when no leader took it) or timed out
 * ({@code membership-timeout}). What is held is only the changes and the leader of the moment.
 *
 * <ul>
 *   <li>request to commit: from the request to the commit;
 *   <li>longest time without a client commit: the longest interval between two consecutive
 *       committed replies that overlaps [request, commit], taken whole: an interval that straddles
 *       the commit (the election after a leader removed itself) counts in full;
 *   <li>a new node's catch-up: from the request that adds it until it has applied every index
 *       committed when the request was made; the entries the leader reports having sent it when
 *       it judged it caught up ({@code LearnerCaughtUp});
 *   <li>leader changes caused: the leader lost office with no fault taking it away, and either it
 *       is a node a change removed (it removed itself; joint consensus without it), or it was
 *       preempted by a node a change added or removed (a disruptive server).
 * </ul>
 */
final class Membership {
    private static final Pattern CHANGE_ID = Pattern.compile("^change (\\d+):");
    private static final Set<String> TAKES_THE_LEADER = Set.of("crash", "pause", "isolate", "partition", "one-way");

    /** One change, while the trace is read. */
    private static final class Change {
        final long id;
        final String kind;
        final NodeId node;
        final long requestedAt;
        long committedAt = -1;
        String outcome = "pending";
        long longestNoCommit = -1;
        boolean gapsDone;
        /** A new node: the highest index committed anywhere at the request, and when it had applied that much. */
        long catchUpTarget = -1;
        long caughtUpAt = -1;
        long entriesSent = -1;

        Change(long id, String kind, NodeId node, long requestedAt) {
            this.id = id;
            this.kind = kind;
            this.node = node;
            this.requestedAt = requestedAt;
        }
    }

    private final RunMetrics m;
    private final Phases ph;
    private final Map<Long, Change> changes = new LinkedHashMap<>();
    /** Changes whose longest time without a commit is still being measured. */
    private final List<Change> open = new ArrayList<>();
    private final Map<Long, Long> refusedAt = new HashMap<>();
    private final Map<Long, Long> timedOutAt = new HashMap<>();
    /** A node a change added or removed, to the change (the latest one naming it). */
    private final Map<NodeId, Change> added = new HashMap<>();
    private final Map<NodeId, Change> removed = new HashMap<>();
    private final Map<NodeId, Long> applied = new HashMap<>();
    private long highestCommitted;
    private long lastClientCommit = -1;
    private NodeId leader;

    Membership(RunMetrics m) {
        this.m = m;
        this.ph = m.phases;
    }

    void accept(TraceRecord r) {
        if (r instanceof TraceRecord.Fault f) {
            onFault(f);
        } else if (r instanceof TraceRecord.Complete c && c.reply() instanceof ClientReply.Committed) {
            onClientCommit(c.t());
        } else if (r instanceof TraceRecord.Event e && e.node() != null) {
            onEvent(e.t(), e.node(), e.event());
        }
    }

    private void onFault(TraceRecord.Fault f) {
        if (leader != null && TAKES_THE_LEADER.contains(f.fault()) && f.nodes().contains(leader)) leader = null;
        Long id = changeId(f.detail());
        if (id == null) return;
        switch (f.fault()) {
            case "add", "remove" -> {
                if (f.nodes().isEmpty() || changes.containsKey(id)) return;
                Change c = new Change(id, f.fault(), f.nodes().get(0), f.t());
                changes.put(id, c);
                open.add(c);
                if (c.kind.equals("add")) {
                    added.put(c.node, c);
                    c.catchUpTarget = highestCommitted;
                    caughtUp(c, applied.getOrDefault(c.node, 0L), f.t());
                } else {
                    removed.put(c.node, c);
                }
            }
            case "membership-refused" -> end(id, refusedAt, f.t());
            case "membership-timeout" -> end(id, timedOutAt, f.t());
            default -> { }
        }
    }

    private void onEvent(long t, NodeId node, ProtocolEvent ev) {
        if (ev instanceof ProtocolEvent.EntryCommitted c) {
            highestCommitted = Math.max(highestCommitted, c.index());
        } else if (ev instanceof ProtocolEvent.SlotChosen s) {
            highestCommitted = Math.max(highestCommitted, s.slot());
        } else if (ev instanceof ProtocolEvent.EntryApplied a) {
            appliedUpTo(node, a.index(), t);
        } else if (ev instanceof ProtocolEvent.StateMachineRestored s) {
            appliedUpTo(node, s.index(), t);
        } else if (ev instanceof ProtocolEvent.LearnerCaughtUp l) {
            Change c = added.get(l.learner());
            if (c != null && c.entriesSent < 0) c.entriesSent = l.entries();
        } else if (ev instanceof ProtocolEvent.MembershipChangeCommitted mc) {
            Change c = changes.get(mc.changeId());
            if (c != null && c.committedAt < 0) {
                c.committedAt = t;
                c.outcome = "committed";
            }
        } else if (ev instanceof ProtocolEvent.MembershipChangeRefused mr) {
            end(mr.changeId(), refusedAt, t);
        } else if (ev instanceof ProtocolEvent.LeaderEstablished) {
            leader = node;
        } else if (ev instanceof ProtocolEvent.Preempted p && node.equals(leader)) {
            lost(t, p.by());
        } else if (ev instanceof ProtocolEvent.RoleChanged rc && rc.from() == Role.LEADER && node.equals(leader)) {
            lost(t, null);
        }
    }

    /** The leader stepped down with no fault taking it: did a change cause it? */
    private void lost(long t, NodeId by) {
        NodeId was = leader;
        leader = null;
        boolean caused = removed.containsKey(was) || by != null && (removed.containsKey(by) || added.containsKey(by));
        if (caused && ph.inWindow(t)) m.membershipLeaderChanges++;
    }

    private void appliedUpTo(NodeId node, long index, long t) {
        long now = Math.max(applied.getOrDefault(node, 0L), index);
        applied.put(node, now);
        Change c = added.get(node);
        if (c != null) caughtUp(c, now, t);
    }

    private static void caughtUp(Change c, long appliedIndex, long t) {
        if (c.caughtUpAt < 0 && c.catchUpTarget >= 0 && appliedIndex >= c.catchUpTarget) c.caughtUpAt = t;
    }

    /** A refusal or time-out: the first for an id counts; its change is measured no further. */
    private void end(long id, Map<Long, Long> into, long t) {
        if (refusedAt.containsKey(id) || timedOutAt.containsKey(id)) return;
        Change c = changes.get(id);
        if (c != null && c.committedAt >= 0) return;
        into.put(id, t);
        if (c != null) {
            c.outcome = into == refusedAt ? "refused" : "timed out";
            open.remove(c);
        }
    }

    /** The interval since the last client commit closes at {@code t}: each open change it overlaps takes it. */
    private void onClientCommit(long t) {
        gapUntil(t);
        for (Iterator<Change> it = open.iterator(); it.hasNext(); ) {
            Change c = it.next();
            if (c.committedAt >= 0 && t >= c.committedAt) {
                c.gapsDone = true;
                it.remove();
            }
        }
        lastClientCommit = t;
    }

    /** The interval from the last client commit to {@code t}, within the measurement window. */
    private void gapUntil(long t) {
        long start = Math.max(lastClientCommit, ph.windowStart());
        long end = Math.min(t, ph.windowEnd());
        if (end <= start) return;
        for (Change c : open) {
            long changeEnd = c.committedAt >= 0 ? c.committedAt : Long.MAX_VALUE;
            if (start <= changeEnd && end >= c.requestedAt) c.longestNoCommit = Math.max(c.longestNoCommit, end - start);
        }
    }

    void finish() {
        // The interval still open at the end: a change committed but never followed by a client commit.
        open.removeIf(c -> c.committedAt < 0);
        gapUntil(ph.windowEnd());
        for (Change c : open) c.gapsDone = true;
        for (Change c : changes.values()) {
            if (!ph.inWindow(c.requestedAt)) continue;
            boolean committed = c.committedAt >= 0;
            m.membershipChanges.add(new RunMetrics.MembershipChange(c.id, c.kind, c.node, c.outcome, RunMetrics.ms(c.requestedAt),
                    committed ? RunMetrics.ms(c.committedAt) : Double.NaN,
                    committed && c.gapsDone && c.longestNoCommit >= 0 ? RunMetrics.ms(c.longestNoCommit) : Double.NaN,
                    c.caughtUpAt >= 0 ? RunMetrics.ms(c.caughtUpAt - c.requestedAt) : Double.NaN,
                    c.kind.equals("add") ? c.entriesSent : -1));
        }
        m.membershipRefused = ended(refusedAt);
        m.membershipTimedOut = ended(timedOutAt);
    }

    /** Those of a change requested in the window (whenever the answer came), or, with no request (no leader took it), answered in it. */
    private long ended(Map<Long, Long> at) {
        return at.entrySet().stream().filter(e -> {
            Change c = changes.get(e.getKey());
            return c != null ? ph.inWindow(c.requestedAt) : ph.inWindow(e.getValue());
        }).count();
    }

    private static Long changeId(String detail) {
        if (detail == null) return null;
        Matcher x = CHANGE_ID.matcher(detail);
        return x.find() ? Long.parseLong(x.group(1)) : null;
    }
}
