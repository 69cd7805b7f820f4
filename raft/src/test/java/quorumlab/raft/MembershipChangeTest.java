package quorumlab.raft;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import quorumlab.protocols.MembershipChange;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.Role;
import quorumlab.protocols.runtime.NetworkModel;
import quorumlab.protocols.trace.TraceRecord;

/**
 * Membership changes in the simulator, single-server (thesis ch. 4) and joint consensus (Raft §6):
 * grow, shrink, remove the leader, one change at a time, the snapshot's configuration, removed
 * servers that cannot disrupt. Every trace is checked by Raft's invariants (which check every
 * commit's quorum across configurations) and for lost acknowledged writes.
 */
class MembershipChangeTest {
    static final long MS = RaftCluster.MS;
    static final NodeId N1 = NodeId.of(1), N2 = NodeId.of(2), N3 = NodeId.of(3), N4 = NodeId.of(4), N5 = NodeId.of(5);

    private long nextChange = 1;

    private static RaftCluster cluster(int nodes, long seed, String membership, Map<String, Object> more) {
        Map<String, Object> options = new java.util.HashMap<>(more);
        options.put("membership", membership);
        return new RaftCluster(nodes, seed, options, new NetworkModel());
    }

    /** Asks the current leader for {@code kind} of {@code node}, waits for the outcome, and returns it. */
    private ProtocolEvent change(RaftCluster c, MembershipChange.Kind kind, NodeId node) {
        NodeId leader = c.awaitLeader(3_000);
        long id = nextChange++;
        if (kind == MembershipChange.Kind.ADD) c.sim.addNode(node);
        c.sim.requestMembershipChange(leader, new MembershipChange(id, kind, node));
        assertTrue(c.sim.runUntil(() -> c.sim.membershipOutcome(id).isPresent(), c.sim.now() + 5_000 * MS),
                kind + " " + node + ": no outcome (seed " + c.sim.seed() + ")");
        return c.sim.membershipOutcome(id).orElseThrow();
    }

    private static List<NodeId> committedVoters(ProtocolEvent outcome) {
        assertInstanceOf(ProtocolEvent.MembershipChangeCommitted.class, outcome, outcome.toString());
        return ((ProtocolEvent.MembershipChangeCommitted) outcome).voters();
    }

    private static Configuration configurationOf(RaftCluster c, NodeId node) {
        return ((RaftNode) c.sim.node(node)).membership.current();
    }

    private static void assertSafe(RaftCluster c) {
        assertEquals(List.of(), c.violations(), "seed " + c.sim.seed());
    }

    @ParameterizedTest
    @ValueSource(strings = {"single", "joint"})
    void growThreeToFiveThenLoseTwoOriginalServers(String membership) {
        RaftCluster c = cluster(3, 11, membership, Map.of());
        NodeId leader = c.awaitLeader(3_000);
        c.writeMany(leader, 0, 30);
        assertEquals(List.of(N1, N2, N3, N4), committedVoters(change(c, MembershipChange.Kind.ADD, N4)));
        assertEquals(List.of(N1, N2, N3, N4, N5), committedVoters(change(c, MembershipChange.Kind.ADD, N5)));
        List<ProtocolEvent.LearnerCaughtUp> caughtUp = c.trace.events(ProtocolEvent.LearnerCaughtUp.class);
        assertEquals(List.of(N4, N5), caughtUp.stream().map(ProtocolEvent.LearnerCaughtUp::learner).toList());
        assertTrue(caughtUp.get(0).entries() >= 30, "n4 was sent the log before it voted: " + caughtUp.get(0));
        if (membership.equals("joint")) {
            assertTrue(c.trace.events(ProtocolEvent.ConfigurationChanged.class).stream()
                    .anyMatch(e -> e.oldVoters().equals(List.of(N1, N2, N3)) && e.voters().equals(List.of(N1, N2, N3, N4))),
                    "C_old,new came first");
        }
        // Five voters now: two of the original three can go and a majority (3 of 5) remains.
        List<NodeId> gone = List.of(N1, N2, N3).stream().filter(n -> !n.equals(c.sim.leader().orElseThrow())).toList();
        gone.forEach(c.sim::crash);
        NodeId now = c.awaitLeader(3_000);
        c.commitWithin(now, "after", "growth", 1_000);
        assertEquals(31, c.applied(N5).stream().filter(s -> s.startsWith("c") && !s.startsWith("config")).count(),
                "n5 applied every write");
        assertSafe(c);
    }

    @ParameterizedTest
    @ValueSource(strings = {"single", "joint"})
    void shrinkFiveToThreeThenCommitWithTwo(String membership) {
        RaftCluster c = cluster(5, 12, membership, Map.of());
        NodeId leader = c.awaitLeader(3_000);
        c.writeMany(leader, 0, 10);
        List<NodeId> followers = List.of(N1, N2, N3, N4, N5).stream().filter(n -> !n.equals(leader)).toList();
        change(c, MembershipChange.Kind.REMOVE, followers.get(0));
        List<NodeId> three = committedVoters(change(c, MembershipChange.Kind.REMOVE, followers.get(1)));
        assertEquals(3, three.size());
        // The removed servers keep running but no longer count: crash one of the three and 2 of 3 still commit.
        c.sim.crash(followers.get(2));
        c.commitWithin(c.awaitLeader(3_000), "after", "shrink", 1_000);
        assertTrue(c.sim.isUp(followers.get(0)) && c.sim.isUp(followers.get(1)));
        assertFalse(configurationOf(c, followers.get(0)).isVoter(followers.get(0)), "it learned of its removal");
        assertSafe(c);
    }

