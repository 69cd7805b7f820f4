package quorumlab.analysis.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static quorumlab.analysis.metrics.RunMetricsTest.MS;
import static quorumlab.analysis.metrics.RunMetricsTest.N1;
import static quorumlab.analysis.metrics.RunMetricsTest.N2;
import static quorumlab.analysis.metrics.RunMetricsTest.N3;
import static quorumlab.analysis.metrics.RunMetricsTest.committed;
import static quorumlab.analysis.metrics.RunMetricsTest.ev;
import static quorumlab.analysis.metrics.RunMetricsTest.invoke;
import static quorumlab.analysis.metrics.RunMetricsTest.meta;
import static quorumlab.analysis.metrics.RunMetricsTest.sorted;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.Operation;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.Role;
import quorumlab.protocols.trace.TraceRecord;

/**
 * The membership metrics on hand-built traces, each built so that the metric differs from what it
 * could be confused with: a refused change, a change during an election a crash caused, a node
 * catching up after a restart, commits that come after the request.
 */
class MembershipMetricsTest {
    static final NodeId N4 = NodeId.of(4);

    /** A fault record as the injector writes it for a membership request. */
    static TraceRecord request(long tMs, String kind, long changeId, NodeId node) {
        return new TraceRecord.Fault(tMs * MS, kind, List.of(node), "change " + changeId + ": " + kind + " " + node + ", asked of leader n1");
    }

    /** Closed-loop commits at the listed instants (each invoked 2 ms before), client 1, with Raft's commit event at the leader. */
    static void commitsAt(List<TraceRecord> t, long... atMs) {
        long seq = 1;
        for (long at : atMs) {
            invoke(t, 1, seq, at - 2, N1, new Operation.Put("k", "v" + seq));
            t.add(ev(at - 1, N1, new ProtocolEvent.EntryCommitted(seq, 1, "c1:" + seq)));
            committed(t, 1, seq, at, N1);
            seq++;
        }
    }

