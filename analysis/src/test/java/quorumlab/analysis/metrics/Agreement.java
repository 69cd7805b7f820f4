package quorumlab.analysis.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;
import quorumlab.protocols.trace.TraceRecord;

/**
 * The one-pass metrics against the whole-trace implementation they replaced (kept, frozen, in
 * {@code legacy} as the reference): every field the same. Histograms hold the same values, so they
 * are compared bucket by bucket; the outage threshold is exact up to {@link ClientSide#EXACT_GAPS}
 * gaps, which every trace here stays under.
 */
final class Agreement {
    private Agreement() {}

    /** The streaming metrics of {@code trace}, after checking they equal the reference's. */
    static RunMetrics measure(List<TraceRecord> trace) {
        RunMetrics m = RunMetrics.of(trace);
        assertAgree(quorumlab.analysis.metrics.legacy.RunMetrics.of(trace), m, "");
        return m;
    }

    static void assertAgree(quorumlab.analysis.metrics.legacy.RunMetrics old, RunMetrics m, String where) {
        assertEquals(old.phases.windowStart(), m.phases.windowStart(), where + "window start");
        assertEquals(old.phases.windowEnd(), m.phases.windowEnd(), where + "window end");
        assertEquals(old.phases.traceEnd(), m.phases.traceEnd(), where + "trace end");
        assertEquals(old.latency, m.latency, where + "latency");
        assertEquals(old.latencyByType.keySet(), m.latencyByType.keySet(), where + "latency types");
        old.latencyByType.forEach((type, h) -> assertEquals(h, m.latencyByType.get(type), where + "latency " + type));
        assertEquals(old.latencyOverTime.size(), m.latencyOverTime.count(), where + "latency points");
        if (!m.latencyOverTime.sampled()) {
            // the reference lists them by first send, the stream by completion: the same points
            assertEquals(sorted(old.latencyOverTime), sorted(m.latencyOverTime.points()), where + "latency points");
        }
        assertEquals(old.commitTimes.length, m.commitsOverTime.total(), where + "commits over time");
        for (long bucket : new long[] {1_000_000L, 20_000_000L, 100_000_000L, 500_000_000L, 10_000_000_000L}) {
            // a chart's bucket is at least 1/75 of the run, never finer than the buckets kept
            if (bucket % m.commitsOverTime.width() != 0) continue;
            int buckets = (int) Math.max(1, (old.phases.traceEnd() + bucket - 1) / bucket);
            long[] expected = new long[buckets];
            for (long t : old.commitTimes) expected[(int) Math.min(buckets - 1, t / bucket)]++;
            assertArrayEquals(expected, m.commitsOverTime.counts(bucket, buckets), where + "commits per " + bucket + " ns");
        }
        assertEquals(old.committed, m.committed, where + "committed");
        assertEquals(old.clientTimeouts, m.clientTimeouts, where + "timeouts");
        assertEquals(old.clientRedirects, m.clientRedirects, where + "redirects");
        assertEquals(old.clientRejections, m.clientRejections, where + "rejections");
        assertEquals(old.clientRefusals, m.clientRefusals, where + "refusals");
        assertEquals(old.clientFailures, m.clientFailures, where + "failures");
        assertEquals(String.valueOf(old.outageThresholdMs), String.valueOf(m.outageThresholdMs), where + "outage threshold");
        assertEquals(old.outages.toString(), m.outages.toString(), where + "outages");
        assertEquals(old.leaderChanges.toString(), m.leaderChanges.toString(), where + "leader changes");
        assertEquals(old.unavailabilityMs, m.unavailabilityMs, where + "unavailability");
        assertEquals(old.clientOutageMs, m.clientOutageMs, where + "client outage");
        assertEquals(old.termsTried, m.termsTried, where + "terms tried");
        assertEquals(old.splitVotes, m.splitVotes, where + "split votes");
        assertEquals(old.candidaciesFailed, m.candidaciesFailed, where + "candidacies failed");
        assertEquals(old.outOfOrder, m.outOfOrder, where + "out of order");
        assertEquals(old.maxGapWidth, m.maxGapWidth, where + "max gap width");
        Histogram gaps = new Histogram(RunMetrics.HIGHEST_TRACKABLE, 3);
        old.gapLifetimesMs.forEach(ms -> gaps.recordValue(Math.max(1, Math.round(ms * 1e6))));
        assertEquals(gaps, m.gapLifetimes, where + "gap lifetimes");
        assertEquals(old.gapLifetimesMs.stream().mapToDouble(Double::doubleValue).max().orElse(0), m.maxGapLifetimeMs, where + "longest gap");
        assertEquals(old.chooseToApply, m.chooseToApply, where + "choose to apply");
        assertEquals(old.appendToCommit, m.appendToCommit, where + "append to commit");
        assertEquals(old.commitLag, m.commitLag, where + "commit lag");
        assertEquals(old.catchUps.toString(), m.catchUps.toString(), where + "catch-ups");
        assertEquals(old.waiting.what(), m.waiting.what(), where + "waiting");
        assertEquals(old.waiting.values().keySet(), m.waiting.values().keySet(), where + "waiting nodes");
        old.waiting.values().forEach((n, v) -> assertArrayEquals(v, m.waiting.values().get(n), where + "waiting " + n));
        assertEquals(old.noOps, m.noOps, where + "no-ops");
        assertEquals(old.entriesTruncated, m.entriesTruncated, where + "truncated");
        assertEquals(old.appendsRejected, m.appendsRejected, where + "rejected appends");
        assertEquals(flat(old.messagesByType), flat(m.messagesByType), where + "messages by type");
        assertEquals(flat(old.messagesByCategory), flat(m.messagesByCategory), where + "messages by category");
        assertEquals(old.messagesByNode, m.messagesByNode, where + "messages by node");
        assertEquals(old.messagesByLeader, m.messagesByLeader, where + "messages by leader");
        assertEquals(old.messagesCounted, m.messagesCounted, where + "messages counted");
        assertEquals(old.faultWindows.toString(), m.faultWindows.toString(), where + "fault windows");
    }

    private static List<String> sorted(List<double[]> points) {
        return points.stream().sorted(Comparator.<double[]>comparingDouble(p -> p[0]).thenComparingDouble(p -> p[1]))
                .map(Arrays::toString).toList();
    }

    private static Map<String, String> flat(Map<String, long[]> m) {
        Map<String, String> out = new TreeMap<>();
        m.forEach((k, v) -> out.put(k, Arrays.toString(v)));
        return out;
    }
}
