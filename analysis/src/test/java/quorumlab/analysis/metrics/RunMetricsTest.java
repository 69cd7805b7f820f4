package quorumlab.analysis.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import quorumlab.protocols.ClientReply;
import quorumlab.protocols.ClientRequest;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.Operation;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.Result;
import quorumlab.protocols.Role;
import quorumlab.protocols.trace.TraceRecord;

/** Every metric on hand-built traces that hold a warm-up, a drain, restarts and cuts, built to tell causes apart. */
class RunMetricsTest {
    static final long MS = 1_000_000L;
    static final NodeId N1 = NodeId.of(1), N2 = NodeId.of(2), N3 = NodeId.of(3);

    static TraceRecord meta(String protocol, int nodes, long warmupMs, long endMs) {
        return new TraceRecord.Meta(0, protocol, nodes, 1, "sim", "test", warmupMs * MS, endMs * MS);
    }

    static TraceRecord ev(long tMs, NodeId n, ProtocolEvent e) {
        return new TraceRecord.Event(tMs * MS, n, e);
    }

    static TraceRecord fault(long tMs, String kind, NodeId... nodes) {
        return new TraceRecord.Fault(tMs * MS, kind, List.of(nodes), "");
    }

    static void invoke(List<TraceRecord> t, long client, long seq, long atMs, NodeId to, Operation op) {
        t.add(new TraceRecord.Invoke(atMs * MS, atMs * MS, to, new ClientRequest(client, seq, op)));
    }

    static void committed(List<TraceRecord> t, long client, long seq, long atMs, NodeId from) {
        t.add(new TraceRecord.Complete(atMs * MS, client, seq, from, new ClientReply.Committed(client, seq, seq, new Result(true, null)), "ok"));
    }

    static void timedOut(List<TraceRecord> t, long client, long seq, long atMs, NodeId at) {
        t.add(new TraceRecord.Complete(atMs * MS, client, seq, at, null, "timeout"));
    }

    /** One closed-loop client: a put every {@code everyMs} from {@code fromMs}, each taking {@code tookMs}. */
    static long steady(List<TraceRecord> t, long client, long firstSeq, long fromMs, long toMs, long everyMs, long tookMs) {
        long seq = firstSeq;
        for (long at = fromMs; at < toMs; at += everyMs) {
            invoke(t, client, seq, at, N1, new Operation.Put("k", "v"));
            committed(t, client, seq, at + tookMs, N1);
            seq++;
        }
        return seq;
    }

    static List<TraceRecord> sorted(List<TraceRecord> t) {
        List<TraceRecord> out = new ArrayList<>(t);
        out.sort(java.util.Comparator.comparingLong(TraceRecord::t));
        return out;
    }

    @Test
    void theWindowLeavesOutTheStartUpElectionAndTheDrain() {
        List<TraceRecord> t = new ArrayList<>();
        t.add(meta("raft", 3, 0, 1000));
        invoke(t, 1, 1, 0, N1, new Operation.Put("k", "a")); // waits for the start-up election
        t.add(ev(140, N1, new ProtocolEvent.LeaderEstablished(1)));
        committed(t, 1, 1, 150, N1);
        invoke(t, 1, 2, 200, N1, new Operation.Get("k"));
        committed(t, 1, 2, 204, N1);
        invoke(t, 1, 3, 300, N1, new Operation.Cas("k", "a", "b"));
        committed(t, 1, 3, 306, N1);
        invoke(t, 2, 1, 1100, N1, new Operation.Put("k", "late")); // after the workload: drain
        committed(t, 2, 1, 1105, N1);
        t.add(ev(2500, N1, new ProtocolEvent.EntryApplied(4, "c2:1"))); // the idle tail
        RunMetrics m = RunMetrics.of(t);
        assertEquals(150, m.phases.warmupMs(), 1e-9);
        assertEquals(850, m.phases.windowMs(), 1e-9);
        assertEquals(1500, m.phases.drainMs(), 1e-9);
        assertEquals(2, m.committed, "204 and 306 count; 150 was sent in the warm-up, 1105 in the drain");
        assertEquals(2 / 0.850, m.throughputOpsPerSecond(), 1e-9);
        assertEquals(2, m.latency.getTotalCount(), "the command that waited for the start-up election is warm-up");
        assertEquals(6.0, m.latency.getMaxValue() / 1e6, 0.01);
        assertEquals(4.0, m.latencyByType.get("read").getMaxValue() / 1e6, 0.01);
        assertEquals(6.0, m.latencyByType.get("cas").getMaxValue() / 1e6, 0.01);
        assertFalse(m.latencyByType.containsKey("write"));
    }

