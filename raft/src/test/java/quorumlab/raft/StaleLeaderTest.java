package quorumlab.raft;

import static org.junit.jupiter.api.Assertions.*;
import static quorumlab.protocols.testing.SimCluster.MS;

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
     * The leader of term 3 is isolated, the rest begin term 4, and it rejoins. So that its own stale
     * AppendEntries is what it sends first, the filter holds back the new leader's messages to it:
     * the followers must reject the old term (Figure 2, AppendEntries rule 1) and their reply's term
     * must make it step down (§5.1).
     */
    @Test
    void aStaleLeaderIsRejectedAndStepsDown() {
        RaftCluster c = new RaftCluster(5, 31);
        NodeId stale = c.awaitLeader(2_000);
        // Crash leaders until one leads term 3, as in the scenario's name.
        while (lastTermLedBy(c, stale) < 3) {
            c.sim.crash(stale);
            c.sim.recordFault("crash", List.of(stale), "reach term 3");
            NodeId crashed = stale;
            assertTrue(c.sim.runUntil(() -> c.sim.leader().filter(l -> !l.equals(crashed)).isPresent(),
                    c.sim.now() + 3_000 * MS));
            stale = c.sim.leader().orElseThrow();
            c.sim.restart(crashed);
            c.sim.runFor(100 * MS);
        }
        long staleTerm = lastTermLedBy(c, stale);
        assertEquals(3, staleTerm);
        NodeId staleLeader = stale;
        c.sim.network().isolate(staleLeader);
        c.sim.recordFault("isolate", List.of(staleLeader), "stale leader");
        long pending = c.submit(staleLeader, "k", "stale");

        assertTrue(c.sim.runUntil(() -> c.sim.leader().filter(l -> !l.equals(staleLeader)).isPresent(),
                c.sim.now() + 3_000 * MS), "the others elect a new leader");
        NodeId fresh = c.sim.leader().filter(l -> !l.equals(staleLeader)).orElseThrow();
        long freshTerm = lastTermLedBy(c, fresh);
        assertEquals(4, freshTerm, "the others began term 4");
        // An entry of the later term makes the majority's logs more up to date than the stale leader's.
        long fresher = c.submit(fresh, "k", "fresh");
        c.sim.runFor(200 * MS);
        assertTrue(c.committed(fresher));

        c.network.setFilter((from, to, m, now) -> !(to.equals(staleLeader)
                && (m instanceof AppendEntries || m instanceof RequestVote)));
        c.sim.network().heal();
        c.sim.recordFault("heal", List.of(), "");
        c.sim.runFor(200 * MS);

        List<ProtocolEvent.AppendRejected> rejections = c.trace.events(ProtocolEvent.AppendRejected.class).stream()
                .filter(r -> r.leader().equals(staleLeader) && r.term() == staleTerm).toList();
        assertFalse(rejections.isEmpty(), "followers rejected the stale leader's AppendEntries");
        assertTrue(rejections.get(0).reason().startsWith("stale term"), rejections.get(0).reason());
        assertTrue(c.trace.events(staleLeader, ProtocolEvent.Preempted.class).stream()
                .anyMatch(p -> p.term() == staleTerm && p.byTerm() >= freshTerm), "the stale leader was preempted");
        assertTrue(c.trace.events(staleLeader, ProtocolEvent.RoleChanged.class).stream()
                .anyMatch(r -> r.from() == Role.LEADER && r.to() == Role.FOLLOWER && r.term() >= freshTerm),
                "and stepped down into the later term");
        assertNotEquals(java.util.Optional.of(staleLeader), c.sim.leader());
        assertFalse(c.replyTo(pending).filter(r -> r instanceof quorumlab.protocols.ClientReply.Committed).isPresent());

        c.network.setFilter(MessageFilter.ALLOW_ALL);
        c.sim.runFor(500 * MS);
        assertEquals("fresh", c.sim.stateMachine(staleLeader).get("k"), "the stale leader's entry was replaced");
        assertEquals(List.of(), c.violations());
    }

    private static long lastTermLedBy(RaftCluster c, NodeId node) {
        List<ProtocolEvent.LeaderEstablished> led = c.trace.events(node, ProtocolEvent.LeaderEstablished.class);
        return led.isEmpty() ? 0 : led.get(led.size() - 1).term();
    }
}
