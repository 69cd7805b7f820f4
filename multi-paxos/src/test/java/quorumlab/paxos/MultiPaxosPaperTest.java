package quorumlab.paxos;

import static org.junit.jupiter.api.Assertions.*;
import static quorumlab.protocols.testing.ScriptedNetwork.among;
import static quorumlab.protocols.testing.ScriptedNetwork.any;
import static quorumlab.protocols.testing.ScriptedNetwork.link;
import static quorumlab.protocols.testing.ScriptedNetwork.ofType;

import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.NoOp;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.Role;
import quorumlab.protocols.testing.ScriptedNetwork.Held;
import quorumlab.paxos.PaxosMessage.Accept;
import quorumlab.paxos.PaxosMessage.Prepare;

/**
 * The Multi-Paxos counterparts of the replayed Raft paper tests, as scripted schedules
 * ({@link PaxosScript}): every message and timer is a step of the script, and every trace goes
 * through the safety checkers.
 */
class MultiPaxosPaperTest {
    private static final NodeId N1 = PaxosScript.n(1), N2 = PaxosScript.n(2), N3 = PaxosScript.n(3),
            N4 = PaxosScript.n(4);

    /**
     * The interleaving that splits a Raft vote in four nodes (two candidates, each voter answering
     * whichever asked first) elects a Multi-Paxos leader at once: ballots are totally ordered and an
     * acceptor promises any higher ballot, so the higher of the two concurrent ballots gathers every
     * promise and the lower one is refused ("Paxos Made Simple" §2.2, phase 1).
     */
    @Test
    void theHigherOfTwoConcurrentBallotsWinsWithoutASplitVote() {
        PaxosScript s = new PaxosScript(4, Map.of());
        s.electionTimeout(N1);
        s.electionTimeout(N2);
        s.net.deliverOne(link(N1, N3).and(ofType(Prepare.class)));
        s.net.deliverOne(link(N2, N4).and(ofType(Prepare.class)));
        s.net.deliverAll(any());

        assertEquals(Role.LEADER, s.role(N2), "ballot (1, n2) is the higher");
        assertNotEquals(Role.LEADER, s.role(N1));
        List<TraceLeader> leaders = s.trace.records().stream()
                .filter(r -> r instanceof quorumlab.protocols.trace.TraceRecord.Event e
                        && e.event() instanceof ProtocolEvent.LeaderEstablished)
                .map(r -> {
                    var e = (quorumlab.protocols.trace.TraceRecord.Event) r;
                    return new TraceLeader(e.node(), ((ProtocolEvent.LeaderEstablished) e.event()).term());
                }).toList();
        assertEquals(List.of(new TraceLeader(N2, 1)), leaders, "one leader, in the first round");
        assertEquals(2, s.trace.events(ProtocolEvent.ElectionStarted.class).size(), "no second round was needed");

        long put = s.submit(N2, "k", "v");
        s.pass(1);
        s.net.deliverAll(any());
        s.pass(1);
        assertTrue(s.committed(put));
        assertEquals(List.of(), s.violations());
    }

    private record TraceLeader(NodeId node, long round) {}

    /**
     * "Paxos Made Simple" §2.2 (P2c) and §3: a new leader proposes, in each slot, the value accepted
     * in the highest ballot any acceptor of its quorum reports, and fills a slot no one reports with
     * a no-op. Here slot 1 holds A of ballot 1 at N1 and D of ballot 2 at N3; slot 3 holds F of
     * ballot 2 at N3; slot 2's E is at N2 only, outside the quorum. The leader of ballot 3 chooses
     * D, a no-op and F, and A and E are never chosen.
     */
    @Test
    void aNewLeaderAdoptsTheHighestBallotValuePerSlotAndFillsHolesWithNoOps() {
        PaxosScript s = new PaxosScript(3, Map.of());
        // Ballot (1, n1): N1 leads with N2's promise; A, for slot 1, is accepted by N1 alone.
        s.electionTimeout(N1);
        s.net.deliverAll(among(N1, N2));
        assertEquals(Role.LEADER, s.role(N1));
        s.net.drop(any());
        long a = s.submit(N1, "x", "A");
        s.pass(1);
        s.net.drop(any());

        // Ballot (2, n2): N2 leads with N3's promise; of D, E, F (slots 1-3) N3 accepts D and F.
        s.electionTimeout(N2);
        s.net.deliverAll(among(N2, N3));
        assertEquals(Role.LEADER, s.role(N2));
        s.net.drop(any());
        long d = s.submit(N2, "x", "D");
        long e = s.submit(N2, "y", "E");
        long f = s.submit(N2, "z", "F");
        s.pass(1);
        s.net.deliverOne(link(N2, N3).and(acceptFor(1)));
        s.net.deliverOne(link(N2, N3).and(acceptFor(3)));
        s.net.drop(any());

        // N1 hears N2's heartbeat of ballot 2 and stops leading; it then runs ballot (3, n1) with N3.
        s.fire(N2, PaxosNode.HEARTBEAT_TIMER);
        s.net.deliverOne(link(N2, N1).and(ofType(PaxosMessage.Heartbeat.class)));
        assertEquals(Role.FOLLOWER, s.role(N1));
        s.net.drop(any());
        s.electionTimeout(N1);
        s.net.deliverAll(among(N1, N3).and(ofType(Prepare.class).or(ofType(PaxosMessage.Promise.class))));
        assertEquals(Role.LEADER, s.role(N1));
        assertEquals(List.of(new ProtocolEvent.NoOpProposed(2, 3)), s.trace.events(N1, ProtocolEvent.NoOpProposed.class));

        s.net.deliverAll(any());
        s.pass(1);
        for (NodeId n : s.sim.cluster().members()) {
            assertEquals(List.of("c1:" + d, NoOp.INSTANCE.id(), "c1:" + f), s.applied(n), "applied at " + n);
        }
        assertTrue(s.committed(d) && s.committed(f), "N2's clients hear of D and F");
        assertFalse(s.committed(a) || s.committed(e));
        assertTrue(s.trace.events(ProtocolEvent.SlotChosen.class).stream()
                .noneMatch(c -> c.command().equals("c1:" + a) || c.command().equals("c1:" + e)), "A and E never chosen");
        assertEquals(List.of(), s.violations());
    }

    private static Predicate<Held> acceptFor(long slot) {
        return m -> m.message() instanceof Accept accept && accept.values().get(0).slot() == slot;
    }
}