    @Test
    void latencyCountsFromTheIntendedSendTime() {
        List<TraceRecord> t = new ArrayList<>();
        t.add(meta("raft", 3, 0, 1000));
        invoke(t, 1, 1, 0, N1, new Operation.Put("k", "v"));
        committed(t, 1, 1, 10, N1);
        t.add(new TraceRecord.Invoke(150 * MS, 100 * MS, N1, new ClientRequest(2, 1, new Operation.Put("k", "w"))));
        committed(t, 2, 1, 220, N1);
        RunMetrics m = RunMetrics.of(sorted(t));
        assertEquals(120.0, m.latency.getMaxValue() / 1e6, 0.2, "sent late: 120 ms from the intended send, not 70");
    }

    /**
     * The leader crashes at 1000 ms; a client stuck on it waits out its 500 ms timeout, but the new
     * leader is established at 1150 and commits a client command at 1160: the cluster was
     * unavailable for 160 ms, the election took 150 ms, and the client saw 495 ms.
     */
    @Test
    void clusterUnavailabilityIsNotTheClientTimeout() {
        List<TraceRecord> t = new ArrayList<>();
        t.add(meta("multi-paxos", 3, 0, 3000));
        t.add(ev(10, N1, new ProtocolEvent.ElectionStarted(1, false)));
        t.add(ev(12, N1, new ProtocolEvent.LeaderEstablished(1)));
        steady(t, 1, 1, 20, 990, 10, 3);
        invoke(t, 1, 100, 995, N1, new Operation.Put("k", "x"));
        t.add(fault(1000, "crash", N1));
        t.add(ev(1140, N2, new ProtocolEvent.ElectionStarted(2, false)));
        t.add(ev(1150, N2, new ProtocolEvent.LeaderEstablished(2)));
        t.add(ev(1160, N2, new ProtocolEvent.SlotChosen(200, 2, "c1:100"))); // re-proposed by the new leader
        timedOut(t, 1, 100, 1495, N1);
        invoke(t, 1, 100, 1495, N2, new Operation.Put("k", "x"));
        committed(t, 1, 100, 1495, N2);
        steady(t, 1, 101, 1500, 2990, 10, 3);
        t.add(fault(2000, "restart", N1));
        RunMetrics m = RunMetrics.of(sorted(t));
        assertEquals(1, m.leaderChanges.size());
        RunMetrics.LeaderChange c = m.leaderChanges.get(0);
        assertEquals("crash", c.cause());
        assertEquals(150.0, c.electionMs(), 1e-9);
        assertEquals(List.of(160.0), m.unavailabilityMs);
        assertEquals(List.of(495.0), m.clientOutageMs);
        assertEquals(1, m.clientTimeouts);
        assertEquals(1, m.outages.size(), "no commit from 993 to 1495 with a request outstanding");
        assertEquals("crash", m.outages.get(0).cause());
        assertEquals(List.of(new RunMetrics.Window("crash", 1000, 2000)), m.faultWindows);
    }

    /** A leader that steps down on its own (checkQuorum, a higher term seen) is a spontaneous change. */
    @Test
    void leaderChangesWithoutAFaultAreSpontaneous() {
        List<TraceRecord> t = new ArrayList<>();
        t.add(meta("raft", 3, 0, 2000));
        t.add(ev(10, N1, new ProtocolEvent.LeaderEstablished(1)));
        steady(t, 1, 1, 20, 1990, 10, 2);
        t.add(ev(700, N1, new ProtocolEvent.RoleChanged(Role.LEADER, Role.FOLLOWER, 2)));
        t.add(ev(700, N2, new ProtocolEvent.ElectionStarted(2, false)));
        t.add(ev(730, N2, new ProtocolEvent.LeaderEstablished(2)));
        RunMetrics m = RunMetrics.of(sorted(t));
        assertEquals(1, m.leaderChanges.size());
        assertEquals("spontaneous", m.leaderChanges.get(0).cause());
        assertEquals(30.0, m.leaderChanges.get(0).electionMs(), 1e-9);
        assertEquals(1, m.termsTried);
    }

