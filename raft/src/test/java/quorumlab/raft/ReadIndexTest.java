package quorumlab.raft;

import static org.junit.jupiter.api.Assertions.*;
import static quorumlab.protocols.testing.SimCluster.MS;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import quorumlab.protocols.ClientReply;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.runtime.NetworkModel;
import quorumlab.protocols.trace.TraceRecord;

/** The read-index option (thesis §6.4): reads skip the log, yet never return a stale value. */
class ReadIndexTest {
    private static final Map<String, Object> READ_INDEX = Map.of("readIndex", true);

    @Test
    void aReadSkipsTheLogAndSeesTheLatestAcknowledgedWrite() {
        RaftCluster c = new RaftCluster(3, 5, READ_INDEX, new NetworkModel());
        NodeId leader = c.awaitLeader(2_000);
        c.commitWithin(leader, "k", "v1", 100);
        long entriesBefore = c.trace.events(leader, ProtocolEvent.EntryAppended.class).size();

        long read = c.read(leader, "k");
        c.sim.runFor(100 * MS);

        ClientReply reply = c.replyTo(read).orElseThrow(() -> new AssertionError("the read was not answered"));
        assertInstanceOf(ClientReply.Committed.class, reply);
        assertEquals("v1", ((ClientReply.Committed) reply).result().value());
        assertEquals(entriesBefore, c.trace.events(leader, ProtocolEvent.EntryAppended.class).size(),
                "the read added no log entry");
        assertEquals(List.of(), c.violations());
    }

    /** A new leader answers no read before it has committed an entry of its own term (its no-op). */
    @Test
    void aNewLeaderReadsOnlyAfterCommittingItsNoOp() {
        RaftCluster c = new RaftCluster(5, 9, READ_INDEX, new NetworkModel());
        NodeId leader = c.awaitLeader(2_000);
        long read = c.read(leader, "k");
        c.sim.runFor(200 * MS);

        List<ProtocolEvent.EntryAppended> appended = c.trace.events(leader, ProtocolEvent.EntryAppended.class);
        assertEquals("noop", appended.get(0).command(), "the leader's first entry is a no-op");
        long firstCommit = timeOfFirst(c, leader, ProtocolEvent.EntryCommitted.class);
        long answered = c.trace.records().stream()
                .filter(r -> r instanceof TraceRecord.Complete done && done.seq() == read)
                .mapToLong(TraceRecord::t).findFirst().orElseThrow();
        assertTrue(answered >= firstCommit, "answered at " + answered + ", first commit at " + firstCommit);
        assertInstanceOf(ClientReply.Committed.class, c.replyTo(read).orElseThrow());
    }

    /**
     * The stale read that a leader without the round of heartbeats would serve: the old leader,
     * cut off, still believes it leads while the majority elects another and overwrites the key.
     * It cannot hear a majority, so it never answers the read; once healed it steps down and
     * says so.
     */
    @Test
    void aDeposedLeaderNeverAnswersAReadWithAStaleValue() {
        RaftCluster c = new RaftCluster(5, 13, READ_INDEX, new NetworkModel());
        NodeId old = c.awaitLeader(2_000);
        c.commitWithin(old, "k", "old", 100);

        c.sim.network().isolate(old);
        assertTrue(c.sim.runUntil(() -> c.sim.leader().filter(l -> !l.equals(old)).isPresent(),
                c.sim.now() + 3_000 * MS));
        NodeId fresh = c.sim.leader().filter(l -> !l.equals(old)).orElseThrow();
        c.commitWithin(fresh, "k", "new", 100);

        long staleRead = c.read(old, "k");
        c.sim.runFor(500 * MS);
        assertTrue(c.replyTo(staleRead).isEmpty(), "the isolated leader answered: " + c.replyTo(staleRead));

        c.sim.network().heal();
        c.sim.runFor(300 * MS);
        assertInstanceOf(ClientReply.NotLeader.class, c.replyTo(staleRead).orElseThrow(),
                "after stepping down the old leader tells the client to go elsewhere");
        long freshRead = c.read(fresh, "k");
        c.sim.runFor(100 * MS);
        assertEquals("new", ((ClientReply.Committed) c.replyTo(freshRead).orElseThrow()).result().value());
        assertEquals(List.of(), c.violations());
        assertEquals(List.of(), StaleReads.violations(c.trace.records()));
    }

    private static long timeOfFirst(RaftCluster c, NodeId node, Class<? extends ProtocolEvent> type) {
        return c.trace.records().stream()
                .filter(r -> r instanceof TraceRecord.Event e && e.node().equals(node) && type.isInstance(e.event()))
                .mapToLong(TraceRecord::t).findFirst().orElseThrow();
    }
}
