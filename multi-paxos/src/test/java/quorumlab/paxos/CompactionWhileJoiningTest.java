package quorumlab.paxos;

import static org.junit.jupiter.api.Assertions.*;
import static quorumlab.protocols.testing.ScriptedNetwork.any;
import static quorumlab.protocols.testing.ScriptedNetwork.among;
import static quorumlab.protocols.testing.ScriptedNetwork.link;
import static quorumlab.protocols.testing.ScriptedNetwork.ofType;

import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import quorumlab.paxos.PaxosMessage.Accept;
import quorumlab.paxos.PaxosMessage.Chosen;
import quorumlab.paxos.PaxosMessage.Heartbeat;
import quorumlab.protocols.MembershipChange;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.testing.ScriptedNetwork.Held;

/**
 * Compaction while a node joins, the schedule the fuzzer found (docs/open-counterexamples, fixed):
 * the leader's Heartbeat says "forget through 10" when every member then has a snapshot at 10; the
 * configuration command that adds n4 (whose snapshot is at 8) is chosen while that Heartbeat is in
 * flight, and n2 acts on it afterwards. That is safe: n4 governs only the slots from 11 + α on, so it
 * neither votes in slot 10 or below nor starts phase 1 there, and when it asks for them it is sent a
 * snapshot. The invariant used to demand a snapshot through 10 from every member of the latest
 * configuration, n4 included, and failed this run.
 */
class CompactionWhileJoiningTest {
    private static final NodeId N1 = PaxosScript.n(1), N2 = PaxosScript.n(2), N3 = PaxosScript.n(3),
            N4 = PaxosScript.n(4);

    @Test
    void aStaleForgetThroughThatArrivesAfterANewMemberIsChosenIsSafe() {
        PaxosScript s = new PaxosScript(3, Map.of("snapshotEveryEntries", 2, "pipelineWindow", 4));
        s.electionTimeout(N1);
        s.net.deliverAll(any());
        for (int i = 1; i <= 8; i++) write(s, "k" + i);
        assertEquals(8, learner(s, N2).snapshotIndex());

        // n4 joins: the leader's Heartbeat makes it ask for slot 1, which the leader has forgotten,
        // so it installs the leader's snapshot (slot 8).
        s.sim.addNode(N4);
        s.sim.requestMembershipChange(N1, new MembershipChange(1, MembershipChange.Kind.ADD, N4));
        s.fire(N1, PaxosNode.HEARTBEAT_TIMER);
        s.net.deliverAll(any());
        assertEquals(8, learner(s, N4).snapshotIndex());

        // Slots 9 and 10 are chosen among the members; n4 learns them only by asking, and the answer
        // to its next question is lost. That question ends its catch-up round, so the leader
        // proposes the configuration command, in slot 11.
        write(s, "k9");
        write(s, "k10");
        s.fire(N1, PaxosNode.HEARTBEAT_TIMER);
        s.net.deliverAll(among(N1, N2, N3));
        s.net.deliverOne(link(N1, N4).and(ofType(Heartbeat.class)));
        s.net.deliverOne(link(N4, N1));
        s.net.drop(link(N1, N4).and(ofType(Chosen.class)));
        assertEquals(1, s.trace.events(N1, ProtocolEvent.LearnerCaughtUp.class).size());
        assertEquals(8, learner(s, N4).snapshotIndex());
        List<Held> configAccepts = s.net.held(ofType(Accept.class).and(acceptFor(11)));
        assertEquals(2, configAccepts.size(), "slot 11's Accept to n2 and n3: " + s.net.held());
        s.net.drop(ofType(Accept.class).and(acceptFor(11)));

        // Slot 12 is chosen before slot 11: every member reports a snapshot at 10, so the leader's
        // Heartbeat says "forget through 10"; the one to n2 is held back.
        long k12 = s.submit(N1, "k12", "v");
        s.pass(1);
        s.net.deliverAll(among(N1, N2, N3));
        s.fire(N1, PaxosNode.HEARTBEAT_TIMER);
        Held staleHeartbeat = s.net.take(link(N1, N2).and(ofType(Heartbeat.class)));
        assertEquals(10, ((Heartbeat) staleHeartbeat.message()).forgetThrough());

        // Slot 11 is chosen: n4 is a member from slot 15 on. Then n2 forgets through 10.
        s.net.deliver(configAccepts.get(0));
        s.net.deliverAll(among(N1, N2, N3).and(ofType(PaxosMessage.Accepted.class)));
        assertEquals(List.of(N1, N2, N3, N4), reconfiguration(s, N1).latest().members());
        assertEquals(15, reconfiguration(s, N1).latest().effectiveFrom());
        s.net.deliver(staleHeartbeat);
        List<ProtocolEvent.SlotsForgotten> forgotten = s.trace.events(N2, ProtocolEvent.SlotsForgotten.class);
        assertEquals(new ProtocolEvent.SlotsForgotten(10), forgotten.get(forgotten.size() - 1));
        assertEquals(8, learner(s, N4).snapshotIndex(), "n4's snapshot is still at 8");
        assertEquals(List.of(), s.violations());

        // n4 catches up past the forgotten slots with a snapshot and then votes in its own slots.
        s.fire(N1, PaxosNode.HEARTBEAT_TIMER);
        s.net.deliverAll(any());
        for (int i = 13; i <= 16; i++) write(s, "k" + i, any());
        assertTrue(s.committed(k12));
        assertEquals(List.of(N1, N2, N3, N4), reconfiguration(s, N4).latest().members());
        assertTrue(s.trace.events(N4, ProtocolEvent.ValueAccepted.class).stream().anyMatch(v -> v.slot() >= 15),
                "n4 voted in the slots its configuration governs");
        assertEquals(s.sim.stateMachine(N1).snapshot().data(), s.sim.stateMachine(N4).snapshot().data());
        assertEquals(List.of(), s.violations());
    }

    /** A put through the leader, with every message among n1 to n3 delivered. */
    private static void write(PaxosScript s, String key) {
        write(s, key, among(N1, N2, N3));
    }

    private static void write(PaxosScript s, String key, Predicate<Held> delivered) {
        long seq = s.submit(N1, key, "v");
        s.pass(1);
        s.net.deliverAll(delivered);
        s.pass(1);
        assertTrue(s.committed(seq), key + " committed");
    }

    private static Predicate<Held> acceptFor(long slot) {
        return m -> m.message() instanceof Accept a && a.values().stream().anyMatch(v -> v.slot() == slot);
    }

    private static Learner learner(PaxosScript s, NodeId n) {
        return ((PaxosNode) s.sim.node(n)).learner;
    }

    private static Reconfiguration reconfiguration(PaxosScript s, NodeId n) {
        return ((PaxosNode) s.sim.node(n)).reconfiguration;
    }
}
