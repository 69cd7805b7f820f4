package quorumlab.analysis.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.HdrHistogram.Histogram;
import quorumlab.protocols.ClientReply;
import quorumlab.protocols.Operation;
import quorumlab.protocols.runtime.ClientOutcome;
import quorumlab.protocols.trace.TraceRecord;

/**
 * What the clients saw: latency, throughput, timeouts, redirects, failures, and the outages (spells
 * with requests outstanding and nothing committed). An operation is one {@code (client, seq)}; its
 * retries are attempts of the same operation. Only operations not yet committed are held: a
 * committed one is done with (a client never sends a {@code (client, seq)} again once it committed).
 */
final class ClientSide {
    /**
     * An outage must last this many median gaps between commits, and at least
     * {@link #THRESHOLD_LATENCIES} median latencies, so the ordinary jitter of a busy run is not one.
     */
    static final double THRESHOLD_GAPS = 10;

    static final double THRESHOLD_LATENCIES = 5;

    static final long MIN_THRESHOLD = 1_000_000L;

    /** A fault this long before an outage or a leader change may still be its cause. */
    static final long BLAME_GRACE = 1_000_000_000L;

    /** Spells kept as outage candidates before the cut-off for keeping one rises. */
    static final int CANDIDATES = 4096;

    /** Gaps between commits kept exactly, for an exact median; beyond, the gap histogram's (3 significant digits). */
    static final int EXACT_GAPS = 100_000;

    /** One operation: its first send, its intended send (open loop), its type, and how it ended. */
    static final class Op {
        final long client;
        final long invoked;
        final long intended;
        final String type;
        long committedAt = -1;
        long lastHeard;
        /** Attempts sent minus attempts answered (by a reply or a timeout). */
        int open;

        Op(long client, long invoked, long intended, String type) {
            this.client = client;
            this.invoked = invoked;
            this.intended = intended;
            this.type = type;
            this.lastHeard = invoked;
        }

        /** The instant the client stopped waiting: its commit, its last timeout or refusal, or never. Final only at the end. */
        long end() {
            if (committedAt >= 0) return committedAt;
            return open > 0 ? Long.MAX_VALUE : lastHeard;
        }
    }

    private record Key(long client, long seq) {}

    /**
     * Which clients were waiting at instant {@code at}, and when each of them next had a command
     * committed: the client outage after a leader change. The operations outstanding at {@code at}
     * are noted as soon as every record up to {@code at} is read; whether each was still waiting is
     * asked only at the end, when its last timeout is known.
     */
    static final class Watch {
        final long at;
        private Op[] outstanding;
        private Set<Long> unheard;
        private final Map<Long, Long> firstCommitAfter = new HashMap<>();

        Watch(long at) {
            this.at = at;
        }

        /** From {@code at} until every client that was waiting has a committed reply, in ms; NaN if one never has. */
        double clientOutageMs() {
            Set<Long> waiting = new HashSet<>();
            for (Op op : outstanding) if (op.invoked <= at && op.end() > at) waiting.add(op.client);
            if (waiting.isEmpty() || !firstCommitAfter.keySet().containsAll(waiting)) return Double.NaN;
            long worst = waiting.stream().mapToLong(firstCommitAfter::get).max().getAsLong();
            return RunMetrics.ms(worst - at);
        }
    }

    /** An interval between two commits in the window (or a window edge) that may prove an outage. */
    static final class Spell {
        long start;
        long end;
        /** Operations not committed at its end: a superset of those outstanding at any instant inside it. */
        Op[] outstanding;
        /** Set when a leader change asks about this spell: it is kept whatever its length. */
        Watch watch;
        RunMetrics.Outage outage;
    }

    private final RunMetrics m;
    private final Phases ph;
    private final Timeline timeline;
    private final long givenThreshold;
    private final LinkedHashMap<Key, Op> live = new LinkedHashMap<>();
    private final List<Watch> notYetTaken = new ArrayList<>();
    private final List<Watch> tracking = new ArrayList<>();
    // spells and the outage threshold
    private final Histogram gaps = new Histogram(RunMetrics.HIGHEST_TRACKABLE, 3);
    private long[] exactGaps = new long[1024];
    private long commitsInWindow;
    private long lastEdge;
    private boolean lastSpellClosed;
    private Spell asked;
    private final List<Spell> candidates = new ArrayList<>();
    private long cutoff;
    private int candidateLimit = CANDIDATES;
    private long longestLetGo = -1;

