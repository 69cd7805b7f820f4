package quorumlab.analysis.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import quorumlab.protocols.ClientRequest;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.Operation;
import quorumlab.protocols.trace.TraceRecord;

/** The bounded pieces of the one-pass metrics, and the passes it takes when one pass cannot decide. */
class OnePassTest {
    static final long MS = RunMetricsTest.MS;

    @Test
    void timeBucketsCountExactlyAfterMerging() {
        SplittableRandom random = new SplittableRandom(7);
        TimeBuckets b = new TimeBuckets();
        long[] times = new long[50_000];
        for (int i = 0; i < times.length; i++) {
            times[i] = random.nextLong(3_600_000_000_000L); // up to an hour: the buckets merge four times
            b.add(times[i]);
        }
        assertEquals(1_000_000_000L, b.width(), "an hour in at most 10,000 buckets: 1 s each");
        for (long chart : new long[] {10_000_000_000L, 50_000_000_000L, 100_000_000_000L}) {
            int buckets = (int) (3_600_000_000_000L / chart);
            long[] expected = new long[buckets];
            for (long t : times) expected[(int) Math.min(buckets - 1, t / chart)]++;
            assertArrayEquals(expected, b.counts(chart, buckets), "chart buckets of " + chart + " ns");
        }
        assertEquals(times.length, b.total());
    }

    @Test
    void aLongWindowKeepsEachSlicesFastestAndSlowest() {
        LatencySample s = new LatencySample();
        s.window(0, 100_000);
        for (int i = 0; i < 100_000; i++) s.add(i, 5 + (i % 7));
        s.add(42_000.5, 900); // one spike among many
        assertTrue(s.sampled());
        assertEquals(100_001, s.count());
        List<double[]> points = s.points();
        assertTrue(points.size() <= 2 * LatencySample.BUCKETS, "bounded: " + points.size());
        assertTrue(points.stream().anyMatch(p -> p[1] == 900), "the spike is drawn");
        assertTrue(points.stream().anyMatch(p -> p[1] == 5), "so is the floor");
        for (int i = 1; i < points.size(); i++) assertTrue(points.get(i - 1)[0] <= points.get(i)[0], "in time order");
    }

    @Test
    void indexesBelowTheFloorAreForgottenAndTheRestKept() {
        IndexTimes t = new IndexTimes();
        for (long i = 1; i <= 5000; i++) t.putIfAbsent(i, i * 10);
        assertEquals(30, t.putIfAbsent(3, 99), "the first instant stays");
        t.raiseFloor(4000);
        assertEquals(IndexTimes.FORGOTTEN, t.get(3999));
        assertEquals(40_000, t.get(4000));
        assertEquals(50_000, t.get(5000));
        assertEquals(IndexTimes.ABSENT, t.get(5001));
        t.remove(4500);
        assertEquals(IndexTimes.ABSENT, t.get(4500));
    }

    /** Counts the passes a trace takes. */
    private static RunMetrics measureCountingPasses(List<TraceRecord> trace, AtomicInteger passes) {
        RunMetrics m = RunMetrics.of(sink -> {
            passes.incrementAndGet();
            trace.forEach(sink);
        });
        return m;
    }

    @Test
    void aLongWaitForTheFirstLeaderTakesASecondPass() {
        List<TraceRecord> t = new ArrayList<>();
        t.add(RunMetricsTest.meta("raft", 3, 0, 400_000));
        long seq = 1;
        // no leader for a long time: every request times out, more records than are held
        for (long at = 0; at < 120_000; at += 1) {
            RunMetricsTest.invoke(t, 1, seq, at, NodeId.of(1), new Operation.Put("k", "v"));
            RunMetricsTest.timedOut(t, 1, seq++, at, NodeId.of(1));
        }
        RunMetricsTest.steady(t, 1, seq, 120_000, 121_000, 10, 2);
        AtomicInteger passes = new AtomicInteger();
        RunMetrics m = measureCountingPasses(RunMetricsTest.sorted(t), passes);
        assertEquals(2, passes.get(), "the window's start is known only at the first commit, past what is held");
        assertEquals(120_002, m.phases.warmupMs(), 1e-9);
        assertEquals(99, m.committed, "the request sent at 120,000 ms was sent before the window");
    }

