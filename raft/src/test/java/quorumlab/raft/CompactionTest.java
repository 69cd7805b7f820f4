package quorumlab.raft;

import static org.junit.jupiter.api.Assertions.*;
import static quorumlab.protocols.testing.SimCluster.MS;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.runtime.NetworkModel;
import quorumlab.protocols.testing.RestartAndRetry;

/** Log compaction (Raft §7): snapshots bound the log, and InstallSnapshot brings a lagging follower up. */
class CompactionTest {
    private static final Map<String, Object> EVERY_20 = Map.of("snapshotEveryEntries", 20);

    @Test
    void snapshotsKeepTheLogShort() {
        RaftCluster c = new RaftCluster(3, 71, EVERY_20, new NetworkModel());
        NodeId leader = c.awaitLeader(2_000);
        c.writeMany(leader, 0, 300);
        for (NodeId n : c.sim.cluster().members()) {
            RaftNode node = (RaftNode) c.sim.node(n);
            assertEquals(300, c.sim.stateMachine(n).lastApplied(), "everything applied at " + n);
            assertTrue(node.state.log.size() < 20, n + " holds " + node.state.log.size() + " entries after 300 writes");
            assertTrue(c.sim.store(n).firstIndex(RaftLog.TABLE) > 280 || c.sim.store(n).lastIndex(RaftLog.TABLE) == 0,
                    "the durable log of " + n + " starts at " + c.sim.store(n).firstIndex(RaftLog.TABLE));
            assertEquals(15, c.trace.events(n, ProtocolEvent.SnapshotTaken.class).size(), "a snapshot every 20 entries at " + n);
            assertEquals("v299", c.sim.stateMachine(n).get("k299"));
        }
        assertEquals(List.of(), c.violations());
    }

    @Test
    void aFollowerThatMissedCompactedEntriesReceivesTheSnapshot() {
        RaftCluster c = new RaftCluster(3, 72, EVERY_20, new NetworkModel());
        NodeId leader = c.awaitLeader(2_000);
        NodeId lagging = c.sim.cluster().peersOf(leader).get(0);
        c.network.isolate(lagging);
        c.writeMany(leader, 0, 100);
        assertEquals(0, c.sim.stateMachine(lagging).lastApplied());
        // The leader no longer holds entry 1, so AppendEntries cannot bring the follower up.
        assertTrue(((RaftNode) c.sim.node(leader)).state.log.snapshotIndex() >= 80);

        c.network.heal();
        c.sim.runFor(500 * MS);
        List<ProtocolEvent.SnapshotInstalled> installed = c.trace.events(lagging, ProtocolEvent.SnapshotInstalled.class);
        assertFalse(installed.isEmpty(), "the lagging follower installed the leader's snapshot");
        assertFalse(c.trace.events(lagging, ProtocolEvent.StateMachineRestored.class).isEmpty());
        assertEquals(100, c.sim.stateMachine(lagging).lastApplied());
        for (int i = 0; i < 100; i++) assertEquals("v" + i, c.sim.stateMachine(lagging).get("k" + i));
        assertEquals(List.of(), c.violations());
    }

    @Test
    void aRestartResumesFromTheSnapshotAndStillAppliesARetryOnce() {
        RaftCluster c = new RaftCluster(3, 73, EVERY_20, new NetworkModel());
        RestartAndRetry.appliesTheRetryOnce(c, 40, n -> {
            List<ProtocolEvent.SnapshotTaken> taken = c.trace.events(n, ProtocolEvent.SnapshotTaken.class);
            long snapshot = taken.get(taken.size() - 1).index();
            assertTrue(snapshot >= 20);
            assertEquals(snapshot, c.sim.stateMachine(n).lastApplied(), "restored from its last snapshot on " + n);
        });
    }
}
