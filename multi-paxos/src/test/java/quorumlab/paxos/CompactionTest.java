package quorumlab.paxos;

import static org.junit.jupiter.api.Assertions.*;
import static quorumlab.protocols.testing.SimCluster.MS;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.runtime.NetworkModel;
import quorumlab.protocols.testing.RestartAndRetry;
import quorumlab.protocols.testing.SimCluster;

/**
 * Compaction: each node snapshots its state machine, and acceptors and learners forget the slots
 * that every node holds in a snapshot, so a long run keeps a bounded log; a node cut off holds it
 * back, and a restart resumes from the node's own snapshot.
 */
class CompactionTest {
    private static final String ACCEPTED = "paxos.accepted";
    private static final Map<String, Object> EVERY_20 = Map.of("snapshotEveryEntries", 20);

    private static long forgottenThrough(SimCluster c, NodeId n) {
        List<ProtocolEvent.SlotsForgotten> f = c.trace.events(n, ProtocolEvent.SlotsForgotten.class);
        return f.isEmpty() ? 0 : f.get(f.size() - 1).throughSlot();
    }

    @Test
    void everyNodeForgetsWhatAllHaveInASnapshot() {
        SimCluster c = new SimCluster("multi-paxos", 5, 81, EVERY_20, new NetworkModel());
        NodeId leader = c.awaitLeader(2_000);
        c.writeMany(leader, 0, 300);
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
        SimCluster c = new SimCluster("multi-paxos", 3, 82, EVERY_20, new NetworkModel());
        NodeId leader = c.awaitLeader(2_000);
        NodeId cutOff = c.sim.cluster().peersOf(leader).get(0);
        c.network.isolate(cutOff);
        c.writeMany(leader, 0, 200);
        assertTrue(c.trace.events(ProtocolEvent.SlotsForgotten.class).isEmpty(),
                "nothing is forgotten while one node has no snapshot");
        assertTrue(c.trace.events(leader, ProtocolEvent.SnapshotTaken.class).size() >= 9, "the leader did snapshot");

        c.network.heal();
        c.sim.runFor(1_000 * MS);
        assertEquals(200, c.sim.stateMachine(cutOff).lastApplied(), "the node learned every decision again");
        c.writeMany(leader, 200, 240);
        for (NodeId n : c.sim.cluster().members()) {
            assertTrue(forgottenThrough(c, n) >= 200, n + " forgot through " + forgottenThrough(c, n));
        }
        assertEquals(List.of(), c.violations());
    }

    @Test
    void aRestartResumesFromTheSnapshotAndStillAppliesARetryOnce() {
        SimCluster c = new SimCluster("multi-paxos", 3, 83, EVERY_20, new NetworkModel());
        RestartAndRetry.appliesTheRetryOnce(c, 60, n -> assertFalse(
                c.trace.events(n, ProtocolEvent.StateMachineRestored.class).isEmpty(), n + " restored a snapshot"));
    }
}
