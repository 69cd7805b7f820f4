package quorumlab.analysis.metrics.legacy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import quorumlab.protocols.ClientReply;
import quorumlab.protocols.Operation;
import quorumlab.protocols.runtime.ClientOutcome;
import quorumlab.protocols.trace.TraceRecord;

/**
 * What the clients saw: latency, throughput, timeouts, redirects, failures, and the outages (spells
 * with requests outstanding and nothing committed). An operation is one {@code (client, seq)}; its
 * retries are attempts of the same operation.
 */
final class ClientSide {
    /**
     * An outage must last this many median gaps between commits, and at least
     * {@link #THRESHOLD_LATENCIES} median latencies, so the ordinary jitter of a busy run is not one.
     */
    static final double THRESHOLD_GAPS = 10;

    static final double THRESHOLD_LATENCIES = 5;

    /** A fault this long before an outage or a leader change may still be its cause. */
    static final long BLAME_GRACE = 1_000_000_000L;

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

        /** The instant the client stopped waiting: its commit, its last timeout or refusal, or never. */
        long end() {
            if (committedAt >= 0) return committedAt;
            return open > 0 ? Long.MAX_VALUE : lastHeard;
        }
    }

    private ClientSide() {}

    static String typeOf(Operation op) {
        if (op instanceof Operation.Get) return "read";
        if (op instanceof Operation.Cas) return "cas";
        return "write";
    }

    /** Every operation, in order of first send. */
    static List<Op> operations(List<TraceRecord> trace) {
        Map<String, Op> ops = new LinkedHashMap<>();
        for (TraceRecord r : trace) {
            if (r instanceof TraceRecord.Invoke i) {
                String key = i.request().clientId() + "/" + i.request().seq();
                ops.computeIfAbsent(key, k -> new Op(i.request().clientId(), i.t(), i.intended(), typeOf(i.request().operation()))).open++;
            } else if (r instanceof TraceRecord.Complete c) {
                Op op = ops.get(c.clientId() + "/" + c.seq());
                if (op == null || op.committedAt >= 0) continue;
                op.open--;
                if (c.reply() instanceof ClientReply.Committed) op.committedAt = c.t();
                else op.lastHeard = Math.max(op.lastHeard, c.t());
            }
        }
        return new ArrayList<>(ops.values());
    }

    static void measure(List<TraceRecord> trace, List<Op> ops, Timeline timeline, RunMetrics m) {
        Phases ph = m.phases;
        List<Long> commits = new ArrayList<>();
        for (Op op : ops) {
            if (op.committedAt < 0) {
                if (ph.inWindow(op.intended)) m.clientFailures++;
                continue;
            }
            commits.add(op.committedAt);
            if (!ph.inWindow(op.intended)) continue;
            // a backlog sent during the warm-up and served at its end would inflate the window's throughput
            if (ph.inWindow(op.committedAt)) m.committed++;
            // Open loop: from the instant the client meant to send, so a stalled system is not flattered.
            long latency = Math.max(1, op.committedAt - op.intended);
            m.latency.recordValue(Math.min(latency, RunMetrics.HIGHEST_TRACKABLE));
            m.latencyByType.computeIfAbsent(op.type, t -> new Histogram(RunMetrics.HIGHEST_TRACKABLE, 3))
                    .recordValue(Math.min(latency, RunMetrics.HIGHEST_TRACKABLE));
            m.latencyOverTime.add(new double[] {RunMetrics.ms(op.committedAt), RunMetrics.ms(latency)});
        }
        m.commitTimes = commits.stream().mapToLong(Long::longValue).sorted().toArray();
        for (TraceRecord r : trace) {
            if (!(r instanceof TraceRecord.Complete c) || !ph.inWindow(c.t())) continue;
            switch (c.outcome() == null ? "" : c.outcome()) {
                case ClientOutcome.TIMEOUT -> m.clientTimeouts++;
                case ClientOutcome.NOT_LEADER -> m.clientRedirects++;
                case ClientOutcome.REJECTED -> m.clientRejections++;
                case ClientOutcome.REFUSED -> m.clientRefusals++;
                default -> { }
            }
        }
        outages(ops, timeline, m);
    }

    /**
     * Outages: a spell between two commits (or a window edge) longer than the threshold, with some
     * operation outstanding once the threshold has passed, so an idle client is never an outage.
     */
    private static void outages(List<Op> ops, Timeline timeline, RunMetrics m) {
        Phases ph = m.phases;
        long[] inWindow = Arrays.stream(m.commitTimes).filter(ph::inWindow).toArray();
        if (inWindow.length < 2) return;
        long[] gaps = new long[inWindow.length - 1];
        for (int i = 1; i < inWindow.length; i++) gaps[i - 1] = inWindow[i] - inWindow[i - 1];
        long[] sortedGaps = gaps.clone();
        Arrays.sort(sortedGaps);
        double medianGap = sortedGaps[sortedGaps.length / 2];
        double medianLatency = m.latency.getTotalCount() == 0 ? 0 : m.latency.getValueAtPercentile(50);
        long threshold = (long) Math.max(1_000_000L, Math.max(THRESHOLD_GAPS * medianGap, THRESHOLD_LATENCIES * medianLatency));
        m.outageThresholdMs = RunMetrics.ms(threshold);
        long[] edges = new long[inWindow.length + 2];
        edges[0] = ph.windowStart();
        System.arraycopy(inWindow, 0, edges, 1, inWindow.length);
        edges[edges.length - 1] = ph.windowEnd();
        for (int i = 1; i < edges.length; i++) {
            long start = edges[i - 1];
            long end = edges[i];
            if (end - start <= threshold) continue;
            long probe = start + threshold;
            boolean waiting = ops.stream().anyMatch(op -> op.invoked <= probe && op.end() > probe);
            if (!waiting) continue;
            TraceRecord.Fault blamed = timeline.blame(start, end, BLAME_GRACE);
            m.outages.add(new RunMetrics.Outage(RunMetrics.ms(start), RunMetrics.ms(end), blamed == null ? "spontaneous" : blamed.fault()));
        }
    }
}