    @Test
    void raftSplitVotesAreTermsWithTwoCandidatesAndNoWinner() {
        List<TraceRecord> t = new ArrayList<>();
        t.add(meta("raft", 3, 0, 2000));
        t.add(ev(10, N1, new ProtocolEvent.LeaderEstablished(1)));
        steady(t, 1, 1, 20, 1990, 10, 2);
        t.add(ev(500, N2, new ProtocolEvent.ElectionStarted(2, false)));
        t.add(ev(501, N3, new ProtocolEvent.ElectionStarted(2, false))); // term 2: split, nobody won
        t.add(ev(600, N2, new ProtocolEvent.ElectionStarted(3, true))); // a pre-vote is no term tried
        t.add(ev(700, N2, new ProtocolEvent.ElectionStarted(3, false))); // term 3: one candidate, refused
        t.add(ev(900, N3, new ProtocolEvent.ElectionStarted(4, false)));
        t.add(ev(905, N3, new ProtocolEvent.LeaderEstablished(4)));
        RunMetrics m = RunMetrics.of(sorted(t));
        assertEquals(4, m.termsTried);
        assertEquals(1, m.splitVotes);
        assertEquals(1, m.candidaciesFailed);
    }

    /** Paxos: a phase 1 preempted by a ballot begun while it ran is a split vote; one preempted by an old leader is not. */
    @Test
    void paxosSplitVotesArePhaseOnesPreemptedByACompetingBallot() {
        List<TraceRecord> t = new ArrayList<>();
        t.add(meta("multi-paxos", 3, 0, 2000));
        t.add(ev(5, N1, new ProtocolEvent.ElectionStarted(1, false)));
        t.add(ev(10, N1, new ProtocolEvent.LeaderEstablished(1)));
        steady(t, 1, 1, 20, 1990, 10, 2);
        t.add(ev(300, N3, new ProtocolEvent.ElectionStarted(1, false))); // round 1 of n3 < round 1 of... preempted by the leader
        t.add(ev(302, N3, new ProtocolEvent.Preempted(1, 1, N1)));
        t.add(ev(500, N2, new ProtocolEvent.ElectionStarted(2, false)));
        t.add(ev(501, N3, new ProtocolEvent.ElectionStarted(3, false)));
        t.add(ev(503, N2, new ProtocolEvent.Preempted(2, 3, N3))); // dueling: n3's ballot began during n2's phase 1
        t.add(ev(506, N3, new ProtocolEvent.LeaderEstablished(3)));
        RunMetrics m = RunMetrics.of(sorted(t));
        assertEquals(3, m.termsTried);
        assertEquals(1, m.splitVotes);
        assertEquals(1, m.candidaciesFailed);
    }

