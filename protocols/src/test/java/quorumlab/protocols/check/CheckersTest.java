package quorumlab.protocols.check;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import quorumlab.protocols.ClientReply;
import quorumlab.protocols.ClientRequest;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.Operation;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.ProtocolEvent.EntryAppended;
import quorumlab.protocols.ProtocolEvent.EntryApplied;
import quorumlab.protocols.ProtocolEvent.EntryCommitted;
import quorumlab.protocols.ProtocolEvent.LeaderEstablished;
import quorumlab.protocols.ProtocolEvent.LogTruncated;
import quorumlab.protocols.Result;
import quorumlab.protocols.trace.TraceRecord;

/** Each checker flags a hand-made trace that breaks its property, and passes a correct one. */
class CheckersTest {
    static final NodeId N1 = NodeId.of(1), N2 = NodeId.of(2), N3 = NodeId.of(3);

    private final List<TraceRecord> trace = new ArrayList<>();
    private long t;

    private void ev(NodeId node, ProtocolEvent e) {
        trace.add(new TraceRecord.Event(++t, node, e));
    }

    private void ack(long clientId, long seq, long index) {
        trace.add(new TraceRecord.Complete(++t, clientId, seq, N1,
                new ClientReply.Committed(clientId, seq, index, Result.OK), "ok"));
    }

    /** A correct history: n1 leads term 1, replicates c1:1 to n2, commits, applies, acknowledges. */
    private void healthyPrefix() {
        ev(N1, new LeaderEstablished(1));
        ev(N1, new EntryAppended(1, 1, "c1:1"));
        ev(N2, new EntryAppended(1, 1, "c1:1"));
        ev(N1, new EntryCommitted(1, 1, "c1:1"));
        ev(N1, new EntryApplied(1, "c1:1"));
        ack(1, 1, 1);
        ev(N2, new EntryCommitted(1, 1, "c1:1"));
        ev(N2, new EntryApplied(1, "c1:1"));
    }

    @Test
    void healthyTracePasses() {
        healthyPrefix();
        ev(N2, new LeaderEstablished(2));
        ev(N3, new EntryAppended(1, 1, "c1:1"));
        assertEquals(List.of(), SafetyChecks.violations("raft", trace));
    }

    @Test
    void twoLeadersInOneTermBreakElectionSafety() {
        ev(N1, new LeaderEstablished(3));
        ev(N2, new LeaderEstablished(3));
        List<String> v = RaftInvariants.violations(trace);
        assertEquals(1, v.size(), v.toString());
        assertTrue(v.get(0).contains("election safety") && v.get(0).contains("n2"), v.get(0));
    }

    @Test
    void sameIndexAndTermWithDifferentCommandsBreakLogMatching() {
        ev(N1, new EntryAppended(1, 1, "c1:1"));
        ev(N2, new EntryAppended(1, 1, "c9:9"));
        assertTrue(RaftInvariants.violations(trace).stream().anyMatch(s -> s.contains("log matching")));
    }

    @Test
    void sameEntryAfterDifferentPrefixesBreaksLogMatching() {
        ev(N1, new EntryAppended(1, 1, "c1:1"));
        ev(N1, new EntryAppended(2, 3, "c1:2"));
        ev(N2, new EntryAppended(1, 2, "c2:1"));
        ev(N2, new EntryAppended(2, 3, "c1:2"));
        assertTrue(RaftInvariants.violations(trace).stream().anyMatch(s -> s.contains("follows term")));
    }

    @Test
    void laterLeaderWithoutACommittedEntryBreaksLeaderCompleteness() {
        healthyPrefix();
        ev(N3, new LeaderEstablished(2));
        List<String> v = RaftInvariants.violations(trace);
        assertTrue(v.stream().anyMatch(s -> s.contains("leader completeness") && s.contains("n3")), v.toString());
    }

    @Test
    void truncatingACommittedEntryOrCommittingTwoValuesIsFlagged() {
        healthyPrefix();
        ev(N2, new LogTruncated(1, 1));
        ev(N2, new EntryAppended(1, 2, "c5:5"));
        ev(N2, new EntryCommitted(1, 2, "c5:5"));
        List<String> v = RaftInvariants.violations(trace);
        assertTrue(v.stream().anyMatch(s -> s.contains("truncated committed entry")), v.toString());
        assertTrue(v.stream().anyMatch(s -> s.contains("state machine safety: committed")), v.toString());
    }

