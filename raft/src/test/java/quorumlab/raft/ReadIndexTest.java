package quorumlab.raft;

import static org.junit.jupiter.api.Assertions.*;
import static quorumlab.protocols.testing.ScriptedNetwork.among;
import static quorumlab.protocols.testing.ScriptedNetwork.any;
import static quorumlab.protocols.testing.ScriptedNetwork.link;
import static quorumlab.protocols.testing.ScriptedNetwork.ofType;
import static quorumlab.protocols.testing.SimCluster.MS;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import quorumlab.protocols.ClientReply;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.Role;
import quorumlab.protocols.runtime.NetworkModel;
import quorumlab.protocols.testing.ScriptedNetwork.Held;
import quorumlab.protocols.trace.TraceRecord;
import quorumlab.raft.RaftMessage.AppendEntries;

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

    /**
     * The stale read of issue 14, as a script. A leads term 1 and a read round's append to B is
     * delayed. A steps down, is elected again in term 3 with B's vote, and only then does B get the
     * term-1 append: B rejects it with its own term, 3, echoing the append's round. Cut off, A still
     * leads term 3 in its own eyes while B and C elect B and overwrite k. A read at A must wait for a
     * round of term-3 appends that a majority answers (thesis §6.4); the late rejection, which
     * answered an append of term 1, proves nothing about term 3.
     */
    @Test
    void aReplyToAnAppendOfAnEarlierTermConfirmsNoRead() {
        RaftScript s = new RaftScript(3, READ_INDEX);
        NodeId a = RaftScript.n(1), b = RaftScript.n(2), c = RaftScript.n(3);

        // Term 1: A leads and commits its no-op and k=old; two reads each start a round.
        s.elect(a, b, c);
        s.net.deliverAll(any());
        long put = s.submit(a, "k", "old");
        s.pass(1);
        s.net.deliverAll(any());
        long read1 = s.read(a, "k");
        s.pass(1);
        s.net.deliverAll(any());
        long read2 = s.read(a, "k");
        s.pass(1);
        Held late = s.net.take(link(a, b).and(ofType(AppendEntries.class)));
        s.net.deliverAll(any());
        s.pass(1);
        assertTrue(s.committed(put));
        assertEquals("old", ((ClientReply.Committed) s.replyTo(read1).orElseThrow()).result().value());
        assertEquals("old", ((ClientReply.Committed) s.replyTo(read2).orElseThrow()).result().value(),
                "C's answer confirmed the second round");

        // C starts term 2 and A adopts it; C's other messages and A's vote are lost.
        s.electionTimeout(c);
        s.net.deliverOne(link(c, a));
        s.net.drop(any());
        assertEquals(Role.FOLLOWER, s.role(a));

        // Term 3: A is elected again by B, and then B gets the late append of term 1.
        s.elect(a, b);
        assertEquals(3, s.term(a));
        s.net.deliver(late);
        s.net.deliverAll(among(a, b));
        assertTrue(s.trace.events(a, ProtocolEvent.EntryCommitted.class).stream().anyMatch(e -> e.term() == 3),
                "A committed its term-3 no-op");

        // A is cut off; B and C elect B in term 4, and k is overwritten.
        s.net.drop(any());
        s.sim.network().isolate(a);
        s.sim.recordFault("isolate", List.of(a), "stale leader of term 3");
        s.elect(b, c);
        s.net.deliverAll(among(b, c));
        long overwrite = s.submit(b, "k", "new");
        s.pass(1);
        s.net.deliverAll(among(b, c));
        s.pass(1);
        assertTrue(s.committed(overwrite));

        assertEquals(Role.LEADER, s.role(a), "A still believes it leads term 3");
        long staleRead = s.read(a, "k");
        s.pass(10);
        assertEquals(java.util.Optional.empty(), s.replyTo(staleRead),
                "A answered a read without a majority answering an append of its term");

        // Healed: A's next append meets term 4, A steps down and sends the client elsewhere.
        s.sim.network().heal();
        s.fire(a, RaftNode.HEARTBEAT_TIMER);
        s.net.deliverAll(any());
        s.pass(1);
        assertInstanceOf(ClientReply.NotLeader.class, s.replyTo(staleRead).orElseThrow());
        assertEquals(List.of(), s.violations());
        assertEquals(List.of(), StaleReads.violations(s.trace.records()));
    }

    private static long timeOfFirst(RaftCluster c, NodeId node, Class<? extends ProtocolEvent> type) {
        return c.trace.records().stream()
                .filter(r -> r instanceof TraceRecord.Event e && e.node().equals(node) && type.isInstance(e.event()))
                .mapToLong(TraceRecord::t).findFirst().orElseThrow();
    }
}