    /**
     * n3 crashes and restarts; learning slots 4..10 again out of order is catch-up, not a gap. A real
     * gap on n1 (slot 12 before 11) is counted with its width, lifetime and choose-to-apply delay.
     */
    @Test
    void aRestartedNodeCatchingUpIsNotAProtocolGap() {
        List<TraceRecord> t = new ArrayList<>();
        t.add(meta("multi-paxos", 3, 0, 2000));
        t.add(ev(5, N1, new ProtocolEvent.LeaderEstablished(1)));
        steady(t, 1, 1, 10, 1990, 10, 2);
        for (long s = 1; s <= 3; s++) {
            for (NodeId n : List.of(N1, N2, N3)) {
                t.add(ev(20 + s, n, new ProtocolEvent.SlotChosen(s, 1, "c" + s)));
                t.add(ev(20 + s, n, new ProtocolEvent.EntryApplied(s, "c" + s)));
            }
        }
        t.add(fault(100, "crash", N3));
        for (long s = 4; s <= 10; s++) {
            for (NodeId n : List.of(N1, N2)) {
                t.add(ev(100 + s, n, new ProtocolEvent.SlotChosen(s, 1, "c" + s)));
                t.add(ev(100 + s, n, new ProtocolEvent.EntryApplied(s, "c" + s)));
            }
        }
        t.add(fault(200, "restart", N3));
        for (long s = 10; s >= 1; s--) t.add(ev(300 - s, N3, new ProtocolEvent.SlotChosen(s, 1, "c" + s))); // 290, 291, ... 299
        for (long s = 1; s <= 10; s++) t.add(ev(400, N3, new ProtocolEvent.EntryApplied(s, "c" + s)));
        t.add(ev(500, N1, new ProtocolEvent.SlotChosen(12, 1, "c12")));
        t.add(ev(504, N1, new ProtocolEvent.SlotChosen(11, 1, "c11")));
        t.add(ev(504, N1, new ProtocolEvent.EntryApplied(11, "c11")));
        t.add(ev(504, N1, new ProtocolEvent.EntryApplied(12, "c12")));
        RunMetrics m = RunMetrics.of(sorted(t));
        assertEquals(1, m.outOfOrder, "only n1's slot 12");
        assertEquals(1, m.maxGapWidth);
        assertEquals(1, m.gapLifetimes.getTotalCount());
        assertEquals(4.0, m.maxGapLifetimeMs, 1e-9);
        assertEquals(4.0, m.chooseToApply.getMaxValue() / 1e6, 0.01, "n3's re-applied slots are not timed from an old learn");
        assertEquals(1, m.catchUps.size());
        RunMetrics.CatchUp c = m.catchUps.get(0);
        assertEquals(N3, c.node());
        assertEquals("crash", c.after());
        assertEquals(200, c.startMs(), 1e-9);
        assertEquals(400, c.endMs(), 1e-9);
        assertEquals(10, c.entries());
        long[] n1 = m.waiting.values().get(N1);
        assertTrue(java.util.Arrays.stream(n1).max().getAsLong() >= 1, "n1's chosen-not-applied slot 12 shows");
        assertEquals("chosen, not applied", m.waiting.what());
        long[] n3 = m.waiting.values().get(N3);
        int from = (int) ((200 - m.waiting.startMs()) * n3.length / (m.waiting.endMs() - m.waiting.startMs())) + 1;
        int to = (int) ((400 - m.waiting.startMs()) * n3.length / (m.waiting.endMs() - m.waiting.startMs()));
        assertEquals(0, java.util.Arrays.stream(n3, from, to).max().getAsLong(), "catch-up is drawn at zero");
    }

    @Test
    void raftAppendToCommitAndFollowerCommitLag() {
        List<TraceRecord> t = new ArrayList<>();
        t.add(meta("raft", 3, 0, 1000));
        t.add(ev(5, N1, new ProtocolEvent.LeaderEstablished(1)));
        steady(t, 1, 1, 10, 990, 10, 2);
        t.add(ev(100, N1, new ProtocolEvent.EntryAppended(1, 1, "c1:1")));
        t.add(ev(102, N2, new ProtocolEvent.EntryAppended(1, 1, "c1:1")));
        t.add(ev(104, N1, new ProtocolEvent.EntryCommitted(1, 1, "c1:1")));
        t.add(ev(150, N2, new ProtocolEvent.EntryCommitted(1, 1, "c1:1")));
        RunMetrics m = RunMetrics.of(sorted(t));
        assertEquals(4.0, m.appendToCommit.getMaxValue() / 1e6, 0.01);
        assertEquals(46.0, m.commitLag.getMaxValue() / 1e6, 0.05);
        assertEquals("appended, not committed", m.waiting.what());
    }

