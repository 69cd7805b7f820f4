package quorumlab.analysis.metrics;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.trace.TraceRecord;

/**
 * Gaps, head-of-line blocking and catch-up, kept apart. A node that was down, paused or cut off is
 * catching up from the instant it is back until it has applied everything the cluster had learned
 * by then; what it learns meanwhile is catch-up, not a protocol gap. Gaps and choose-to-apply delays
 * count only indexes a node learned while it was up, in contact and caught up, in the window.
 */
final class Ordering {
    /** Samples of the waiting-entries series per node over the window. */
    static final int WAITING_BUCKETS = 400;

    private enum Status { UP, AWAY, CATCHING_UP }

    /** What the analysis knows of one node's log. */
    private static final class NodeLog {
        Status status = Status.UP;
        String awayBecause;
        /** Every index up to here is learned (chosen/committed) on this node. */
        long prefix;
        final TreeSet<Long> above = new TreeSet<>();
        long gapSince = -1;
        final Map<Long, Long> learnedAt = new HashMap<>();
        long applied;
        long appended;
        long catchUpTarget;
        long catchUpSince;
        long catchUpFrom;
        String catchUpAfter;
        long[] waiting;
        /** The value at the end of each bucket, carried into the empty buckets after it. */
        long[] lastInBucket;

        void forget() {
            prefix = 0;
            above.clear();
            gapSince = -1;
            learnedAt.clear();
            applied = 0;
            appended = 0;
        }

        long chosenNotApplied() {
            return Math.max(0, prefix - applied) + above.size();
        }

        long appendedNotCommitted() {
            return Math.max(0, appended - prefix);
        }
    }

    private final RunMetrics m;
    private final Phases ph;
    private final Timeline timeline;
    private final Map<NodeId, NodeLog> logs = new TreeMap<>();
    /**
     * When each index was first learned, and when the leader appended it. An index every node has
     * learned is forgotten: no node is still to learn it, so neither is asked for it again, and a
     * long run holds only the indexes in flight (or, while a node is away, those it has to catch up).
     */
    private final IndexTimes firstLearned = new IndexTimes();
    private final IndexTimes leaderAppendedAt = new IndexTimes();
    private final Map<Long, NodeId> leaderOfTerm = new HashMap<>();
    private final Set<Long> noOpIndexes = new HashSet<>();
    private long highestLearned;
    private long learnedEverywhere;
    private boolean slots;

    Ordering(RunMetrics m, Timeline timeline) {
        this.m = m;
        this.ph = m.phases;
        this.timeline = timeline;
    }

