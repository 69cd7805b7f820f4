package quorumlab.paxos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static quorumlab.paxos.PaxosSimHarness.MS;
import static quorumlab.paxos.PaxosSimHarness.SECOND;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import quorumlab.protocols.MembershipChange;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.Role;
import quorumlab.protocols.trace.TraceRecord;

/**
 * Reconfiguration through the log ("Paxos Made Moderately Complex" §3) in the simulator, while
 * clients write: grow 3 to 5, shrink 5 to 3, remove the leader, replace every node one by one, and
 * a node joining after compaction. Every trace is checked: the Multi-Paxos invariants across
 * configurations, no acknowledged write lost, and linearizability against the log's order.
 */
class MembershipChangeTest {
    private long nextChange = 1;

    /** Asks the current leader for a change and runs until it is committed or refused. */
    private ProtocolEvent change(PaxosSimHarness h, MembershipChange.Kind kind, NodeId node) {
        long id = request(h, kind, node);
        assertTrue(h.sim.runUntil(() -> h.sim.membershipOutcome(id).isPresent(), h.sim.now() + 5 * SECOND),
                "change " + id + " (" + kind + " " + node + ") had no outcome by t=" + h.sim.now());
        return h.sim.membershipOutcome(id).orElseThrow();
    }

    private long request(PaxosSimHarness h, MembershipChange.Kind kind, NodeId node) {
        NodeId leader = h.awaitLeader(5 * SECOND);
        long id = nextChange++;
        h.sim.requestMembershipChange(leader, new MembershipChange(id, kind, node));
        return id;
    }

    private void committed(PaxosSimHarness h, MembershipChange.Kind kind, NodeId node, List<NodeId> voters) {
        ProtocolEvent outcome = change(h, kind, node);
        ProtocolEvent.MembershipChangeCommitted c = assertInstanceOf(ProtocolEvent.MembershipChangeCommitted.class, outcome);
        assertEquals(voters, c.voters());
    }

    private static List<NodeId> nodes(int... ids) {
        List<NodeId> out = new ArrayList<>();
        for (int id : ids) out.add(NodeId.of(id));
        return out;
    }

    private static Reconfiguration reconfiguration(PaxosSimHarness h, NodeId node) {
        return ((PaxosNode) h.sim.node(node)).reconfiguration;
    }

    private static void assertSafeAndLinearizable(PaxosSimHarness h) {
        h.assertSafe();
        assertEquals(List.of(), LogLinearizability.violations(h.trace.records()), "linearizability (seed " + h.sim.seed() + ")");
    }

    private static List<PaxosSimHarness.Client> clients(PaxosSimHarness h, int count, int writes) {
        List<PaxosSimHarness.Client> clients = new ArrayList<>();
        for (int c = 1; c <= count; c++) clients.add(h.client(c, writes));
        return clients;
    }

    /** The events {@code node} emitted after {@code t}. */
    private static List<ProtocolEvent> eventsOf(PaxosSimHarness h, NodeId node, long after) {
        List<ProtocolEvent> out = new ArrayList<>();
        for (TraceRecord r : h.trace.records()) {
            if (r instanceof TraceRecord.Event e && e.node().equals(node) && e.t() > after) out.add(e.event());
        }
        return out;
    }

    @Test
    void growsFromThreeToFiveAndRefusesASecondChangeWhileOneIsInProgress() {
        PaxosSimHarness h = new PaxosSimHarness(3, 11, Map.of());
        List<PaxosSimHarness.Client> clients = clients(h, 3, 120);
        h.sim.runFor(300 * MS);
        NodeId n4 = h.addNode(4);
        committed(h, MembershipChange.Kind.ADD, n4, nodes(1, 2, 3, 4));
        NodeId n5 = h.addNode(5);
        long add = request(h, MembershipChange.Kind.ADD, n5);
        ProtocolEvent second = change(h, MembershipChange.Kind.REMOVE, NodeId.of(1));
        assertTrue(second instanceof ProtocolEvent.MembershipChangeRefused r && r.reason().contains("in progress"), second.toString());
        assertTrue(h.sim.runUntil(() -> h.sim.membershipOutcome(add).isPresent(), h.sim.now() + 5 * SECOND));
        assertEquals(nodes(1, 2, 3, 4, 5),
                assertInstanceOf(ProtocolEvent.MembershipChangeCommitted.class, h.sim.membershipOutcome(add).orElseThrow()).voters());
        assertTrue(h.runUntilDone(clients, 20 * SECOND), "clients finished");
        h.sim.runFor(500 * MS);

        List<ProtocolEvent.LearnerCaughtUp> caughtUp = h.events(ProtocolEvent.LearnerCaughtUp.class);
        assertEquals(nodes(4, 5), caughtUp.stream().map(ProtocolEvent.LearnerCaughtUp::learner).toList());
        assertTrue(caughtUp.get(0).entries() > 0, "n4 was sent the decisions it lacked: " + caughtUp);
        for (NodeId n : h.nodes) {
            assertEquals(nodes(1, 2, 3, 4, 5), reconfiguration(h, n).latest().members(), n + "'s configuration");
            assertEquals(h.applied(NodeId.of(1)), h.applied(n), n + " applied the same commands as n1");
        }
        // The new acceptors vote in the slots their configuration governs.
        long fiveFrom = reconfiguration(h, n5).latest().effectiveFrom();
        assertTrue(h.trace.records().stream().anyMatch(r -> r instanceof TraceRecord.Event e && e.node().equals(n5)
                && e.event() instanceof ProtocolEvent.ValueAccepted va && va.slot() >= fiveFrom), "n5 accepted values");
        assertSafeAndLinearizable(h);
    }

