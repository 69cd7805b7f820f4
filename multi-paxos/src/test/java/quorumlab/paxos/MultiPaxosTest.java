package quorumlab.paxos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static quorumlab.protocols.testing.SimCluster.MS;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import quorumlab.protocols.Protocol;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.runtime.Delay;
import quorumlab.protocols.runtime.NetworkModel;
import quorumlab.protocols.testing.SimCluster;

class MultiPaxosTest {

    @ParameterizedTest(name = "{0} nodes")
    @ValueSource(ints = {3, 5, 7})
    void aLeaderEmergesAndCommits(int size) {
        SimCluster c = new SimCluster("multi-paxos", size, 11 + size);
        NodeId leader = c.awaitLeader(2_000);
        long seq = c.submit(leader, "k", "v");
        assertTrue(c.sim.runUntil(() -> c.committed(seq), c.sim.now() + 1_000 * MS));
        c.sim.runFor(300 * MS);
        for (NodeId n : c.sim.cluster().members()) assertEquals(List.of("c1:1"), c.applied(n), "node " + n);
        assertEquals(List.of(), c.violations());
    }

    @Test
    void aNewLeaderRecoversChosenValuesAndFillsHolesWithNoOps() {
        SimCluster c = new SimCluster("multi-paxos", 5, 42);
        NodeId leader = c.awaitLeader(2_000);
        List<Long> seqs = new ArrayList<>();
        for (int i = 0; i < 5; i++) seqs.add(c.submit(leader, "k" + i, "v" + i));
        assertTrue(c.sim.runUntil(() -> seqs.stream().allMatch(c::committed), c.sim.now() + 1_000 * MS));
        // Slot 6 is accepted by the leader alone, slot 7 by a majority that does not learn it is
        // chosen: the next leader must re-propose slot 7's value and fill slot 6 with a no-op.
        NodeId other1 = c.sim.cluster().peersOf(leader).get(0);
        NodeId other2 = c.sim.cluster().peersOf(leader).get(1);
        c.network.setFilter((from, to, m, now) -> {
            if (m instanceof PaxosMessage.Accept a && a.values().get(0).slot() == 6) return false;
            if (m instanceof PaxosMessage.Accept a && a.values().get(0).slot() == 7) return to.equals(other1) || to.equals(other2);
            return !(m instanceof PaxosMessage.Accepted) && !(m instanceof PaxosMessage.Chosen);
        });
        c.submit(leader, "lost", "x");
        long seven = c.submit(leader, "kept", "y");
        c.sim.runFor(20 * MS);
        c.sim.crash(leader);
        c.sim.recordFault("crash", List.of(leader), "leader");
        c.network.setFilter((from, to, m, now) -> true);
        NodeId next = c.awaitLeader(3_000);
        assertFalse(next.equals(leader));
        c.sim.runFor(500 * MS);
        List<String> applied = c.applied(next);
        assertEquals(List.of("c1:1", "c1:2", "c1:3", "c1:4", "c1:5", "noop", "c1:" + seven), applied);
        assertTrue(c.trace.events(next, ProtocolEvent.NoOpProposed.class).stream().anyMatch(e -> e.slot() == 6));
        assertEquals(List.of(), c.violations());
    }

    @Test
    void lossGivesOutOfOrderChoicesAndGapsThatCloseWithIdenticalAppliedSequences() {
        NetworkModel net = new NetworkModel().setDelay(Delay.uniform(1 * MS, 10 * MS)).setDropProbability(0.15);
        SimCluster c = new SimCluster("multi-paxos", 3, 7, Map.of("retransmitMs", 30), net);
        NodeId leader = c.awaitLeader(3_000);
        List<Long> seqs = new ArrayList<>();
        for (int i = 0; i < 60; i++) seqs.add(c.submit(leader, "k" + i, "v" + i));
        assertTrue(c.sim.runUntil(() -> seqs.stream().allMatch(c::committed), c.sim.now() + 5_000 * MS),
                "all 60 committed");
        net.setDropProbability(0);
        c.sim.runFor(1_000 * MS);
        assertFalse(c.trace.events(ProtocolEvent.GapOpened.class).isEmpty(), "loss opened gaps");
        assertEquals(c.trace.events(ProtocolEvent.GapOpened.class).size(),
                c.trace.events(ProtocolEvent.GapClosed.class).size(), "every gap closed");
        List<String> first = c.applied(c.sim.cluster().members().get(0));
        assertEquals(60, first.stream().filter(s -> s.startsWith("c1:")).count());
        for (NodeId n : c.sim.cluster().members()) assertEquals(first, c.applied(n), "node " + n);
        assertEquals(List.of(), c.violations());
    }

