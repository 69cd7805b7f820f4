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
import quorumlab.protocols.Role;
import quorumlab.protocols.testing.ScriptedNetwork.Held;

/**
 * Membership change in schedules the fuzzer found (docs/open-counterexamples, now fixed), scripted
 * message by message ({@link PaxosScript}); every trace goes through the safety checkers.
 */
class MembershipScriptTest {
    private static final NodeId N1 = PaxosScript.n(1), N2 = PaxosScript.n(2), N3 = PaxosScript.n(3),
            N4 = PaxosScript.n(4);

    /**
     * Compaction while a node joins (fuzz counterexample 1t40e5ptly0fy): the leader's Heartbeat says
     * "forget through 10" when every member then has a snapshot at 10; the configuration command
     * that adds n4 (whose snapshot is at 8) is chosen while that Heartbeat is in flight, and n2 acts
     * on it afterwards. That is safe: n4 governs only the slots from 11 + α on, so it neither votes
     * in slot 10 or below nor starts phase 1 there, and when it asks for them it is sent a snapshot.
     * The invariant used to demand a snapshot through 10 from every member of the latest
     * configuration, n4 included, and failed this run.
     */
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

    /**
     * A stale candidate catches up while its Prepare is in flight (fuzz counterexample
     * au549mkbk8b3): n3, cut off since slot 1, prepares from slot 2 with the bootstrap
     * configuration's acceptors, learns the slots it missed (n4 added in slot 2, n2 removed in slot
     * 4, both chosen) and then wins with n2's promise: a majority of the configuration of slot 2.
     * Slots 4 and 5, governed by [n1, n2, n3, n4], are already chosen, so it needs no promises for
     * them; it used to wait for them before proposing anything, and its phase 1 with the new
     * acceptors asks only for the open slots', so it never proposed again.
     */
    @Test
    void aLeaderProposesPastChosenSlotsOfAConfigurationItHasNoPromisesFor() {
        PaxosScript s = new PaxosScript(3, Map.of("pipelineWindow", 2));
        s.electionTimeout(N1);
        s.net.deliverAll(any());
        write(s, "k1");
        // From here n3 hears nothing: its Chosen messages wait, everything else to it is lost.
        Predicate<Held> notN3 = m -> !m.to().equals(N3) && !m.from().equals(N3);
        s.sim.addNode(N4);
        s.sim.requestMembershipChange(N1, new MembershipChange(1, MembershipChange.Kind.ADD, N4));
        for (int i = 0; i < 2; i++) {
            s.fire(N1, PaxosNode.HEARTBEAT_TIMER);
            s.net.deliverAll(notN3);
        }
        s.sim.requestMembershipChange(N1, new MembershipChange(2, MembershipChange.Kind.REMOVE, N2));
        s.net.deliverAll(notN3);
        write(s, "k6", notN3);
        assertEquals(List.of(N1, N3, N4), reconfiguration(s, N1).at(6).members());
        assertEquals(List.of(N1, N2, N3, N4), reconfiguration(s, N1).at(4).members());
        s.net.drop(m -> m.to().equals(N3) && !(m.message() instanceof Chosen));

        s.electionTimeout(N3);
        s.net.drop(link(N3, N1));
        s.net.deliverAll(link(N1, N3).and(ofType(Chosen.class)));
        assertEquals(7, learner(s, N3).firstUnchosen(), "n3 learned slots 2-6");
        s.net.deliverOne(link(N3, N2));
        s.net.deliverOne(link(N2, N3));
        assertEquals(Role.LEADER, s.role(N3), "n3 leads with the promises of n2 and n3 from slot 2");

        // Its phase 1 with the acceptors of the open slots' configuration [n1, n3, n4].
        s.fire(N3, PaxosNode.RETRANSMIT_TIMER);
        long put = s.submit(N3, "k7", "v");
        s.pass(1);
        s.net.deliverAll(any());
        s.pass(1);
        assertTrue(s.committed(put), "n3 proposed and committed a write");
        // n2 reported the configuration commands of slots 2 and 4; both are chosen, so none is
        // in progress and n3 takes the next change.
        s.sim.requestMembershipChange(N3, new MembershipChange(3, MembershipChange.Kind.REMOVE, N1));
        s.pass(1);
        s.net.deliverAll(any());
        s.pass(1);
        assertEquals(List.of(), s.trace.events(ProtocolEvent.MembershipChangeRefused.class));
        assertEquals(List.of(N3, N4), reconfiguration(s, N3).latest().members());
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
