package quorumlab.raft;

import static org.junit.jupiter.api.Assertions.*;
import static quorumlab.raft.RaftCluster.MS;

import java.util.List;
import org.junit.jupiter.api.Test;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.Role;
import quorumlab.protocols.runtime.MessageFilter;
import quorumlab.raft.RaftMessage.AppendEntries;
import quorumlab.raft.RaftMessage.RequestVote;

class StaleLeaderTest {

    /**
     * A leader is isolated, the rest move to a later term, and it rejoins. So that its own stale
     * AppendEntries is what it sends first, the filter holds back the new leader's messages to it:
     * the followers must reject the old term (Figure 2, AppendEntries rule 1) and their reply's term
     * must make it step down (§5.1).
     */
    @Test
    void aStaleLeaderIsRejectedAndStepsDown() {
        RaftCluster c = new RaftCluster(5, 31);
        NodeId stale = c.awaitLeader(2_000);
        long staleTerm = c.trace.events(stale, ProtocolEvent.LeaderEstablished.class).get(0).term();
        c.sim.network().isolate(stale);
        c.sim.recordFault("isolate", List.of(stale), "stale leader");
        long pending = c.submit(stale, "k", "stale");

        assertTrue(c.sim.runUntil(() -> c.sim.leader().filter(l -> !l.equals(stale)).isPresent(),
                c.sim.now() + 3_000 * MS), "the others elect a new leader");
        NodeId fresh = c.sim.leader().filter(l -> !l.equals(stale)).orElseThrow();
        long freshTerm = c.trace.events(fresh, ProtocolEvent.LeaderEstablished.class).get(0).term();
        assertTrue(freshTerm > staleTerm);
        // An entry of the later term makes the majority's logs more up to date than the stale leader's.
        long fresher = c.submit(fresh, "k", "fresh");
        c.sim.runFor(200 * MS);
        assertTrue(c.committed(fresher));

        c.network.setFilter((from, to, m, now) -> !(to.equals(stale)
                && (m instanceof AppendEntries || m instanceof RequestVote)));
        c.sim.network().heal();
        c.sim.recordFault("heal", List.of(), "");
        c.sim.runFor(200 * MS);

        List<ProtocolEvent.AppendRejected> rejections = c.trace.events(ProtocolEvent.AppendRejected.class).stream()
                .filter(r -> r.leader().equals(stale) && r.term() == staleTerm).toList();
        assertFalse(rejections.isEmpty(), "followers rejected the stale leader's AppendEntries");
        assertTrue(rejections.get(0).reason().startsWith("stale term"), rejections.get(0).reason());
        assertTrue(c.trace.events(stale, ProtocolEvent.Preempted.class).stream()
                .anyMatch(p -> p.term() == staleTerm && p.byTerm() >= freshTerm), "the stale leader was preempted");
        assertTrue(c.trace.events(stale, ProtocolEvent.RoleChanged.class).stream()
                .anyMatch(r -> r.from() == Role.LEADER && r.to() == Role.FOLLOWER), "and stepped down");
        assertNotEquals(java.util.Optional.of(stale), c.sim.leader());
        assertFalse(c.replyTo(pending).filter(r -> r instanceof quorumlab.protocols.ClientReply.Committed).isPresent());

        c.network.setFilter(MessageFilter.ALLOW_ALL);
        c.sim.runFor(500 * MS);
        assertEquals("fresh", c.sim.stateMachine(stale).get("k"), "the stale leader's entry was replaced");
        assertEquals(List.of(), SafetyAssert.violations(c));
    }
}