    @Test
    void shrinksFromFiveToThreeAndThenLivesWithTwoOfTheFiveUp() {
        PaxosSimHarness h = new PaxosSimHarness(5, 12, Map.of());
        List<PaxosSimHarness.Client> clients = clients(h, 2, 150);
        h.sim.runFor(300 * MS);
        NodeId leader = h.awaitLeader(SECOND);
        List<NodeId> followers = new ArrayList<>(h.nodes);
        followers.remove(leader);
        List<NodeId> remaining = new ArrayList<>(h.nodes);
        remaining.remove(followers.get(0));
        committed(h, MembershipChange.Kind.REMOVE, followers.get(0), remaining);
        remaining.remove(followers.get(1));
        committed(h, MembershipChange.Kind.REMOVE, followers.get(1), remaining);
        long threeFrom = reconfiguration(h, leader).latest().effectiveFrom();
        // Two of the five are up: no majority of the old configuration, a majority of the new one.
        h.sim.crash(followers.get(0));
        h.sim.crash(followers.get(1));
        h.sim.crash(followers.get(2));
        assertTrue(h.runUntilDone(clients, 20 * SECOND), "clients finished with 2 of 5 nodes up");
        assertTrue(h.events(ProtocolEvent.SlotChosen.class).stream().anyMatch(c -> c.slot() > threeFrom + 10));
        for (NodeId removed : followers.subList(0, 2)) {
            assertFalse(h.trace.records().stream().anyMatch(r -> r instanceof TraceRecord.Event e && e.node().equals(removed)
                    && e.event() instanceof ProtocolEvent.ValueAccepted va && va.slot() >= threeFrom), removed + " voted after its removal");
        }
        assertSafeAndLinearizable(h);
    }

    @Test
    void aRemovedLeaderHandsOverAndNeverLeadsAgain() {
        PaxosSimHarness h = new PaxosSimHarness(5, 13, Map.of());
        List<PaxosSimHarness.Client> clients = clients(h, 2, 150);
        h.sim.runFor(300 * MS);
        NodeId leader = h.awaitLeader(SECOND);
        List<NodeId> others = new ArrayList<>(h.nodes);
        others.remove(leader);
        committed(h, MembershipChange.Kind.REMOVE, leader, others);
        long removedAt = h.sim.now();
        assertEquals(Role.FOLLOWER, ((PaxosNode) h.sim.node(leader)).role(), "the removed leader stopped leading");
        assertTrue(h.runUntilDone(clients, 20 * SECOND), "clients finished under a new leader");
        NodeId next = h.awaitLeader(SECOND);
        assertNotEquals(leader, next);
        List<ProtocolEvent> after = eventsOf(h, leader, removedAt);
        assertFalse(after.stream().anyMatch(e -> e instanceof ProtocolEvent.ElectionStarted || e instanceof ProtocolEvent.ValueAccepted),
                "the removed leader neither campaigned nor voted: " + after.stream().limit(5).toList());
        // It handed over: it was not preempted by a higher ballot.
        assertTrue(eventsOf(h, leader, 0).stream().noneMatch(e -> e instanceof ProtocolEvent.Preempted));
        assertSafeAndLinearizable(h);
    }