    void accept(TraceRecord r) {
        if (r instanceof TraceRecord.Meta meta) {
            for (int i = 1; i <= meta.nodes(); i++) logs.put(NodeId.of(i), new NodeLog());
            return;
        }
        if (r instanceof TraceRecord.Fault f) {
            onFault(f, logs, highestLearned);
            for (NodeLog log : logs.values()) sample(log, f.t(), ph, slots);
            return;
        }
        if (!(r instanceof TraceRecord.Event e) || e.node() == null) return;
        NodeLog log = logs.computeIfAbsent(e.node(), n -> new NodeLog());
        boolean counts = log.status == Status.UP && ph.inWindow(e.t());
        ProtocolEvent ev = e.event();
        long learned = -1;
        if (ev instanceof ProtocolEvent.SlotChosen s) {
            learned = s.slot();
            slots = true;
            if ("noop".equals(s.command()) && ph.inWindow(e.t())) noOpIndexes.add(s.slot());
        } else if (ev instanceof ProtocolEvent.EntryCommitted c) {
            learned = c.index();
            if ("noop".equals(c.command()) && ph.inWindow(e.t())) noOpIndexes.add(c.index());
        } else if (ev instanceof ProtocolEvent.LeaderEstablished le) {
            leaderOfTerm.put(le.term(), e.node());
        } else if (ev instanceof ProtocolEvent.EntryAppended a) {
            log.appended = a.index();
            if (e.node().equals(leaderOfTerm.get(a.term()))) leaderAppendedAt.putIfAbsent(a.index(), e.t());
        } else if (ev instanceof ProtocolEvent.ValueAccepted v) {
            // the leader's own acceptor accepting its proposal: the Paxos counterpart of the append
            if (e.node().equals(v.proposer())) leaderAppendedAt.putIfAbsent(v.slot(), e.t());
        } else if (ev instanceof ProtocolEvent.LogTruncated t) {
            log.appended = Math.min(log.appended, t.fromIndex() - 1);
            if (ph.inWindow(e.t())) m.entriesTruncated += t.count();
        } else if (ev instanceof ProtocolEvent.AppendRejected) {
            if (ph.inWindow(e.t())) m.appendsRejected++;
        } else if (ev instanceof ProtocolEvent.EntryApplied a) {
            Long at = log.learnedAt.remove(a.index());
            if (at != null && counts) m.chooseToApply.recordValue(clamp(e.t() - at));
            log.applied = Math.max(log.applied, a.index());
            // what a node applies it has learned, even when it learned it before a restart
            learnedPrefix(log, a.index());
        } else if (ev instanceof ProtocolEvent.StateMachineRestored s) {
            log.applied = s.index();
            if (log.status == Status.CATCHING_UP && log.catchUpFrom < s.index()) log.catchUpFrom = s.index();
            learnedPrefix(log, s.index());
        }
        if (learned > 0) {
            highestLearned = Math.max(highestLearned, learned);
            long first = firstLearned.putIfAbsent(learned, e.t());
            if (first >= 0 && counts) m.commitLag.recordValue(clamp(e.t() - first));
            long appendedAt = leaderAppendedAt.get(learned);
            if (appendedAt >= 0 && counts && e.node().equals(timeline.leaderAt(e.t()))) {
                m.appendToCommit.recordValue(clamp(e.t() - appendedAt));
                leaderAppendedAt.remove(learned);
            }
            learn(log, learned, e.t(), counts, m);
        }
        finishCatchUp(e.node(), log, e.t(), m);
        sample(log, e.t(), ph, slots);
        forgetLearnedEverywhere();
    }

    private void forgetLearnedEverywhere() {
        long everywhere = Long.MAX_VALUE;
        for (NodeLog log : logs.values()) everywhere = Math.min(everywhere, log.prefix);
        if (everywhere == Long.MAX_VALUE || everywhere <= learnedEverywhere) return;
        learnedEverywhere = everywhere;
        firstLearned.raiseFloor(everywhere + 1);
        leaderAppendedAt.raiseFloor(everywhere + 1);
    }

    void finish() {
        m.noOps = noOpIndexes.size();
        Map<NodeId, long[]> waiting = new TreeMap<>();
        logs.forEach((n, log) -> {
            if (log.waiting == null) {
                log.waiting = new long[WAITING_BUCKETS];
                log.lastInBucket = new long[WAITING_BUCKETS];
            }
            long last = 0;
            for (int i = 0; i < log.waiting.length; i++) {
                if (log.waiting[i] < 0) log.waiting[i] = last;
                else last = log.lastInBucket[i];
            }
            waiting.put(n, log.waiting);
        });
        m.waiting = new RunMetrics.Waiting(slots ? "chosen, not applied" : "appended, not committed",
                RunMetrics.ms(ph.windowStart()), RunMetrics.ms(ph.windowEnd()), waiting);
    }

    private static long clamp(long nanos) {
        return Math.min(RunMetrics.HIGHEST_TRACKABLE, Math.max(1, nanos));
    }

