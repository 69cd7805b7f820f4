package quorumlab.paxos;

import static org.junit.jupiter.api.Assertions.*;
import static quorumlab.paxos.PaxosCluster.MS;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.runtime.NetworkModel;

/**
 * Compaction: each node snapshots its state machine, and acceptors and learners forget the slots
 * that every node holds in a snapshot, so a long run keeps a bounded log; a node cut off holds it
 * back, and a restart resumes from the node's own snapshot.
 */
class CompactionTest {
    private static final String ACCEPTED = "paxos.accepted";
    private static final Map<String, Object> EVERY_20 = Map.of("snapshotEveryEntries", 20);

    private static void writeMany(PaxosCluster c, NodeId leader, int from, int to) {
        for (int i = from; i < to; i++) {
            c.submit(leader, "k" + i, "v" + i);
            if (i % 10 == 9) c.sim.runFor(30 * MS);
        }
        c.sim.runFor(300 * MS);
    }

    private static long forgottenThrough(PaxosCluster c, NodeId n) {
        List<ProtocolEvent.SlotsForgotten> f = c.trace.events(n, ProtocolEvent.SlotsForgotten.class);
        return f.isEmpty() ? 0 : f.get(f.size() - 1).throughSlot();
    }

    @Test
    void everyNodeForgetsWhatAllHaveInASnapshot() {
        PaxosCluster c = new PaxosCluster(5, 81, EVERY_20, new NetworkModel());
        NodeId leader = c.awaitLeader(2_000);
        writeMany(c, leader, 0, 300);
        for (NodeId n : c.sim.cluster().members()) {
            assertEquals(300, c.sim.stateMachine(n).lastApplied(), "everything applied at " + n);
            assertTrue(forgottenThrough(c, n) >= 240, n + " forgot through " + forgottenThrough(c, n));
            assertTrue(c.sim.store(n).firstIndex(ACCEPTED) > 240 || c.sim.store(n).lastIndex(ACCEPTED) == 0,
                    n + "'s acceptor still keeps slots from " + c.sim.store(n).firstIndex(ACCEPTED));
            assertEquals("v299", c.sim.stateMachine(n).get("k299"));
        }
        assertEquals(List.of(), c.violations());
    }

    @Test
    void aNodeCutOffHoldsCompactionBackUntilItCatchesUp() {
        PaxosCluster c = new PaxosCluster(3, 82, EVERY_20, new NetworkModel());
        NodeId leader = c.awaitLeader(2_000);
        NodeId cutOff = c.sim.cluster().peersOf(leader).get(0);
        c.network.isolate(cutOff);
        writeMany(c, leader, 0, 200);
        assertTrue(c.trace.events(ProtocolEvent.SlotsForgotten.class).isEmpty(),
                "nothing is forgotten while one node has no snapshot");
        assertTrue(c.trace.events(leader, ProtocolEvent.SnapshotTaken.class).size() >= 9, "the leader did snapshot");

        c.network.heal();
        c.sim.runFor(1_000 * MS);
        assertEquals(200, c.sim.stateMachine(cutOff).lastApplied(), "the node learned every decision again");
        writeMany(c, leader, 200, 240);
        for (NodeId n : c.sim.cluster().members()) {
            assertTrue(forgottenThrough(c, n) >= 200, n + " forgot through " + forgottenThrough(c, n));
        }
        assertEquals(List.of(), c.violations());
    }

    /** The snapshot carries the clients' records: a retry of a request applied before it is not applied again. */
    @Test
    void aRestartResumesFromTheSnapshotAndStillAppliesARetryOnce() {
        PaxosCluster c = new PaxosCluster(3, 83, EVERY_20, new NetworkModel());
        NodeId leader = c.awaitLeader(2_000);
        long first = c.submit(leader, "x", "1");
        c.sim.runFor(50 * MS);
        c.submit(leader, "x", "2");
        writeMany(c, leader, 0, 60);
        for (NodeId n : c.sim.cluster().members()) c.sim.crash(n);
        c.sim.runFor(100 * MS);
        for (NodeId n : c.sim.cluster().members()) c.sim.restart(n);
        for (NodeId n : c.sim.cluster().members()) {
            assertFalse(c.trace.events(n, ProtocolEvent.StateMachineRestored.class).isEmpty(), n + " restored a snapshot");
            assertEquals("2", c.sim.stateMachine(n).get("x"));
        }
        NodeId next = c.awaitLeader(3_000);
        c.resubmit(next, first, "x", "1");
        c.sim.runFor(300 * MS);
        assertTrue(c.replies.stream().filter(r -> r.seq() == first).count() >= 2, "the retry was answered");
        for (NodeId n : c.sim.cluster().members()) {
            assertEquals("2", c.sim.stateMachine(n).get("x"), "the retry of x=1 did not apply again at " + n);
        }
        assertEquals(List.of(), c.violations());
    }
}
