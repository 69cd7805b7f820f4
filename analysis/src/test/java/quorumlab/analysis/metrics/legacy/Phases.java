package quorumlab.analysis.metrics.legacy;

import java.util.List;
import quorumlab.protocols.ClientReply;
import quorumlab.protocols.trace.TraceRecord;

/**
 * The three phases of a run, in ns since it began. Warm-up: until the first leader serves a client
 * (its first committed reply) or the workload's configured warm-up, whichever is later, so neither
 * the start-up election nor requests that waited for it count. Window: from there to the end of the
 * workload (clients send no new request after it). Drain: from there to the end of the trace, while
 * requests in flight complete or give up.
 *
 * @param windowStart start of the measurement window
 * @param windowEnd end of the measurement window (the workload's end)
 * @param traceEnd the last record's instant
 */
public record Phases(long windowStart, long windowEnd, long traceEnd) {
    static final Phases NONE = new Phases(0, 0, 0);

    public double warmupMs() {
        return RunMetrics.ms(windowStart);
    }

    public double windowMs() {
        return RunMetrics.ms(Math.max(0, windowEnd - windowStart));
    }

    public double drainMs() {
        return RunMetrics.ms(Math.max(0, traceEnd - windowEnd));
    }

    public boolean inWindow(long t) {
        return t >= windowStart && t < windowEnd;
    }

    static Phases of(List<TraceRecord> trace) {
        Long warmup = null;
        Long end = null;
        long lastIntended = -1;
        long firstServed = -1;
        long traceEnd = 0;
        for (TraceRecord r : trace) {
            traceEnd = Math.max(traceEnd, r.t());
            if (r instanceof TraceRecord.Meta meta) {
                warmup = meta.warmup();
                end = meta.end();
            } else if (r instanceof TraceRecord.Invoke i) {
                lastIntended = Math.max(lastIntended, i.intended());
            } else if (firstServed < 0 && r instanceof TraceRecord.Complete c && c.reply() instanceof ClientReply.Committed) {
                firstServed = c.t();
            }
        }
        // Traces written before the window was recorded: the workload ended with its last send.
        long windowEnd = end != null ? end : lastIntended + 1;
        // A run in which no client was ever served is measured from the workload's start: 0 commits.
        long windowStart = Math.max(warmup != null ? warmup : 0, Math.max(0, firstServed));
        return new Phases(Math.min(windowStart, Math.max(0, windowEnd)), Math.max(0, windowEnd), traceEnd);
    }
}
