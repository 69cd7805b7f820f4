package quorumlab.analysis.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import quorumlab.protocols.ClientReply;
import quorumlab.protocols.ClientRequest;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.Operation;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.Result;
import quorumlab.protocols.trace.TraceRecord;

class RunMetricsTest {
    static final long MS = 1_000_000L;
    static final NodeId N1 = NodeId.of(1), N2 = NodeId.of(2), N3 = NodeId.of(3);

    static TraceRecord ev(long tMs, NodeId n, ProtocolEvent e) {
        return new TraceRecord.Event(tMs * MS, n, e);
    }

    static void op(List<TraceRecord> t, long seq, long intendedMs, long sentMs, long doneMs) {
        t.add(new TraceRecord.Invoke(sentMs * MS, intendedMs * MS, N1,
                new ClientRequest(1, seq, new Operation.Put("k", "v" + seq))));
        t.add(new TraceRecord.Complete(doneMs * MS, 1, seq, N1,
                new ClientReply.Committed(1, seq, seq, new Result(true, null)), "ok"));
    }

    @Test
    void latenciesAreMeasuredFromTheIntendedSendTime() {
        List<TraceRecord> t = new ArrayList<>();
        op(t, 1, 0, 0, 10);
        op(t, 2, 100, 150, 120 + 100); // sent late: latency counts from 100, so 120 ms, not 70
        op(t, 3, 300, 300, 302);
        RunMetrics m = RunMetrics.of(t);
        assertEquals(3, m.committed);
        assertEquals(120.0, m.latency.getMaxValue() / 1e6, 0.2);
        assertEquals(10.0, m.latency.getValueAtPercentile(50) / 1e6, 0.02);
        assertEquals(2.0, m.latency.getMinValue() / 1e6, 0.01);
    }

    @Test
    void electionRunsFromTheLeaderCrashToTheNextLeaderAndCountsSplitVotes() {
        List<TraceRecord> t = new ArrayList<>();
        t.add(ev(10, N1, new ProtocolEvent.ElectionStarted(1, false)));
        t.add(ev(12, N1, new ProtocolEvent.LeaderEstablished(1)));
        op(t, 1, 20, 20, 25);
        t.add(new TraceRecord.Fault(1000 * MS, "crash", List.of(N1), "target leader"));
        op(t, 2, 1001, 1001, 1600); // submitted after the crash, committed at 1600
        t.add(ev(1200, N2, new ProtocolEvent.ElectionStarted(2, false)));
        t.add(ev(1201, N3, new ProtocolEvent.ElectionStarted(2, false))); // term 2: split vote, no leader
        t.add(ev(1200, N2, new ProtocolEvent.ElectionStarted(2, true))); // pre-votes are not terms tried
        t.add(ev(1400, N2, new ProtocolEvent.ElectionStarted(3, false)));
        t.add(ev(1450, N2, new ProtocolEvent.LeaderEstablished(3)));
        t.add(new TraceRecord.Fault(2000 * MS, "restart", List.of(N1), ""));
        RunMetrics m = RunMetrics.of(t);
        assertEquals(List.of(450.0), m.electionMs);
        assertEquals(List.of(600.0), m.unavailabilityMs);
        assertEquals(4, m.termsTried);
        assertEquals(1, m.splitVotes);
        assertEquals(List.of(new RunMetrics.Window("crash", 1000, 2000)), m.faultWindows);
    }

    @Test
    void aGapOfKnownWidthAndLifetime() {
        List<TraceRecord> t = new ArrayList<>();
        t.add(ev(1, N1, new ProtocolEvent.SlotChosen(1, 1, "a")));
        t.add(ev(2, N1, new ProtocolEvent.SlotChosen(5, 1, "e"))); // slots 2,3,4 open: width 3
        t.add(ev(3, N1, new ProtocolEvent.SlotChosen(3, 1, "c"))); // still out of order (2 open)
        t.add(ev(4, N1, new ProtocolEvent.NoOpProposed(2, 2)));
        t.add(ev(7, N1, new ProtocolEvent.SlotChosen(2, 2, "noop")));
        t.add(ev(12, N1, new ProtocolEvent.SlotChosen(4, 2, "d"))); // every slot to 5 chosen: gap closed after 10 ms
        t.add(ev(13, N1, new ProtocolEvent.EntryApplied(5, "e")));
        RunMetrics m = RunMetrics.of(t);
        assertEquals(2, m.outOfOrder);
        assertEquals(3, m.maxGapWidth);
        assertEquals(List.of(10.0), m.gapLifetimesMs);
        assertEquals(1, m.noOps);
        assertEquals(11.0, m.chooseToApply.getMaxValue() / 1e6, 0.02); // slot 5 chosen at 2, applied at 13
    }

    @Test
    void raftTruncationsAndRejectionsAreCounted() {
        List<TraceRecord> t = new ArrayList<>();
        t.add(ev(1, N2, new ProtocolEvent.LogTruncated(4, 3)));
        t.add(ev(2, N3, new ProtocolEvent.LogTruncated(7, 2)));
        t.add(ev(3, N2, new ProtocolEvent.AppendRejected(N1, 2, 6, "log mismatch")));
        RunMetrics m = RunMetrics.of(t);
        assertEquals(5, m.entriesTruncated);
        assertEquals(1, m.appendsRejected);
        assertEquals(0, m.outOfOrder);
    }

    @Test
    void messagesByTypePerCommittedCommand() {
        List<TraceRecord> t = new ArrayList<>();
        op(t, 1, 0, 0, 5);
        op(t, 2, 10, 10, 15);
        for (int i = 0; i < 8; i++) t.add(new TraceRecord.Send(i * MS, N1, N2, i, "AppendEntries", 100));
        for (int i = 0; i < 6; i++) t.add(new TraceRecord.Send(i * MS, N2, N1, 100 + i, "AppendEntriesResponse", 20));
        RunMetrics m = RunMetrics.of(t);
        assertArrayEquals(new long[] {8, 800}, m.messagesByType.get("AppendEntries"));
        assertArrayEquals(new long[] {6, 120}, m.messagesByType.get("AppendEntriesResponse"));
        assertEquals(7.0, m.messagesPerCommit(), 1e-9);
        assertEquals(460.0, m.bytesPerCommit(), 1e-9);
        t.removeIf(r -> r instanceof TraceRecord.Send);
        assertNull(RunMetrics.of(t).messagesPerCommit(), "no Send records: n/a, not zero");
    }

    @Test
    void statAcrossSeedsUsesTheStudentTInterval() {
        Stat s = Stat.of(new double[] {10, 12, 14, Double.NaN});
        assertEquals(3, s.n());
        assertEquals(12, s.mean(), 1e-12);
        assertEquals(12, s.median(), 1e-12);
        // sd = 2, t(0.975, 2 df) = 4.302653: half width 4.302653 * 2 / sqrt(3)
        assertEquals(12 - 4.968275, s.ciLow(), 1e-5);
        assertEquals(12 + 4.968275, s.ciHigh(), 1e-5);
        assertEquals(Double.NaN, Stat.of(new double[] {5}).ciLow());
    }
}