    @Test
    void snapshotsOfCommittedEntriesPassAndTheLogGoesOnAfterThem() {
        healthyPrefix();
        ev(N1, new ProtocolEvent.SnapshotTaken(1, 1));
        ev(N1, new EntryAppended(2, 1, "c1:2"));
        ev(N3, new ProtocolEvent.SnapshotInstalled(1, 1));
        ev(N3, new EntryAppended(2, 1, "c1:2"));
        ev(N3, new EntryCommitted(2, 1, "c1:2"));
        ev(N3, new LeaderEstablished(2));
        assertEquals(List.of(), RaftInvariants.violations(trace));
    }

    @Test
    void aSnapshotOfAnUncommittedEntryIsFlagged() {
        healthyPrefix();
        ev(N1, new EntryAppended(2, 1, "c1:2"));
        ev(N1, new ProtocolEvent.SnapshotTaken(2, 1));
        ev(N3, new ProtocolEvent.SnapshotInstalled(2, 1));
        List<String> v = RaftInvariants.violations(trace);
        assertEquals(2, v.size(), v.toString());
        assertTrue(v.get(0).contains("n1 snapshot through index 2 holds an entry no node committed"), v.get(0));
        assertTrue(v.get(1).contains("n3 snapshot through index 2 holds an entry no node committed"), v.get(1));
    }

    @Test
    void theLogSurvivesACrash() {
        healthyPrefix();
        trace.add(new TraceRecord.Fault(++t, "crash", List.of(N2), "test"));
        trace.add(new TraceRecord.Fault(++t, "restart", List.of(N2), "test"));
        ev(N2, new LeaderEstablished(2));
        assertEquals(List.of(), RaftInvariants.violations(trace), "n2 kept its log across the crash");
    }

    @Test
    void anAcknowledgedWriteReplacedAtItsIndexIsLost() {
        healthyPrefix();
        ack(1, 2, 2);
        ev(N3, new EntryApplied(2, "c7:7"));
        List<String> v = AcknowledgedWrites.violations(trace);
        assertEquals(1, v.size(), v.toString());
        assertTrue(v.get(0).contains("c1:2") && v.get(0).contains("index 2"), v.get(0));
    }

    @Test
    void anAcknowledgedWriteNobodyAppliedIsFlagged() {
        ack(4, 1, 5);
        assertEquals(1, AcknowledgedWrites.violations(trace).size());
    }

    @Test
    void aReadAnsweredAtAReadIndexIsNotAWrite() {
        healthyPrefix();
        trace.add(new TraceRecord.Invoke(++t, t, N1, new ClientRequest(2, 1, new Operation.Get("k"))));
        ack(2, 1, 1);
        trace.add(new TraceRecord.Invoke(++t, t, N1, new ClientRequest(2, 2, new Operation.Put("k", "v"))));
        ack(2, 2, 1);
        List<String> v = AcknowledgedWrites.violations(trace);
        assertEquals(1, v.size(), "only the put acknowledged at another command's index: " + v);
        assertTrue(v.get(0).contains("c2:2"), v.get(0));
    }

    @Test
    void twoNodesApplyingDifferentCommandsIsFlagged() {
        ev(N1, new EntryApplied(1, "c1:1"));
        ev(N2, new EntryApplied(1, "c2:1"));
        assertEquals(1, AcknowledgedWrites.violations(trace).size());
    }

    @Test
    void notLeaderAndTimeoutsAreNoAcknowledgement() {
        trace.add(new TraceRecord.Complete(++t, 1, 1, N2, new ClientReply.NotLeader(1, 1, Optional.empty()), "not_leader"));
        trace.add(new TraceRecord.Complete(++t, 1, 2, N2, null, "timeout"));
        assertEquals(List.of(), AcknowledgedWrites.violations(trace));
    }

    @Test
    void unknownProtocolGetsTheCommonChecksOnly() {
        ev(N1, new LeaderEstablished(3));
        ev(N2, new LeaderEstablished(3));
        assertEquals(List.of(), SafetyChecks.violations("some-other", trace));
        assertEquals(1, SafetyChecks.violations("raft", trace).size());
    }
}
