package quorumlab.raft;

import static org.junit.jupiter.api.Assertions.*;
import static quorumlab.protocols.testing.ScriptedNetwork.among;
import static quorumlab.protocols.testing.ScriptedNetwork.any;
import static quorumlab.protocols.testing.ScriptedNetwork.from;
import static quorumlab.protocols.testing.ScriptedNetwork.to;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import quorumlab.protocols.MembershipChange;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.Role;

/**
 * The fuzz counterexample 5hck6zelqrhp (now in the fuzz regressions), scripted. A leader of two
 * removes itself while cut off from the other server; the other, which never received the removal,
 * times out and is refused by the removed leader, whose log is longer, and deposes it. The only
 * server holding C_new is then outside C_new, and the only voter of C_new does not know it: the
 * thesis (§4.2.2) has the removed server stand for election, "as it might still be needed until the
 * C_new entry is committed", without counting its own vote. Before the fix it never stood, and no
 * leader was ever elected.
 */
class RemovedLeaderTest {
    private static final NodeId N1 = RaftScript.n(1), N2 = RaftScript.n(2), N3 = RaftScript.n(3);

    /** Figure 2's election (with pre-vote N1, still leading, would refuse N2 and not be deposed). */
    @Test
    void aRemovedLeaderDeposedBeforeItsRemovalCommittedStandsAgainToCommitIt() {
        RaftScript s = new RaftScript(2, Map.of());
        s.elect(N1, N2);
        s.submit(N1, "k", "before");
        s.pass(1);
        s.net.deliverAll(any());

        // N1 removes itself; the entry never reaches N2.
        s.sim.requestMembershipChange(N1, new MembershipChange(1, MembershipChange.Kind.REMOVE, N1));
        s.pass(1);
        assertEquals(List.of(N2), s.raft(N1).membership.current().voters());
        s.net.drop(to(N2));

        // N2 campaigns in [N1, N2]; N1 refuses (its log is longer, §5.4.1) and its term moves on.
        s.campaign(N2, N1);
        assertNotEquals(Role.LEADER, s.role(N2));
        assertNotEquals(Role.LEADER, s.role(N1));
        assertFalse(s.raft(N1).membership.isVoter());

        s.campaign(N1, N2);
        assertEquals(Role.LEADER, s.role(N1), "the removed server won with N2's vote, the majority of [N2]");
        // Entries of term 1 commit with one of the new term (Figure 2; no noOpOnElection): the client's.
        s.submit(N1, "k", "retried");
        s.pass(1);
        s.net.deliverAll(any());
        assertNotEquals(Role.LEADER, s.role(N1), "§4.2.2: it stepped down once its removal committed");
        assertTrue(s.trace.events(N1, ProtocolEvent.MembershipChangeCommitted.class).stream()
                .anyMatch(c -> c.voters().equals(List.of(N2))));

        // N2, alone in its configuration, elects itself on its own vote and commits.
        s.electionTimeout(N2);
        assertEquals(Role.LEADER, s.role(N2));
        s.submit(N2, "k", "after");
        s.pass(1);
        List<String> log = s.log(N2);
        assertEquals(s.term(N2) + ":c1:3", log.get(log.size() - 1), log.toString());
        assertTrue(s.commits(N2).stream().anyMatch(c -> c.index() == log.size()), "the write after the removal committed");
        assertEquals(List.of(), s.violations());
    }

    /**
     * The same rule without disruption: a removed follower that has C_new but was never told it
     * committed stands too, but asks for a pre-vote first, which a follower hearing from its leader
     * refuses; no term moves and the leader of C_new keeps leading.
     */
    @ParameterizedTest(name = "checkQuorum {0}")
    @ValueSource(booleans = {false, true})
    void aRemovedFollowerThatMissedTheCommitCannotDisruptTheLeader(boolean checkQuorum) {
        RaftScript s = new RaftScript(3, Map.of("checkQuorum", checkQuorum));
        s.elect(N1, N2, N3);
        s.submit(N1, "k", "before");
        s.pass(1);
        s.net.deliverAll(any());
        s.sim.requestMembershipChange(N1, new MembershipChange(1, MembershipChange.Kind.REMOVE, N3));
        s.pass(1);
        s.net.deliverAll(among(N1, N2).or(from(N1).and(to(N3))));
        s.net.drop(to(N3));
        s.net.deliverAll(any());
        assertEquals(List.of(N1, N2), s.raft(N3).membership.current().voters(), "N3 holds C_new");
        assertTrue(s.raft(N3).membership.removalMayNotBeCommitted(), "but not that it committed");
        long term = s.term(N1);

        s.campaign(N3, N1, N2);
        assertEquals(Role.LEADER, s.role(N1));
        assertEquals(term, s.term(N1));
        assertEquals(term, s.term(N2));
        assertTrue(s.trace.events(ProtocolEvent.VoteDenied.class).stream().allMatch(ProtocolEvent.VoteDenied::preVote));
        assertEquals(List.of(), s.violations());
    }
}
