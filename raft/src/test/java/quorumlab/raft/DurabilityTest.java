package quorumlab.raft;

import static org.junit.jupiter.api.Assertions.*;
import static quorumlab.protocols.testing.SimCluster.MS;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import quorumlab.protocols.NodeId;

class DurabilityTest {

    /** Term, vote and log are durable, so a whole-cluster crash loses no committed entry. */
    @ParameterizedTest
    @ValueSource(ints = {3, 5})
    void allNodesCrashAndRestartLosingNoCommittedEntry(int size) {
        RaftCluster c = new RaftCluster(size, 50 + size);
        NodeId leader = c.awaitLeader(2_000);
        List<Long> seqs = new ArrayList<>();
        for (int i = 0; i < 20; i++) seqs.add(c.submit(leader, "k" + i, "v" + i));
        c.sim.runFor(300 * MS);
        for (long s : seqs) assertTrue(c.committed(s), "write " + s + " committed before the crash");

        for (NodeId n : c.sim.cluster().members()) {
            c.sim.crash(n);
            c.sim.recordFault("crash", List.of(n), "all");
        }
        c.sim.runFor(1_000 * MS);
        for (NodeId n : c.sim.cluster().members()) {
            c.sim.restart(n);
            c.sim.recordFault("restart", List.of(n), "all");
        }
        NodeId next = c.awaitLeader(3_000);
        // A new leader commits an entry of its own term, which commits everything below it (§5.4.2).
        c.commitWithin(next, "after", "restart", 500);
        for (NodeId n : c.sim.cluster().members()) {
            for (int i = 0; i < 20; i++) {
                assertEquals("v" + i, c.sim.stateMachine(n).get("k" + i), "k" + i + " at " + n);
            }
        }
        assertEquals(List.of(), c.violations());
    }

    /** A client retrying a committed request gets the recorded result; the state machine applies it once. */
    @ParameterizedTest
    @ValueSource(ints = {3})
    void aRetriedRequestIsAppliedOnce(int size) {
        RaftCluster c = new RaftCluster(size, 77);
        NodeId leader = c.awaitLeader(2_000);
        long s = c.submit(leader, "x", "1");
        c.sim.runFor(100 * MS);
        c.submit(leader, "x", "2");
        c.sim.runFor(100 * MS);
        c.resubmit(leader, s, "x", "1");
        c.sim.runFor(100 * MS);
        assertEquals("2", c.sim.stateMachine(leader).get("x"), "the retry of x=1 did not apply again");
        assertEquals(3, c.replies.stream().filter(r -> r instanceof quorumlab.protocols.ClientReply.Committed).count());
        assertEquals(List.of(), c.violations());
    }
}