    ClientSide(RunMetrics m, Timeline timeline, long givenThreshold) {
        this.m = m;
        this.ph = m.phases;
        this.timeline = timeline;
        this.givenThreshold = givenThreshold;
        this.cutoff = givenThreshold >= 0 ? givenThreshold : MIN_THRESHOLD;
        this.lastEdge = ph.windowStart();
    }

    static String typeOf(Operation op) {
        if (op instanceof Operation.Get) return "read";
        if (op instanceof Operation.Cas) return "cas";
        return "write";
    }

    /** A watch from instant {@code at} (now or later). */
    Watch watchFrom(long at) {
        Watch w = new Watch(at);
        notYetTaken.add(w);
        return w;
    }

    /** No leader change needs this watch any more. */
    void drop(Watch w) {
        if (w == null) return;
        notYetTaken.remove(w);
        tracking.remove(w);
    }

    /** The spell open now (it ends at the next commit in the window, or at the window's end), kept whatever its length. */
    Spell currentSpell() {
        if (asked == null) asked = new Spell();
        return asked;
    }

    /** Called before each record: what was outstanding up to an earlier instant is now known. */
    void before(long t) {
        if (!notYetTaken.isEmpty()) {
            for (Iterator<Watch> it = notYetTaken.iterator(); it.hasNext(); ) {
                Watch w = it.next();
                if (w.at < t) {
                    it.remove();
                    take(w, live.values().toArray(new Op[0]));
                }
            }
        }
        if (!lastSpellClosed && t >= ph.windowEnd()) closeLastSpell();
    }

    private void take(Watch w, Op[] outstanding) {
        w.outstanding = outstanding;
        w.unheard = new HashSet<>();
        for (Op op : outstanding) w.unheard.add(op.client);
        if (!w.unheard.isEmpty()) tracking.add(w);
    }

    void accept(TraceRecord r) {
        if (r instanceof TraceRecord.Invoke i) {
            Key key = new Key(i.request().clientId(), i.request().seq());
            Op op = live.get(key);
            if (op == null) {
                op = new Op(i.request().clientId(), i.t(), i.intended(), typeOf(i.request().operation()));
                live.put(key, op);
            }
            op.open++;
        } else if (r instanceof TraceRecord.Complete c) {
            if (ph.inWindow(c.t())) {
                switch (c.outcome() == null ? "" : c.outcome()) {
                    case ClientOutcome.TIMEOUT -> m.clientTimeouts++;
                    case ClientOutcome.NOT_LEADER -> m.clientRedirects++;
                    case ClientOutcome.REJECTED -> m.clientRejections++;
                    case ClientOutcome.REFUSED -> m.clientRefusals++;
                    default -> { }
                }
            }
            Key key = new Key(c.clientId(), c.seq());
            Op op = live.get(key);
            if (op == null) return;
            op.open--;
            if (c.reply() instanceof ClientReply.Committed) committed(key, op, c.t());
            else op.lastHeard = Math.max(op.lastHeard, c.t());
        }
    }

    private void committed(Key key, Op op, long t) {
        op.committedAt = t;
        if (ph.inWindow(t)) commitInWindow(t);
        live.remove(key);
        for (Iterator<Watch> it = tracking.iterator(); it.hasNext(); ) {
            Watch w = it.next();
            if (t > w.at && w.unheard.remove(op.client)) {
                w.firstCommitAfter.put(op.client, t);
                if (w.unheard.isEmpty()) it.remove();
            }
        }
        m.commitsOverTime.add(t);
        if (!ph.inWindow(op.intended)) return;
        // a backlog sent during the warm-up and served at its end would inflate the window's throughput
        if (ph.inWindow(t)) m.committed++;
        // Open loop: from the instant the client meant to send, so a stalled system is not flattered.
        long latency = Math.min(Math.max(1, t - op.intended), RunMetrics.HIGHEST_TRACKABLE);
        m.latency.recordValue(latency);
        m.latencyByType.computeIfAbsent(op.type, x -> new Histogram(RunMetrics.HIGHEST_TRACKABLE, 3)).recordValue(latency);
        m.latencyOverTime.add(RunMetrics.ms(t), RunMetrics.ms(latency));
    }