    @Test
    void replacesEveryNodeOneByOneWhileClientsWrite() {
        PaxosSimHarness h = new PaxosSimHarness(3, 14, Map.of("pipelineWindow", 16));
        List<PaxosSimHarness.Client> clients = clients(h, 3, 400);
        h.sim.runFor(200 * MS);
        List<NodeId> voters = nodes(1, 2, 3);
        for (int old = 1; old <= 3; old++) {
            NodeId added = h.addNode(old + 3);
            voters.add(added);
            committed(h, MembershipChange.Kind.ADD, added, List.copyOf(voters));
            voters.remove(NodeId.of(old));
            committed(h, MembershipChange.Kind.REMOVE, NodeId.of(old), List.copyOf(voters));
            h.sim.crash(NodeId.of(old));
            assertFalse(clients.stream().allMatch(PaxosSimHarness.Client::done), "clients still writing during replacement " + old);
        }
        assertTrue(h.runUntilDone(clients, 20 * SECOND), "clients finished on the new nodes");
        h.sim.runFor(500 * MS);
        for (NodeId n : nodes(4, 5, 6)) {
            assertEquals(nodes(4, 5, 6), reconfiguration(h, n).latest().members(), n + "'s configuration");
            assertEquals(h.applied(NodeId.of(4)), h.applied(n), n + " applied the same commands as n4");
        }
        assertEquals(h.sim.stateMachine(NodeId.of(4)).snapshot().data(), h.sim.stateMachine(NodeId.of(6)).snapshot().data());
        assertSafeAndLinearizable(h);
    }

    @Test
    void aNodeJoiningAfterCompactionGetsASnapshotWithTheConfigurations() {
        PaxosSimHarness h = new PaxosSimHarness(3, 15, Map.of("snapshotEveryEntries", 20, "pipelineWindow", 8));
        assertTrue(h.runUntilDone(clients(h, 1, 100), 10 * SECOND));
        h.sim.runFor(300 * MS);
        assertFalse(h.events(ProtocolEvent.SlotsForgotten.class).isEmpty(), "slots were forgotten before n4 joined");
        NodeId n4 = h.addNode(4);
        committed(h, MembershipChange.Kind.ADD, n4, nodes(1, 2, 3, 4));
        // A later change reaches n4 too, through the log it now learns.
        committed(h, MembershipChange.Kind.REMOVE, NodeId.of(3), nodes(1, 2, 4));
        List<PaxosSimHarness.Client> more = List.of(h.client(2, 40));
        assertTrue(h.runUntilDone(more, 10 * SECOND));
        h.sim.runFor(300 * MS);
        assertFalse(eventsOf(h, n4, 0).stream().filter(e -> e instanceof ProtocolEvent.SnapshotInstalled).toList().isEmpty(),
                "n4 installed a snapshot");
        assertEquals(nodes(1, 2, 4), reconfiguration(h, n4).latest().members());
        assertEquals(h.sim.stateMachine(NodeId.of(1)).snapshot().data(), h.sim.stateMachine(n4).snapshot().data());
        assertSafeAndLinearizable(h);
    }

    @Test
    void aLeaderRunsPhaseOneWithANewAcceptorItsOldPromisesCannotReplace() {
        PaxosSimHarness h = new PaxosSimHarness(3, 16, Map.of("pipelineWindow", 4));
        NodeId leader = h.awaitLeader(SECOND);
        List<NodeId> others = new ArrayList<>(h.nodes);
        others.remove(leader);
        committed(h, MembershipChange.Kind.REMOVE, others.get(0), List.of(leader, others.get(1)).stream().sorted().toList());
        committed(h, MembershipChange.Kind.REMOVE, others.get(1), List.of(leader));
        // [leader, n4] needs n4's promise: no promise the leader holds covers a majority of it.
        NodeId n4 = h.addNode(4);
        committed(h, MembershipChange.Kind.ADD, n4, List.of(leader, n4).stream().sorted().toList());
        long from = reconfiguration(h, leader).latest().effectiveFrom();
        assertEquals(leader, h.awaitLeader(SECOND), "the same leader, the same ballot");
        assertTrue(h.runUntilDone(List.of(h.client(1, 20)), 5 * SECOND), "writes chosen by [" + leader + ", n4]");
        assertTrue(h.trace.records().stream().anyMatch(r -> r instanceof TraceRecord.Event e && e.node().equals(n4)
                && e.event() instanceof ProtocolEvent.ValueAccepted va && va.slot() >= from), "n4 accepted in its configuration's slots");
        assertEquals(((PaxosNode) h.sim.node(leader)).ballot, ((PaxosNode) h.sim.node(n4)).acceptor.promised());
        assertSafeAndLinearizable(h);
    }
}
