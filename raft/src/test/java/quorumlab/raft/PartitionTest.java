package quorumlab.raft;

import static org.junit.jupiter.api.Assertions.*;
import static quorumlab.protocols.testing.SimCluster.MS;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.trace.TraceRecord;

class PartitionTest {

    @Test
    void minorityOfTwoNeverCommitsMajorityOfThreeDoesAndHealingReplacesTheMinoritysEntries() {
        RaftCluster c = new RaftCluster(5, 23);
        NodeId oldLeader = c.awaitLeader(2_000);
        c.commitWithin(oldLeader, "a", "0", 100);

        List<NodeId> peers = c.sim.cluster().peersOf(oldLeader);
        Set<NodeId> minority = Set.of(oldLeader, peers.get(0));
        Set<NodeId> majority = Set.of(peers.get(1), peers.get(2), peers.get(3));
        c.sim.network().partition(List.of(minority, majority));
        c.sim.recordFault("partition", new ArrayList<>(minority), "2|3");
        long splitAt = c.sim.now();
        long lost1 = c.submit(oldLeader, "a", "minority-1");
        long lost2 = c.submit(oldLeader, "a", "minority-2");

        assertTrue(c.sim.runUntil(() -> c.sim.leader().filter(majority::contains).isPresent(),
                c.sim.now() + 3_000 * MS), "the majority elects a leader");
        NodeId newLeader = c.sim.leader().orElseThrow();
        long kept = c.submit(newLeader, "a", "majority");
        c.sim.runFor(2_000 * MS);
        assertTrue(c.committed(kept), "the majority commits");
        assertFalse(c.committed(lost1) || c.committed(lost2), "the minority acknowledged nothing");
        for (NodeId n : minority) {
            assertTrue(commitsAfter(c, n, splitAt).isEmpty(), n + " committed while in the minority");
        }

        c.sim.network().heal();
        c.sim.recordFault("heal", List.of(), "");
        c.sim.runFor(1_000 * MS);
        assertFalse(c.trace.events(oldLeader, ProtocolEvent.LogTruncated.class).isEmpty(),
                "the old leader's uncommitted entries were removed");
        assertTrue(c.trace.events(ProtocolEvent.EntryApplied.class).stream()
                .noneMatch(a -> a.command().equals("c1:" + lost1) || a.command().equals("c1:" + lost2)),
                "the minority's entries were never applied");
        for (NodeId n : c.sim.cluster().members()) {
            assertEquals("majority", c.sim.stateMachine(n).get("a"), "value at " + n);
        }
        assertEquals(List.of(), c.violations());
    }

    @Test
    void aTwoTwoSplitOfFourCommitsNothingUntilHealed() {
        RaftCluster c = new RaftCluster(4, 44);
        c.awaitLeader(2_000);
        c.sim.runFor(100 * MS);
        c.sim.network().partition(List.of(Set.of(NodeId.of(1), NodeId.of(2)), Set.of(NodeId.of(3), NodeId.of(4))));
        c.sim.recordFault("partition", List.of(NodeId.of(1), NodeId.of(2)), "2|2");
        long splitAt = c.sim.now();
        List<Long> seqs = new ArrayList<>();
        for (NodeId n : c.sim.cluster().members()) seqs.add(c.submit(n, "k", "v" + n));
        c.sim.runFor(3_000 * MS);
        for (NodeId n : c.sim.cluster().members()) {
            assertTrue(commitsAfter(c, n, splitAt).isEmpty(), n + " committed during the 2|2 split");
        }
        assertTrue(c.trace.events(ProtocolEvent.ElectionStarted.class).size() > 4, "both sides kept trying");

        c.sim.network().heal();
        c.sim.recordFault("heal", List.of(), "");
        // The old leader may still believe it leads its half until it hears the later term.
        c.sim.runFor(1_000 * MS);
        NodeId healed = c.awaitLeader(3_000);
        long after = c.submit(healed, "k", "healed");
        c.sim.runFor(500 * MS);
        assertTrue(c.committed(after), "commits resume after healing");
        assertEquals(List.of(), c.violations());
    }

    static List<ProtocolEvent.EntryCommitted> commitsAfter(RaftCluster c, NodeId node, long t) {
        List<ProtocolEvent.EntryCommitted> out = new ArrayList<>();
        for (TraceRecord r : c.trace.records()) {
            if (r.t() > t && r instanceof TraceRecord.Event e && e.node().equals(node)
                    && e.event() instanceof ProtocolEvent.EntryCommitted ec) {
                out.add(ec);
            }
        }
        return out;
    }
}