    @Test
    void outagesNeedOutstandingRequestsAndAreAttributed() {
        List<TraceRecord> t = new ArrayList<>();
        t.add(meta("raft", 3, 0, 3000));
        long seq = steady(t, 1, 1, 0, 1000, 10, 2);
        // 1000..1300: idle, nothing outstanding: no outage
        seq = steady(t, 1, seq, 1300, 1800, 10, 2);
        // 1800: a request hangs 400 ms with no fault: spontaneous
        invoke(t, 1, seq, 1800, N1, new Operation.Put("k", "v"));
        committed(t, 1, seq++, 2200, N1);
        seq = steady(t, 1, seq, 2210, 2500, 10, 2);
        t.add(fault(2500, "loss"));
        invoke(t, 1, seq, 2505, N1, new Operation.Put("k", "v"));
        committed(t, 1, seq++, 2800, N1);
        steady(t, 1, seq, 2810, 2990, 10, 2);
        RunMetrics m = RunMetrics.of(sorted(t));
        assertEquals(2, m.outages.size(), m.outages.toString());
        assertEquals("spontaneous", m.outages.get(0).cause());
        assertEquals(1792.0, m.outages.get(0).startMs(), 1e-9);
        assertEquals(2200.0, m.outages.get(0).endMs(), 1e-9);
        assertEquals("loss", m.outages.get(1).cause());
    }

    @Test
    void messageCostComesFromCountsInTheWindowAtAnyTraceLevel() {
        List<TraceRecord> t = new ArrayList<>();
        t.add(meta("raft", 3, 0, 1000));
        t.add(ev(5, N1, new ProtocolEvent.LeaderEstablished(1)));
        steady(t, 1, 1, 0, 1000, 10, 2); // first commit at 2: window 2..1000, 99 commands sent and committed in it
        // before the window: not counted
        t.add(new TraceRecord.MessageCounts(1 * MS, 0, N2, "RequestVote", "election", 50, 5000));
        for (long s = 0; s < 1000; s += 100) {
            t.add(new TraceRecord.MessageCounts((s + 100) * MS, s * MS, N1, "AppendEntries", "replication", 40, 4000));
            t.add(new TraceRecord.MessageCounts((s + 100) * MS, s * MS, N2, "AppendEntriesReply", "replication", 20, 400));
            t.add(new TraceRecord.MessageCounts((s + 100) * MS, s * MS, N1, "AppendEntries", "heartbeat", 2, 64));
        }
        // the drain: not counted
        t.add(new TraceRecord.MessageCounts(1200 * MS, 1100 * MS, N1, "AppendEntries", "heartbeat", 99, 99));
        RunMetrics m = RunMetrics.of(sorted(t));
        assertEquals(99, m.committed);
        assertEquals(620, m.messagesSent());
        assertEquals(620 / 99.0, m.messagesPerCommit(), 1e-9);
        assertEquals(600 / 99.0, m.messagesPerCommit("replication"), 1e-9);
        assertEquals(20 / 99.0, m.messagesPerCommit("heartbeat"), 1e-9);
        assertEquals(0.0, m.messagesPerCommit("election"), 1e-9);
        assertEquals(420.0 / 620, m.leaderMessageShare(), 1e-9);
        assertEquals(44640 / 99.0, m.bytesPerCommit(), 1e-9);
    }

    @Test
    void noCountsAndNoSendsIsUndefinedNotZero() {
        List<TraceRecord> t = new ArrayList<>();
        t.add(meta("raft", 3, 0, 1000));
        steady(t, 1, 1, 0, 1000, 10, 2);
        RunMetrics m = RunMetrics.of(t);
        assertTrue(Double.isNaN(m.messagesPerCommit()));
    }

    @Test
    void bootstrapIntervalsStayInTheMetricsDomain() {
        Stat counts = Stat.of(new double[] {0, 0, 0, 1, Double.NaN});
        assertEquals(4, counts.n(), "NaN seeds are left out");
        assertEquals(0.25, counts.value(), 1e-12);
        assertTrue(counts.ciLow() >= 0, "a count's interval never goes below zero: " + counts);
        assertTrue(counts.ciHigh() <= 1);
        assertEquals(counts, Stat.of(new double[] {0, 0, 0, 1}), "the same data gives the same interval");
        Stat one = Stat.of(new double[] {5});
        assertTrue(Double.isNaN(one.ciLow()), "no interval from one value");
        Stat pooled = Stat.pooled(new double[] {100, 150, 160, 170, 900}, 0.5, "elections");
        assertEquals(160, pooled.value(), 1e-12);
        assertEquals(5, pooled.n());
        assertTrue(pooled.ciLow() >= 100 && pooled.ciHigh() <= 900);
        assertEquals(900, Stat.pooled(new double[] {100, 900}, 1.0, "elections").value(), 1e-12);
    }
}
