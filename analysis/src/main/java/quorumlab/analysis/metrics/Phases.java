package quorumlab.analysis.metrics;

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
    Phases withTraceEnd(long end) {
        return new Phases(windowStart, windowEnd, end);
    }

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

    /**
     * Follows the records that decide the phases. The window's start is known at the first
     * committed reply (or, if no client is ever served, at the end); its end is in the meta record
     * (traces written before it was recorded need the whole trace: the last intended send).
     */
    static final class Finder {
        private Long warmup;
        private Long end;
        private long lastIntended = -1;
        private long firstServed = -1;
        private long traceEnd;

        void accept(TraceRecord r) {
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

        /** True once the window is known without reading further: a client was served and meta gave the end. */
        boolean decided() {
            return firstServed >= 0 && end != null;
        }

        long traceEnd() {
            return traceEnd;
        }

        /** The phases as the records so far decide them; at the end of the trace, the run's phases. */
        Phases phases() {
            // Traces written before the window was recorded: the workload ended with its last send.
            long windowEnd = end != null ? end : lastIntended + 1;
            // A run in which no client was ever served is measured from the workload's start: 0 commits.
            long windowStart = Math.max(warmup != null ? warmup : 0, Math.max(0, firstServed));
            return new Phases(Math.min(windowStart, Math.max(0, windowEnd)), Math.max(0, windowEnd), traceEnd);
        }
    }
}