    /**
     * Early, commits come every 20 ms, so a 20 ms spell looks ordinary and is let go; later they
     * come every 0.1 ms and the threshold falls to 5 ms: the let-go spells would be outages, and a
     * pass that knows the threshold finds them.
     */
    @Test
    void aThresholdBelowTheSpellsLetGoTakesAnotherPass() {
        List<TraceRecord> t = new ArrayList<>();
        t.add(RunMetricsTest.meta("raft", 3, 0, 200_000));
        long seq = RunMetricsTest.steady(t, 1, 1, 0, 100_000, 20, 19); // 5,000 spells of 20 ms, each with a request outstanding
        for (long at = 100_000 * MS; at < 110_000 * MS; at += MS / 10) {
            t.add(new TraceRecord.Invoke(at, at, NodeId.of(1), new ClientRequest(2, seq, new Operation.Put("k", "v"))));
            t.add(new TraceRecord.Complete(at + MS, 2, seq, NodeId.of(1),
                    new quorumlab.protocols.ClientReply.Committed(2, seq, seq, new quorumlab.protocols.Result(true, null)), "ok"));
            seq++;
        }
        // measured as 'compare' measures: the first pass is the checkers', fed to a builder
        List<TraceRecord> trace = RunMetricsTest.sorted(t);
        RunMetrics.Builder builder = new RunMetrics.Builder();
        trace.forEach(builder);
        AtomicInteger again = new AtomicInteger();
        RunMetrics m = builder.finish(sink -> {
            again.incrementAndGet();
            trace.forEach(sink);
        });
        assertEquals(1, again.get(), "the first pass let spells go that the final threshold counts: one more pass");
        assertEquals(5.0, m.outageThresholdMs, 0.01, "5 median latencies of 1 ms");
        assertTrue(m.outages.size() > 4000, "the 20 ms spells with a request outstanding: " + m.outages.size());
    }

    /** Fed by someone else's pass (the checkers'), the metrics do not read an ordinary trace again. */
    @Test
    void aBuilderFedByAnotherPassDecidesAnOrdinaryTraceInThatPass() {
        List<TraceRecord> steady = new ArrayList<>();
        steady.add(RunMetricsTest.meta("raft", 3, 0, 2_000));
        RunMetricsTest.steady(steady, 1, 1, 0, 1000, 10, 2);
        RunMetrics.Builder once = new RunMetrics.Builder();
        RunMetricsTest.sorted(steady).forEach(once);
        RunMetrics decided = once.finish(sink -> {
            throw new AssertionError("an ordinary trace is measured in the pass that fed it");
        });
        assertEquals(RunMetrics.of(RunMetricsTest.sorted(steady)).latency, decided.latency);
        assertTrue(decided.committed > 0);
    }

    @Test
    void anOldTraceWithoutTheWindowsEndIsMeasuredAsBefore() {
        List<TraceRecord> t = new ArrayList<>();
        t.add(new TraceRecord.Meta(0, "raft", 3, 1, "sim", "test"));
        RunMetricsTest.steady(t, 1, 1, 0, 1000, 10, 2);
        AtomicInteger passes = new AtomicInteger();
        RunMetrics m = measureCountingPasses(RunMetricsTest.sorted(t), passes);
        assertEquals(1, passes.get(), "a short trace is held whole and decided at its end");
        assertEquals(990 + 1e-6 - 2, m.phases.windowMs(), 1e-9, "the window ends with the last intended send");
        assertFalse(m.latency.getTotalCount() == 0);
    }
}