    private static void onFault(TraceRecord.Fault f, Map<NodeId, NodeLog> logs, long highestLearned) {
        switch (f.fault()) {
            case "crash" -> f.nodes().forEach(n -> {
                NodeLog log = logs.computeIfAbsent(n, x -> new NodeLog());
                log.status = Status.AWAY;
                log.awayBecause = "crash";
                log.forget();
            });
            case "pause" -> f.nodes().forEach(n -> away(logs, n, "pause"));
            case "partition", "isolate" -> f.nodes().forEach(n -> away(logs, n, f.fault()));
            case "restart", "resume" -> f.nodes().forEach(n -> back(logs.get(n), f, highestLearned));
            case "heal" -> logs.values().forEach(log -> {
                if (log.status == Status.AWAY && ("partition".equals(log.awayBecause) || "isolate".equals(log.awayBecause))) {
                    back(log, f, highestLearned);
                }
            });
            default -> { }
        }
    }

    private static void away(Map<NodeId, NodeLog> logs, NodeId n, String why) {
        NodeLog log = logs.computeIfAbsent(n, x -> new NodeLog());
        if (log.status == Status.AWAY) return;
        log.status = Status.AWAY;
        log.awayBecause = why;
    }

    private static void back(NodeLog log, TraceRecord.Fault f, long highestLearned) {
        if (log == null || log.status != Status.AWAY) return;
        log.status = Status.CATCHING_UP;
        log.catchUpTarget = highestLearned;
        log.catchUpSince = f.t();
        log.catchUpFrom = log.applied;
        log.catchUpAfter = log.awayBecause;
        log.gapSince = -1;
    }

    private static void finishCatchUp(NodeId n, NodeLog log, long t, RunMetrics m) {
        if (log.status != Status.CATCHING_UP || log.applied < log.catchUpTarget) return;
        log.status = Status.UP;
        log.learnedAt.clear();
        log.gapSince = -1;
        if (m.phases.inWindow(log.catchUpSince)) {
            m.catchUps.add(new RunMetrics.CatchUp(n, log.catchUpAfter, RunMetrics.ms(log.catchUpSince), RunMetrics.ms(t),
                    Math.max(0, log.catchUpTarget - log.catchUpFrom)));
        }
    }

    private static void learnedPrefix(NodeLog log, long index) {
        if (index <= log.prefix) return;
        log.prefix = index;
        log.above.headSet(index, true).clear();
        while (log.above.remove(log.prefix + 1)) log.prefix++;
        if (log.above.isEmpty()) log.gapSince = -1;
    }

    /** Per node: an index learned while a lower one is not is out of order; the gap lives until the holes fill. */
    private static void learn(NodeLog log, long index, long t, boolean counts, RunMetrics m) {
        if (index <= log.prefix || !log.above.add(index)) return;
        if (counts) log.learnedAt.put(index, t);
        if (index > log.prefix + 1 && counts) {
            m.outOfOrder++;
            long width = index - log.prefix - 1 - log.above.subSet(log.prefix + 1, index).size();
            m.maxGapWidth = Math.max(m.maxGapWidth, width);
            if (log.gapSince < 0) log.gapSince = t;
        }
        while (log.above.remove(log.prefix + 1)) log.prefix++;
        if (log.above.isEmpty() && log.gapSince >= 0) {
            if (counts) {
                m.gapLifetimes.recordValue(clamp(t - log.gapSince));
                m.maxGapLifetimeMs = Math.max(m.maxGapLifetimeMs, RunMetrics.ms(t - log.gapSince));
            }
            log.gapSince = -1;
        }
    }

    private static void sample(NodeLog log, long t, Phases ph, boolean slots) {
        if (!ph.inWindow(t)) return;
        if (log.waiting == null) {
            log.waiting = new long[WAITING_BUCKETS];
            java.util.Arrays.fill(log.waiting, -1);
            log.lastInBucket = new long[WAITING_BUCKETS];
        }
        int b = (int) Math.min(WAITING_BUCKETS - 1, (t - ph.windowStart()) * WAITING_BUCKETS / Math.max(1, ph.windowEnd() - ph.windowStart()));
        // a node catching up is drawn at zero: its backlog is catch-up, reported apart
        long v = log.status != Status.UP ? 0 : slots ? log.chosenNotApplied() : log.appendedNotCommitted();
        log.waiting[b] = Math.max(log.waiting[b], v);
        log.lastInBucket[b] = v;
    }
}