    @ParameterizedTest
    @ValueSource(strings = {"single", "joint"})
    void aRemovedLeaderStepsDownAfterCommittingItsRemovalAndStaysQuiet(String membership) {
        RaftCluster c = cluster(3, 13, membership, Map.of());
        NodeId leader = c.awaitLeader(3_000);
        c.commitWithin(leader, "k", "v", 500);
        List<NodeId> two = committedVoters(change(c, MembershipChange.Kind.REMOVE, leader));
        assertFalse(two.contains(leader));
        assertNotEquals(Role.LEADER, ((RaftNode) c.sim.node(leader)).role, "thesis §4.2.2: it stepped down");
        long steppedDown = c.sim.now();
        NodeId next = c.awaitLeader(3_000);
        assertTrue(two.contains(next));
        c.commitWithin(next, "k", "w", 1_000);
        c.sim.runFor(2_000 * MS);
        assertTrue(c.trace.records(TraceRecord.Event.class).stream().noneMatch(e -> e.node().equals(leader) && e.t() > steppedDown
                && e.event() instanceof ProtocolEvent.ElectionStarted), "a removed server does not stand for election");
        assertSafe(c);
    }

    @Test
    void aSecondChangeIsRefusedWhileOneIsInProgressAndAFollowerRefusesAny() {
        RaftCluster c = cluster(3, 14, "single", Map.of());
        NodeId leader = c.awaitLeader(3_000);
        c.commitWithin(leader, "k", "v", 500);
        c.sim.addNode(N4);
        c.sim.requestMembershipChange(leader, new MembershipChange(1, MembershipChange.Kind.ADD, N4));
        c.sim.requestMembershipChange(leader, new MembershipChange(2, MembershipChange.Kind.REMOVE, N2.equals(leader) ? N3 : N2));
        NodeId follower = N1.equals(leader) ? N2 : N1;
        c.sim.requestMembershipChange(follower, new MembershipChange(3, MembershipChange.Kind.REMOVE, N3));
        c.sim.requestMembershipChange(leader, new MembershipChange(4, MembershipChange.Kind.REMOVE, NodeId.of(9)));
        assertEquals(Optional.of(new ProtocolEvent.MembershipChangeRefused(2, "a change is in progress (one at a time, thesis §4.1)")),
                c.sim.membershipOutcome(2));
        assertTrue(((ProtocolEvent.MembershipChangeRefused) c.sim.membershipOutcome(3).orElseThrow()).reason().startsWith("not the leader"));
        assertTrue(c.sim.runUntil(() -> c.sim.membershipOutcome(1).isPresent(), c.sim.now() + 3_000 * MS));
        assertEquals(List.of(N1, N2, N3, N4), committedVoters(c.sim.membershipOutcome(1).orElseThrow()));
        c.sim.requestMembershipChange(leader, new MembershipChange(5, MembershipChange.Kind.REMOVE, NodeId.of(9)));
        assertEquals("n9 is not a voter", ((ProtocolEvent.MembershipChangeRefused) c.sim.membershipOutcome(5).orElseThrow()).reason());
        assertSafe(c);
    }

    @Test
    void aNewServerThatNeverAnswersIsRefusedAfterItsCatchUpRound() {
        RaftCluster c = cluster(3, 15, "single", Map.of());
        NodeId leader = c.awaitLeader(3_000);
        c.commitWithin(leader, "k", "v", 500);
        c.sim.addNode(N4);
        c.sim.crash(N4);
        long id = nextChange++;
        c.sim.requestMembershipChange(leader, new MembershipChange(id, MembershipChange.Kind.ADD, N4));
        assertTrue(c.sim.runUntil(() -> c.sim.membershipOutcome(id).isPresent(), c.sim.now() + 10_000 * MS));
        String reason = ((ProtocolEvent.MembershipChangeRefused) c.sim.membershipOutcome(id).orElseThrow()).reason();
        assertTrue(reason.contains("n4 did not answer its catch-up round"), reason);
        assertFalse(configurationOf(c, c.awaitLeader(1_000)).isVoter(N4), "an unavailable server is never added");
        assertSafe(c);
    }