    @Test
    void inAPartitionOfTwoAndThreeOnlyTheMajorityChooses() {
        SimCluster c = new SimCluster("multi-paxos", 5, 5);
        NodeId leader = c.awaitLeader(2_000);
        List<NodeId> others = c.sim.cluster().peersOf(leader);
        Set<NodeId> minority = Set.of(leader, others.get(0));
        Set<NodeId> majority = Set.of(others.get(1), others.get(2), others.get(3));
        c.network.partition(List.of(minority, majority));
        c.sim.recordFault("partition", List.of(leader, others.get(0)), "2|3");
        long lost = c.submit(leader, "minority", "x");
        c.sim.runFor(1_000 * MS);
        assertFalse(c.committed(lost), "the minority chose nothing");
        NodeId newLeader = c.sim.leader().filter(majority::contains).orElseGet(() -> {
            c.sim.runUntil(() -> c.sim.leader().filter(majority::contains).isPresent(), c.sim.now() + 2_000 * MS);
            return c.sim.leader().filter(majority::contains).orElseThrow();
        });
        long won = c.submit(newLeader, "majority", "y");
        assertTrue(c.sim.runUntil(() -> c.committed(won), c.sim.now() + 1_000 * MS), "the majority continues");
        for (NodeId n : minority) {
            assertFalse(c.applied(n).contains("c1:" + won), "node " + n + " in the minority applied nothing new");
        }
        c.network.heal();
        c.sim.runFor(1_000 * MS);
        for (NodeId n : c.sim.cluster().members()) assertEquals(c.applied(newLeader), c.applied(n));
        assertEquals(List.of(), c.violations());
    }

    @Test
    void duelingProposersWithEqualTimeoutsConverge() {
        SimCluster c = new SimCluster("multi-paxos", 3, 3,
                Map.of("electionTimeoutMinMs", 150, "electionTimeoutMaxMs", 150), new NetworkModel());
        NodeId leader = c.awaitLeader(5_000);
        long seq = c.submit(leader, "k", "v");
        assertTrue(c.sim.runUntil(() -> c.committed(seq), c.sim.now() + 2_000 * MS));
        assertTrue(c.trace.events(ProtocolEvent.ElectionStarted.class).size() > 1, "they dueled");
        assertEquals(List.of(), c.violations());
    }

    @Test
    void registeredByNameWithRaftsTimingDefaultsAndAnEmptyTimeoutRangeIsRejected() {
        Protocol paxos = Protocol.byName("multi-paxos");
        var defaults = paxos.resolveOptions(Map.of()).asMap();
        assertEquals(150L, defaults.get("electionTimeoutMinMs"));
        assertEquals(300L, defaults.get("electionTimeoutMaxMs"));
        assertEquals(50L, defaults.get("heartbeatIntervalMs"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> paxos.resolveOptions(Map.of("electionTimeoutMinMs", 300, "electionTimeoutMaxMs", 200)));
        assertTrue(e.getMessage().contains("electionTimeoutMaxMs"), e.getMessage());
    }

    @Test
    void aWholeClusterCrashLosesNoChosenCommand() {
        SimCluster c = new SimCluster("multi-paxos", 3, 9);
        NodeId leader = c.awaitLeader(2_000);
        List<Long> seqs = new ArrayList<>();
        for (int i = 0; i < 10; i++) seqs.add(c.submit(leader, "k" + i, "v" + i));
        assertTrue(c.sim.runUntil(() -> seqs.stream().allMatch(c::committed), c.sim.now() + 1_000 * MS));
        for (NodeId n : c.sim.cluster().members()) c.sim.crash(n);
        c.sim.recordFault("crash", c.sim.cluster().members(), "all");
        c.sim.runFor(100 * MS);
        for (NodeId n : c.sim.cluster().members()) c.sim.restart(n);
        NodeId next = c.awaitLeader(3_000);
        long after = c.submit(next, "after", "z");
        assertTrue(c.sim.runUntil(() -> c.committed(after), c.sim.now() + 1_000 * MS));
        c.sim.runFor(300 * MS);
        for (NodeId n : c.sim.cluster().members()) {
            assertTrue(c.sim.stateMachine(n).lastApplied() >= 11, "node " + n + " re-applied every decision");
            assertEquals("v9", c.sim.stateMachine(n).get("k9"), "node " + n);
            assertEquals("z", c.sim.stateMachine(n).get("after"), "node " + n);
        }
        assertEquals(List.of(), c.violations());
    }
}