    private void commitInWindow(long t) {
        commitsInWindow++;
        if (commitsInWindow >= 2) {
            long gap = t - lastEdge;
            gaps.recordValue(Math.min(Math.max(0, gap), RunMetrics.HIGHEST_TRACKABLE));
            long n = commitsInWindow - 1;
            if (n <= EXACT_GAPS) {
                if (n > exactGaps.length) exactGaps = Arrays.copyOf(exactGaps, (int) Math.min(EXACT_GAPS, 2L * exactGaps.length));
                exactGaps[(int) n - 1] = gap;
            }
        }
        closeSpell(lastEdge, t);
        lastEdge = t;
    }

    private void closeLastSpell() {
        lastSpellClosed = true;
        closeSpell(lastEdge, ph.windowEnd());
    }

    /**
     * A spell is kept when it is longer than the cut-off (the threshold cannot be less: at first
     * the least it can be, 1 ms) or a leader change asked about it. When too many are kept, the
     * cut-off rises to a quarter of the threshold the run suggests so far, and shorter spells are
     * let go; should the final threshold be lower than one of them, the pass asks for another.
     */
    private void closeSpell(long start, long end) {
        Spell s = asked;
        asked = null;
        if (s == null && end - start <= cutoff) return;
        boolean wanted = s != null;
        if (s == null) s = new Spell();
        s.start = start;
        s.end = end;
        s.outstanding = live.values().toArray(new Op[0]);
        if (wanted) {
            s.watch = new Watch(start);
            take(s.watch, s.outstanding);
        }
        candidates.add(s);
        if (candidates.size() > candidateLimit) prune();
    }

    private void prune() {
        // a known threshold is the cut-off already: every spell kept is an outage candidate
        long raised = givenThreshold >= 0 ? cutoff : Math.max(cutoff, threshold() / 4);
        if (raised > cutoff) {
            cutoff = raised;
            for (Iterator<Spell> it = candidates.iterator(); it.hasNext(); ) {
                Spell s = it.next();
                if (s.watch != null || s.end - s.start > cutoff) continue;
                longestLetGo = Math.max(longestLetGo, s.end - s.start);
                it.remove();
            }
        }
        // still many long spells: a run that is mostly outage; keep them
        if (candidates.size() > candidateLimit / 2) candidateLimit *= 2;
    }

    /** The outage threshold from the window so far: 10 median gaps between commits, 5 median latencies, at least 1 ms. */
    private long threshold() {
        long n = commitsInWindow - 1;
        double medianGap;
        if (n <= 0) {
            medianGap = 0;
        } else if (n <= EXACT_GAPS) {
            long[] sorted = Arrays.copyOf(exactGaps, (int) n);
            Arrays.sort(sorted);
            medianGap = sorted[sorted.length / 2];
        } else {
            // the element at index n/2 of the sorted gaps, to the histogram's resolution
            medianGap = gaps.getValueAtPercentile(100.0 * (n / 2 + 1) / n);
        }
        double medianLatency = m.latency.getTotalCount() == 0 ? 0 : m.latency.getValueAtPercentile(50);
        return (long) Math.max(MIN_THRESHOLD, Math.max(THRESHOLD_GAPS * medianGap, THRESHOLD_LATENCIES * medianLatency));
    }

    /**
     * Failures, the outage threshold and the outages. Returns -1, or the threshold when a spell
     * longer than it was let go: then another pass must run knowing it.
     */
    long finish() {
        for (Watch w : List.copyOf(notYetTaken)) take(w, live.values().toArray(new Op[0]));
        notYetTaken.clear();
        for (Op op : live.values()) if (ph.inWindow(op.intended)) m.clientFailures++;
        if (!lastSpellClosed) closeLastSpell();
        if (commitsInWindow < 2) return -1;
        long threshold = givenThreshold >= 0 ? givenThreshold : threshold();
        if (longestLetGo > threshold) return threshold;
        m.outageThresholdMs = RunMetrics.ms(threshold);
        for (Spell s : candidates) {
            if (s.end - s.start <= threshold) continue;
            long probe = s.start + threshold;
            boolean waiting = Arrays.stream(s.outstanding).anyMatch(op -> op.invoked <= probe && op.end() > probe);
            if (!waiting) continue;
            TraceRecord.Fault blamed = timeline.blame(s.start, s.end, BLAME_GRACE);
            s.outage = new RunMetrics.Outage(RunMetrics.ms(s.start), RunMetrics.ms(s.end), blamed == null ? "spontaneous" : blamed.fault());
            m.outages.add(s.outage);
        }
        return -1;
    }
}