    /** Raft §7: the snapshot holds the configuration, so a server that gets the log as a snapshot knows the voters. */
    @Test
    void theSnapshotCarriesTheConfiguration() {
        RaftCluster c = cluster(3, 16, "single", Map.of("snapshotEveryEntries", 5));
        NodeId leader = c.awaitLeader(3_000);
        c.writeMany(leader, 0, 12);
        committedVoters(change(c, MembershipChange.Kind.ADD, N4));
        c.writeMany(c.awaitLeader(1_000), 12, 30);
        assertTrue(c.trace.events(ProtocolEvent.SnapshotTaken.class).stream().anyMatch(s -> s.index() > 14),
                "the configuration entry is inside a snapshot");
        committedVoters(change(c, MembershipChange.Kind.ADD, N5));
        assertFalse(c.trace.events(N5, ProtocolEvent.SnapshotInstalled.class).isEmpty(), "n5 got the log as a snapshot");
        assertTrue(c.trace.events(N5, ProtocolEvent.ConfigurationChanged.class).stream()
                .anyMatch(e -> e.voters().equals(List.of(N1, N2, N3, N4)) && e.committed()), "with the configuration n1..n4 in it");
        // A restart reads the configuration back from its own snapshot.
        c.sim.crash(N4);
        c.sim.restart(N4);
        assertEquals(List.of(N1, N2, N3, N4, N5), configurationOf(c, N4).voters());
        assertSafe(c);
    }

    /**
     * Thesis §4.2.3: a server removed while cut off never learns of it and times out again and again;
     * with checkQuorum the others ignore its RequestVotes while they hear from the leader, so the
     * leader keeps its term. Without it, the same schedule deposes the leader (the test can fail).
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aRemovedServerThatNeverLearnedOfItCannotDisruptWithCheckQuorum(boolean checkQuorum) {
        RaftCluster c = cluster(5, 17, "single", Map.of("checkQuorum", checkQuorum));
        NodeId leader = c.awaitLeader(3_000);
        c.commitWithin(leader, "k", "v", 500);
        NodeId removed = N1.equals(leader) ? N5 : N1;
        c.network.isolate(removed);
        committedVoters(change(c, MembershipChange.Kind.REMOVE, removed));
        long term = ((RaftNode) c.sim.node(leader)).state.currentTerm();
        c.sim.runFor(1_000 * MS);
        c.network.heal();
        c.sim.runFor(2_000 * MS);
        boolean campaigned = c.trace.events(removed, ProtocolEvent.ElectionStarted.class).size() > 0;
        assertTrue(campaigned, "the removed server did time out and campaign");
        long termAfter = ((RaftNode) c.sim.node(leader)).state.currentTerm();
        if (checkQuorum) {
            assertEquals(term, termAfter, "the leader kept its term");
            assertEquals(Optional.of(leader), c.sim.leader());
        } else {
            assertTrue(termAfter > term, "without §4.2.3 the removed server raises everyone's term");
        }
        c.commitWithin(c.awaitLeader(3_000), "k", "w", 1_000);
        assertSafe(c);
    }

    /**
     * The deliberately broken change: two servers added in one step, without joint consensus, with
     * the old leader and the two new servers cut off from the other two old ones. The old leader
     * commits with 3 of the 5 new voters, the other two elect a leader with 2 of the 3 old voters and
     * commit another entry at the same index. The checker finds both the quorum that does not meet the
     * old configuration's majority and the two commits at one index. The same schedule with a legal
     * single-server change commits nothing on the old leader's side and passes.
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aChangeOfTwoServersAtOnceIsCaughtWhenTheTwoMajoritiesSplit(boolean broken) {
        RaftCluster c = cluster(3, 18, "single", Map.of());
        NodeId leader = c.awaitLeader(3_000);
        c.commitWithin(leader, "k", "v", 500);
        List<NodeId> others = List.of(N1, N2, N3).stream().filter(n -> !n.equals(leader)).toList();
        c.sim.addNode(N4);
        c.sim.addNode(N5);
        c.network.partition(List.of(Set.of(leader, N4, N5), Set.copyOf(others)));
        RaftNode old = (RaftNode) c.sim.node(leader);
        if (broken) {
            old.membership.appendUnsafely(99, List.of(N1, N2, N3, N4, N5));
        } else {
            c.sim.requestMembershipChange(leader, new MembershipChange(99, MembershipChange.Kind.ADD, N4));
        }
        c.sim.runFor(1_000 * MS);
        NodeId other = c.sim.leader().filter(others::contains).orElseThrow(() -> new AssertionError("the other side elects"));
        c.submit(other, "k", "other side");
        c.sim.runFor(1_000 * MS);
        List<String> violations = c.violations();
        if (broken) {
            assertTrue(violations.stream().anyMatch(v -> v.contains("commit quorum") && v.contains("misses a majority of the previous configuration")),
                    violations.toString());
            assertTrue(violations.stream().anyMatch(v -> v.contains("state machine safety")), violations.toString());
        } else {
            assertEquals(List.of(), violations);
            assertTrue(c.trace.events(leader, ProtocolEvent.ConfigurationChanged.class).stream().anyMatch(e -> e.voters().size() == 4),
                    "the old leader did append n1..n4");
            assertFalse(c.sim.membershipOutcome(99).filter(o -> o instanceof ProtocolEvent.MembershipChangeCommitted).isPresent(),
                    "but 2 of 4 cannot commit it");
        }
    }
}
