package quorumlab.raft;

import static org.junit.jupiter.api.Assertions.*;
import static quorumlab.protocols.testing.ScriptedNetwork.any;
import static quorumlab.protocols.testing.ScriptedNetwork.link;
import static quorumlab.protocols.testing.ScriptedNetwork.ofType;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.testing.ScriptedNetwork.Held;
import quorumlab.raft.RaftMessage.AppendEntries;

/**
 * Flow control of AppendEntries under a network that duplicates and reorders (issue 14): the leader
 * matches each reply to the append it answers, so a duplicated or late reply releases no second
 * append, and the appends in flight to a follower never exceed the pipelining limit.
 */
class PipeliningTest {
    private static final int STEPS = 30;
    private static final int WRITES_PER_STEP = 3;

    /**
     * Writes keep arriving; at every step each message in flight is delivered twice, in the order
     * sent. A duplicated reply must not count as the answer to a second append.
     */
    @ParameterizedTest(name = "pipelining {0}, maxEntriesPerAppend {1}")
    @CsvSource({"1, 1", "1, 64", "4, 3", "8, 1", "8, 64"})
    void aDuplicatedReplyReleasesNoSecondAppend(int pipelining, int maxEntries) {
        RaftScript s = steadyWrites(pipelining, maxEntries, (script, batch) -> batch.forEach(script.net::duplicate),
                pipelining);
        assertAllCommittedEverywhere(s);
    }

    /**
     * The same, with each step's messages delivered twice in the reverse of the order sent: later
     * appends overtake earlier ones and are rejected, replies come back out of order. Each step may
     * then release one probe besides two pipelines' worth (one before and one after the probe),
     * never more, and everything still commits.
     */
    @ParameterizedTest(name = "pipelining {0}, maxEntriesPerAppend {1}")
    @CsvSource({"1, 1", "1, 64", "4, 3", "8, 1", "8, 64"})
    void reorderedAndDuplicatedRepliesStillCommitWithBoundedAppends(int pipelining, int maxEntries) {
        RaftScript s = steadyWrites(pipelining, maxEntries, (script, batch) -> {
            List<Held> reversed = new ArrayList<>(batch);
            Collections.reverse(reversed);
            reversed.forEach(script.net::duplicate);
        }, 2 * pipelining + 1);
        assertAllCommittedEverywhere(s);
    }

    interface Delivery {
        void deliver(RaftScript script, List<Held> batch);
    }

    /**
     * Three nodes; leader 1 elected; then {@link #STEPS} steps of {@link #WRITES_PER_STEP} writes
     * followed by one batch of deliveries, then batches with no new writes until nothing is in flight,
     * and a heartbeat that tells the followers the final commit index. After every batch, the appends
     * in flight from the leader to each follower are at most {@code bound}.
     */
    private static RaftScript steadyWrites(int pipelining, int maxEntries, Delivery delivery, int bound) {
        RaftScript s = new RaftScript(3, Map.of("pipelining", pipelining, "maxEntriesPerAppend", maxEntries));
        NodeId leader = RaftScript.n(1);
        s.elect(leader, RaftScript.n(2), RaftScript.n(3));
        int key = 0;
        for (int step = 0; step < STEPS || !s.net.held().isEmpty(); step++) {
            assertTrue(step < 10 * STEPS, "still appending after " + step + " batches");
            if (step < STEPS) {
                for (int i = 0; i < WRITES_PER_STEP; i++, key++) s.submit(leader, "k" + key, "v" + key);
                s.pass(1);
            }
            delivery.deliver(s, s.net.held());
            for (NodeId follower : List.of(RaftScript.n(2), RaftScript.n(3))) {
                int inFlight = s.net.held(link(leader, follower).and(ofType(AppendEntries.class))).size();
                assertTrue(inFlight <= bound, "step " + step + ": " + inFlight + " appends in flight to " + follower
                        + ", pipelining " + pipelining);
            }
        }
        s.fire(leader, RaftNode.HEARTBEAT_TIMER);
        s.net.deliverAll(any());
        s.pass(1);
        return s;
    }

    private static void assertAllCommittedEverywhere(RaftScript s) {
        long writes = (long) STEPS * WRITES_PER_STEP;
        for (long seq = 1; seq <= writes; seq++) assertTrue(s.committed(seq), "write " + seq + " acknowledged");
        for (NodeId n : s.sim.cluster().members()) {
            assertEquals(writes, s.trace.events(n, ProtocolEvent.EntryCommitted.class).size(), "entries committed at " + n);
        }
        assertEquals(List.of(), s.violations());
    }
}
