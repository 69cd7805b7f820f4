package quorumlab.protocols.testing;

import static org.junit.jupiter.api.Assertions.*;
import static quorumlab.protocols.testing.SimCluster.MS;

import java.util.List;
import java.util.function.Consumer;
import quorumlab.protocols.NodeId;

/**
 * The compaction test every protocol owes: a snapshot must carry the clients' records as well as
 * the data, so that after a restart from a snapshot a retry of a request applied before it is
 * answered, not applied again.
 */
public final class RestartAndRetry {
    private RestartAndRetry() {}

    /**
     * Puts x=1 and x=2, then {@code writes} more so that snapshots cover both; crashes and restarts
     * every node; checks each node with {@code restoredFromSnapshot}; then retries x=1 at the new
     * leader and asserts it is answered, x stays 2 everywhere, and the trace is safe.
     */
    public static void appliesTheRetryOnce(SimCluster c, int writes, Consumer<NodeId> restoredFromSnapshot) {
        NodeId leader = c.awaitLeader(2_000);
        long first = c.submit(leader, "x", "1");
        c.sim.runFor(50 * MS);
        c.submit(leader, "x", "2");
        c.writeMany(leader, 0, writes);
        List<NodeId> members = c.sim.cluster().members();
        for (NodeId n : members) c.sim.crash(n);
        c.sim.runFor(100 * MS);
        for (NodeId n : members) c.sim.restart(n);
        for (NodeId n : members) {
            restoredFromSnapshot.accept(n);
            assertEquals("2", c.sim.stateMachine(n).get("x"));
        }
        NodeId next = c.awaitLeader(3_000);
        c.resubmit(next, first, "x", "1");
        c.sim.runFor(300 * MS);
        assertTrue(c.replies.stream().filter(r -> r.seq() == first).count() >= 2, "the retry was answered");
        for (NodeId n : members) {
            assertEquals("2", c.sim.stateMachine(n).get("x"), "the retry of x=1 did not apply again at " + n);
        }
        assertEquals(List.of(), c.violations());
    }
}