    static long[] every(long fromMs, long toMs, long stepMs) {
        List<Long> out = new ArrayList<>();
        for (long at = fromMs; at < toMs; at += stepMs) out.add(at);
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    static long[] join(long[]... parts) {
        return java.util.Arrays.stream(parts).flatMapToLong(java.util.Arrays::stream).toArray();
    }

    @Test
    void aRefusedChangeIsCountedButHasNoCommitTime() {
        List<TraceRecord> t = new ArrayList<>();
        t.add(meta("raft", 3, 0, 1000));
        t.add(ev(5, N1, new ProtocolEvent.LeaderEstablished(1)));
        commitsAt(t, every(10, 1000, 10));
        t.add(request(200, "add", 1, N4));
        t.add(request(210, "remove", 2, N2));
        t.add(ev(211, N1, new ProtocolEvent.MembershipChangeRefused(2, "membership change 1 is in progress")));
        // the injector's own record of the same refusal: still one refused change
        t.add(new TraceRecord.Fault(212 * MS, "membership-refused", List.of(N2), "change 2: remove n2: refused by n1: in progress"));
        t.add(ev(260, N1, new ProtocolEvent.MembershipChangeCommitted(1, List.of(N1, N2, N3, N4))));
        // no leader took change 3: there is no request record, only the refusal
        t.add(new TraceRecord.Fault(700 * MS, "membership-refused", List.of(), "change 3: remove random-follower: no leader within 10s"));
        t.add(request(800, "remove", 4, N3));
        t.add(new TraceRecord.Fault(990 * MS, "membership-timeout", List.of(N3), "change 4: remove n3: not committed within 30s"));
        // requested in the window, refused in the drain: it counts; refused in the drain with no request: it does not
        t.add(request(995, "add", 5, NodeId.of(5)));
        t.add(ev(1003, N1, new ProtocolEvent.MembershipChangeRefused(5, "n5 did not answer its catch-up round")));
        t.add(new TraceRecord.Fault(1010 * MS, "membership-refused", List.of(), "change 6: remove random-follower: no leader within 10s"));
        RunMetrics m = RunMetrics.of(sorted(t));

        assertEquals(4, m.membershipChanges.size(), "changes 1, 2, 4 and 5 were handed to a leader in the window");
        assertEquals(3, m.membershipRefused, "change 2 (recorded twice), change 3 and change 5");
        assertEquals(1, m.membershipTimedOut);
        Summary s = Summary.of("raft", List.of(m), List.of(), "true");
        Stat toCommit = s.fields().get("membership.request_to_commit_ms.median");
        assertEquals(1, toCommit.n(), "only the committed change has a time to commit");
        assertEquals(60, toCommit.value(), 1e-9);
        assertEquals("refused", m.membershipChanges.get(1).outcome());
        assertEquals("timed out", m.membershipChanges.get(2).outcome());
        assertEquals(1, s.fields().get("membership.longest_no_commit_ms.max").n(), "nor has a refused or timed-out change an unavailability");
    }

    @Test
    void theLongestIntervalWithoutACommitCountsTheOneThatStraddlesTheChangeWholeAndNoOther() {
        List<TraceRecord> t = new ArrayList<>();
        t.add(meta("raft", 3, 0, 1000));
        t.add(ev(5, N1, new ProtocolEvent.LeaderEstablished(1)));
        // commits every 10 ms, with three silences: 100-160 before the change, 300-380 across its commit, 500-650 after it
        commitsAt(t, join(every(10, 101, 10), every(160, 301, 10), every(380, 501, 10), every(650, 1000, 10)));
        t.add(request(290, "remove", 1, N1));
        t.add(ev(320, N1, new ProtocolEvent.MembershipChangeCommitted(1, List.of(N2, N3))));
        RunMetrics m = RunMetrics.of(sorted(t));

        RunMetrics.MembershipChange c = m.membershipChanges.get(0);
        assertEquals(30, c.requestToCommitMs(), 1e-9);
        assertEquals(80, c.longestNoCommitMs(), 1e-9, "300 to 380, though the change committed at 320; not the 150 ms after it nor the 60 before");
    }

    @Test
    void aChangeThatNoCommitFollowsRunsToTheWindowsEnd() {
        List<TraceRecord> t = new ArrayList<>();
        t.add(meta("raft", 3, 0, 1000));
        t.add(ev(5, N1, new ProtocolEvent.LeaderEstablished(1)));
        commitsAt(t, every(10, 401, 10));
        t.add(request(390, "add", 1, N4));
        t.add(ev(405, N1, new ProtocolEvent.MembershipChangeCommitted(1, List.of(N1, N2, N3, N4))));
        RunMetrics m = RunMetrics.of(sorted(t));
        assertEquals(600, m.membershipChanges.get(0).longestNoCommitMs(), 1e-9, "400 to the window's end at 1000");
    }

    @Test
    void onlyLeaderChangesAChangeCausedCount() {
        List<TraceRecord> t = new ArrayList<>();
        t.add(meta("raft", 4, 0, 2000));
        t.add(ev(5, N1, new ProtocolEvent.LeaderEstablished(1)));
        commitsAt(t, every(10, 2000, 10));
        // an unrelated election during a change: the leader crashes while n4 is being added
        t.add(request(200, "add", 1, N4));
        t.add(new TraceRecord.Fault(220 * MS, "crash", List.of(N1), ""));
        t.add(ev(400, N2, new ProtocolEvent.LeaderEstablished(2)));
        t.add(ev(450, N2, new ProtocolEvent.MembershipChangeCommitted(1, List.of(N1, N2, N3, N4))));
        // the leader removes itself and steps down once the removal is committed: caused
        t.add(request(600, "remove", 2, N2));
        t.add(ev(610, N2, new ProtocolEvent.MembershipChangeCommitted(2, List.of(N1, N3, N4))));
        t.add(ev(611, N2, new ProtocolEvent.RoleChanged(Role.LEADER, Role.FOLLOWER, 2)));
        t.add(ev(800, N3, new ProtocolEvent.LeaderEstablished(3)));
        // a spontaneous election: n1 (a member) preempts the leader: not caused
        t.add(ev(1000, N3, new ProtocolEvent.Preempted(3, 4, N1)));
        t.add(ev(1100, N1, new ProtocolEvent.LeaderEstablished(4)));
        // the removed n2 keeps its timer and disrupts the leader: caused
        t.add(ev(1300, N1, new ProtocolEvent.Preempted(4, 5, N2)));
        t.add(ev(1500, N3, new ProtocolEvent.LeaderEstablished(6)));
        RunMetrics m = RunMetrics.of(sorted(t));

        assertEquals(4, m.leaderChanges.size(), "four leader changes in all");
        assertEquals(2, m.membershipLeaderChanges, "the removed leader stepping down, and the removed server disrupting");
    }

    @Test
    void aNewNodesCatchUpEndsAtWhatWasCommittedWhenItWasAsked() {
        List<TraceRecord> t = new ArrayList<>();
        t.add(meta("raft", 3, 0, 1000));
        t.add(ev(5, N1, new ProtocolEvent.LeaderEstablished(1)));
        commitsAt(t, every(10, 1000, 10)); // index i committed at 10 i - 1: index 19 by the request at 195
        // n3 crashes and restarts, then catches up: a catch-up, but not a new node's
        t.add(new TraceRecord.Fault(100 * MS, "crash", List.of(N3), ""));
        t.add(new TraceRecord.Fault(150 * MS, "restart", List.of(N3), ""));
        for (long i = 1; i <= 15; i++) t.add(ev(150 + i, N3, new ProtocolEvent.EntryApplied(i, "c1:" + i)));
        t.add(request(195, "add", 1, N4));
        // n4 gets a snapshot up to 10, then entries one by one; it reaches 19 at 240, and keeps going
        t.add(ev(220, N4, new ProtocolEvent.StateMachineRestored(10)));
        for (long i = 11; i <= 30; i++) t.add(ev(221 + (i - 11) * 2, N4, new ProtocolEvent.EntryApplied(i, "c1:" + i)));
        t.add(ev(300, N1, new ProtocolEvent.LearnerCaughtUp(N4, 3, 27)));
        t.add(ev(340, N1, new ProtocolEvent.MembershipChangeCommitted(1, List.of(N1, N2, N3, N4))));
        RunMetrics m = RunMetrics.of(sorted(t));

        RunMetrics.MembershipChange c = m.membershipChanges.get(0);
        assertEquals(237 - 195, c.catchUpMs(), 1e-9, "index 19, the highest committed at the request, applied at 221 + (19 - 11) x 2");
        assertEquals(27, c.entriesSent(), "as the leader reported");
        assertEquals(1, m.membershipChanges.size(), "n3's catch-up after its restart is no new node's");
    }

    @Test
    void pooledOverSeedsWithTheirCount() {
        List<RunMetrics> runs = new ArrayList<>();
        for (long took : new long[] {40, 70}) {
            List<TraceRecord> t = new ArrayList<>();
            t.add(meta("multi-paxos", 3, 0, 1000));
            t.add(ev(5, N1, new ProtocolEvent.LeaderEstablished(1)));
            commitsAt(t, every(10, 1000, 10));
            t.add(request(300, "add", 1, N4));
            t.add(ev(300 + took, N1, new ProtocolEvent.MembershipChangeCommitted(1, List.of(N1, N2, N3, N4))));
            t.add(request(500, "remove", 2, N4));
            t.add(ev(500 + 2 * took, N1, new ProtocolEvent.MembershipChangeCommitted(2, List.of(N1, N2, N3))));
            runs.add(RunMetrics.of(sorted(t)));
        }
        Summary s = Summary.of("multi-paxos", runs, List.of(), "true");
        Stat max = s.fields().get("membership.request_to_commit_ms.max");
        assertEquals(4, max.n(), "two changes in each of two seeds");
        assertEquals("changes", max.basis());
        assertEquals(140, max.value(), 1e-9);
        assertEquals(2, s.fields().get("membership.changes_requested").value(), 1e-9, "mean per seed");
        assertTrue(Double.isNaN(s.fields().get("membership.new_node_entries_sent.median").value()), "no LearnerCaughtUp: undefined, not 0");
    }
}
