package quorumlab.raft;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import quorumlab.protocols.ClientReply;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.testing.SimCluster;

class LeaderElectionTest {

    @ParameterizedTest
    @ValueSource(ints = {3, 5, 7})
    void electsOneLeaderThenAnotherAfterItCrashes(int size) {
        RaftCluster c = new RaftCluster(size, 11 + size);
        NodeId first = c.awaitLeader(2_000);
        long s1 = c.submit(first, "x", "1");
        c.sim.runFor(200 * SimCluster.MS);
        assertTrue(c.committed(s1), "first leader committed a put");
        for (NodeId id : c.sim.cluster().members()) {
            assertEquals("1", c.sim.stateMachine(id).get("x"), "value at " + id);
        }

        c.sim.crash(first);
        c.sim.recordFault("crash", List.of(first), "test");
        NodeId second = c.awaitLeader(3_000);
        assertNotEquals(first, second);
        long s2 = c.submit(second, "x", "2");
        c.sim.runFor(200 * SimCluster.MS);
        assertTrue(c.committed(s2), "second leader committed a put");
        assertEquals("2", c.sim.stateMachine(second).get("x"));

        for (Map.Entry<Long, List<NodeId>> e : c.leadersByTerm().entrySet()) {
            assertEquals(1, e.getValue().size(), "leaders of term " + e.getKey());
        }
        assertTrue(c.violations().isEmpty(), () -> c.violations().toString());
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 5})
    void followerAnswersNotLeaderWithHint(int size) {
        RaftCluster c = new RaftCluster(size, 3);
        NodeId leader = c.awaitLeader(2_000);
        c.sim.runFor(100 * SimCluster.MS);
        NodeId follower = c.sim.cluster().peersOf(leader).get(0);
        long s = c.submit(follower, "k", "v");
        c.sim.runFor(20 * SimCluster.MS);
        ClientReply reply = c.replyTo(s).orElseThrow();
        assertEquals(new ClientReply.NotLeader(1, s, java.util.Optional.of(leader)), reply);
    }
}
