package quorumlab.raft;

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
import quorumlab.protocols.check.SafetyChecks;
import quorumlab.protocols.trace.TraceRecord;

/**
 * Raft's invariants (Figure 3) flag hand-made traces that break them and pass correct ones; the
 * registration puts them beside the common checks.
 */
class RaftInvariantsTest {
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
        assertEquals(List.of(), SafetyChecks.violations(new RaftProtocol(), trace));
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
    void registeredThroughTheProtocolAndFoundByName() {
        ev(N1, new LeaderEstablished(3));
        ev(N2, new LeaderEstablished(3));
        assertEquals(1, new RaftProtocol().invariants().size());
        assertEquals(1, SafetyChecks.violations("raft", trace).size());
        assertEquals(SafetyChecks.violations(new RaftProtocol(), trace), SafetyChecks.violations("raft", trace));
    }

    // ---- across configurations ----

    private void meta(int nodes) {
        trace.add(0, new TraceRecord.Meta(0, "raft", nodes, 1, "sim", null));
    }

    private void configuration(NodeId node, long index, List<NodeId> voters, boolean committed) {
        ev(node, new ProtocolEvent.ConfigurationChanged(index, index, voters, List.of(), committed));
    }

    @Test
    void aCommitHeldByAMinorityOfTheConfigurationIsCaught() {
        meta(3);
        ev(N1, new LeaderEstablished(1));
        ev(N1, new EntryAppended(1, 1, "c1:1"));
        ev(N1, new EntryCommitted(1, 1, "c1:1"));
        List<String> v = RaftInvariants.violations(trace);
        assertEquals(1, v.size(), v.toString());
        assertTrue(v.get(0).contains("commit quorum") && v.get(0).contains("held by [n1], not a majority of the configuration in force [n1, n2, n3]"),
                v.get(0));
    }

    @Test
    void aSingleServerChangeCommitsWithTheNewMajority() {
        meta(3);
        NodeId n4 = NodeId.of(4);
        healthyPrefix();
        ev(N1, new EntryAppended(2, 1, "config:1:n1,n2,n3,n4"));
        configuration(N1, 2, List.of(N1, N2, N3, n4), false);
        ev(n4, new EntryAppended(1, 1, "c1:1"));
        ev(n4, new EntryAppended(2, 1, "config:1:n1,n2,n3,n4"));
        configuration(n4, 2, List.of(N1, N2, N3, n4), false);
        ev(N2, new EntryAppended(2, 1, "config:1:n1,n2,n3,n4"));
        configuration(N2, 2, List.of(N1, N2, N3, n4), false);
        // n1, n2, n4: 3 of 4, and 2 of the old 3 (every old majority meets it)
        ev(N1, new EntryCommitted(2, 1, "config:1:n1,n2,n3,n4"));
        assertEquals(List.of(), RaftInvariants.violations(trace));
    }

    @Test
    void twoServersAddedAtOnceCommitWithAQuorumTheOldMajorityNeedNotMeet() {
        meta(3);
        NodeId n4 = NodeId.of(4), n5 = NodeId.of(5);
        healthyPrefix();
        List<NodeId> five = List.of(N1, N2, N3, n4, n5);
        ev(N1, new EntryAppended(2, 1, "config:1:five"));
        configuration(N1, 2, five, false);
        for (NodeId n : List.of(n4, n5)) {
            ev(n, new EntryAppended(1, 1, "c1:1"));
            ev(n, new EntryAppended(2, 1, "config:1:five"));
        }
        // n1, n4, n5 are 3 of 5, but only n1 of the old three: n2 and n3 form an old majority without them
        ev(N1, new EntryCommitted(2, 1, "config:1:five"));
        List<String> v = RaftInvariants.violations(trace);
        assertEquals(1, v.size(), v.toString());
        assertTrue(v.get(0).contains("misses a majority of the previous configuration [n1, n2, n3]"), v.get(0));
    }
}
