package quorumlab.raft;

import static org.junit.jupiter.api.Assertions.*;
import static quorumlab.protocols.testing.ScriptedNetwork.among;
import static quorumlab.protocols.testing.ScriptedNetwork.any;
import static quorumlab.protocols.testing.ScriptedNetwork.from;
import static quorumlab.protocols.testing.ScriptedNetwork.link;
import static quorumlab.protocols.testing.ScriptedNetwork.ofType;
import static quorumlab.protocols.testing.ScriptedNetwork.to;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import quorumlab.protocols.ClientReply;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.Role;
import quorumlab.protocols.testing.ScriptedNetwork.Held;
import quorumlab.raft.RaftMessage.AppendEntries;
import quorumlab.raft.RaftMessage.RequestVote;
import quorumlab.raft.RaftMessage.RequestVoteReply;

/**
 * The Raft paper's rules, replayed as scripted schedules in the manner of the reference
 * implementations' paper tests (etcd-io/raft's raft_paper_test.go): every message and timer is a
 * step of the script ({@link RaftScript}), so each test forces exactly the interleaving the rule is
 * about. Every trace goes through the safety checkers. Figure 8 is in {@link Figure8Test}, the stale
 * leader of the scenario library in {@link StaleLeaderTest}.
 */
class RaftPaperTest {
    private static final NodeId N1 = RaftScript.n(1), N2 = RaftScript.n(2), N3 = RaftScript.n(3),
            N4 = RaftScript.n(4), N5 = RaftScript.n(5);

    /**
     * §5.2: "Each server will vote for at most one candidate in a given term, on a first-come-first-
     * served basis", and the vote is durable (Figure 2), so a restart does not free it. The same
     * candidate asking again (a duplicated request) gets the same answer.
     */
    @Test
    void aServerVotesForAtMostOneCandidatePerTerm() {
        RaftScript s = new RaftScript(3, Map.of());
        s.electionTimeout(N2);
        s.electionTimeout(N3);
        assertEquals(1, s.term(N2));
        assertEquals(1, s.term(N3));
        Held fromN2 = s.net.take(link(N2, N1));
        Held fromN3 = s.net.take(link(N3, N1));

        s.net.duplicate(fromN2);
        s.net.deliver(fromN3);
        s.sim.crash(N1);
        s.sim.recordFault("crash", List.of(N1), "vote once per term");
        s.sim.restart(N1);
        s.net.deliver(fromN3);

        List<Boolean> toN2 = grants(s, N1, N2);
        List<Boolean> toN3 = grants(s, N1, N3);
        assertEquals(List.of(true, true), toN2, "N1 granted N2, and granted it again for the duplicate");
        assertEquals(List.of(false, false), toN3, "N1 refused N3 in term 1, before and after its restart");
        assertTrue(s.trace.events(N1, ProtocolEvent.VoteDenied.class).stream()
                .allMatch(d -> d.candidate().equals(N3) && d.reason().startsWith("already voted for n2")),
                s.trace.events(N1, ProtocolEvent.VoteDenied.class).toString());

        s.net.deliverAll(any());
        assertEquals(Role.LEADER, s.role(N2));
        assertNotEquals(Role.LEADER, s.role(N3));
        s.leadersByTerm().forEach((term, leaders) -> assertEquals(1, leaders.size(), "leaders of term " + term));
        assertEquals(List.of(), s.violations());
    }

    /**
     * §5.4.1: a voter denies its vote to a candidate whose log is less up-to-date than its own: the
     * log whose last entry has the later term is more up-to-date, and of two logs ending in the same
     * term the longer one. A longer log does not win against a later last term.
     */
    @Test
    void aVoteGoesOnlyToACandidateWhoseLogIsAtLeastAsUpToDate() {
        RaftScript s = new RaftScript(3, Map.of("maxEntriesPerAppend", 1));
        s.elect(N1, N2, N3);
        s.net.deliverAll(any());
        // Term 1: N1 appends x1, x2, x3; only x1 reaches N2, nothing reaches N3.
        for (int i = 1; i <= 3; i++) s.submit(N1, "x", "x" + i);
        s.pass(1);
        s.net.deliverOne(link(N1, N2).and(ofType(AppendEntries.class)));
        s.net.drop(any());
        assertEquals(3, s.log(N1).size());
        assertEquals(1, s.log(N2).size());
        assertEquals(0, s.log(N3).size());

        // N3's empty log is behind both: denied by both.
        s.campaign(N3, N1, N2);
        assertEquals(Role.CANDIDATE, s.role(N3));
        assertEquals(2, deniedAsBehind(s, N3, 2));
        s.net.drop(any());

        // N2's log ends in the same term as N1's but is shorter; it is longer than N3's: N3 elects it.
        s.elect(N2, N3);
        assertEquals(3, s.term(N2));
        s.net.drop(from(N1).or(to(N1)));
        long y = s.submit(N2, "y", "y");
        s.pass(1);
        s.net.deliverAll(among(N2, N3));
        assertEquals(List.of("1:c1:1", "3:c1:" + y), s.log(N3));
        s.net.drop(any());

        // N1's log is the longest, but ends in term 1 where theirs end in term 3: both deny it. (Its
        // first campaign, lost, only brings it to term 3, in which the others have voted already.)
        s.electionTimeout(N1);
        s.net.drop(any());
        s.campaign(N1, N2, N3);
        assertEquals(Role.CANDIDATE, s.role(N1));
        assertEquals(2, deniedAsBehind(s, N1, 4));
        s.net.drop(any());

        // N3's last term, 3, is later than N1's: N1 votes for it, and N3's log replaces N1's.
        s.elect(N3, N1);
        long z = s.submit(N3, "z", "z");
        s.pass(1);
        s.net.deliverAll(any());
        s.fire(N3, RaftNode.HEARTBEAT_TIMER);
        s.net.deliverAll(any());
        s.pass(1);
        assertTrue(s.committed(y) && s.committed(z));
        assertEquals(s.log(N3), s.log(N1));
        assertEquals(s.log(N3), s.log(N2));
        assertEquals(List.of(), s.violations());
    }

    /**
     * Figure 7: when a leader comes to power, followers may miss entries, hold extra uncommitted
     * entries of earlier terms, or both. Five nodes reach such logs: N1 (leader of term 1) holds c
     * and d that nobody else has, N2 holds c, N3 (leader of term 2) holds e, f and g, N4 e and f, N5
     * nothing after b. N4 is elected for term 3 and, by the consistency check and backtracking
     * (§5.3), makes every log its own: the conflicting entries are deleted, the missing ones sent.
     */
    @Test
    void aNewLeaderForcesTheFollowersLogsToDuplicateItsOwn_Figure7() {
        RaftScript s = new RaftScript(5, Map.of());
        s.elect(N1, N2, N3, N4, N5);
        s.net.deliverAll(any());
        long a = s.submit(N1, "a", "a");
        long b = s.submit(N1, "b", "b");
        s.pass(1);
        s.net.deliverAll(any());
        long c = s.submit(N1, "c", "c");
        s.pass(1);
        s.net.deliverOne(link(N1, N2).and(ofType(AppendEntries.class)));
        long d = s.submit(N1, "d", "d");
        s.pass(1);
        s.net.drop(any());

        s.elect(N3, N4, N5);
        s.net.deliverAll(among(N3, N4));
        long e = s.submit(N3, "e", "e");
        long f = s.submit(N3, "f", "f");
        s.pass(1);
        s.net.deliverAll(among(N3, N4));
        s.net.drop(any());
        long g = s.submit(N3, "g", "g");
        s.pass(1);
        s.net.drop(any());

        assertEquals(List.of(cmd(1, a), cmd(1, b), cmd(1, c), cmd(1, d)), s.log(N1));
        assertEquals(List.of(cmd(1, a), cmd(1, b), cmd(1, c)), s.log(N2));
        assertEquals(List.of(cmd(1, a), cmd(1, b), cmd(2, e), cmd(2, f), cmd(2, g)), s.log(N3));
        assertEquals(List.of(cmd(1, a), cmd(1, b), cmd(2, e), cmd(2, f)), s.log(N4));
        assertEquals(List.of(cmd(1, a), cmd(1, b)), s.log(N5));

        // N2 (last term 1) and N5 (shorter log) elect N4 for term 3.
        s.elect(N4, N2, N5);
        long h = s.submit(N4, "h", "h");
        s.pass(1);
        s.net.deliverAll(any());
        s.fire(N4, RaftNode.HEARTBEAT_TIMER);
        s.net.deliverAll(any());
        s.pass(1);

        List<String> leaders = List.of(cmd(1, a), cmd(1, b), cmd(2, e), cmd(2, f), cmd(3, h));
        for (NodeId n : s.sim.cluster().members()) assertEquals(leaders, s.log(n), "log of " + n);
        assertEquals(List.of(3L), truncatedFrom(s, N1));
        assertEquals(List.of(3L), truncatedFrom(s, N2));
        assertEquals(List.of(5L), truncatedFrom(s, N3));
        assertEquals(List.of(), truncatedFrom(s, N4));
        assertEquals(List.of(), truncatedFrom(s, N5));
        assertTrue(s.committed(h));
        for (long lost : List.of(c, d, g)) {
            assertFalse(s.committed(lost));
            assertTrue(s.trace.events(ProtocolEvent.EntryCommitted.class).stream()
                    .noneMatch(ev -> ev.command().equals("c1:" + lost)), "c1:" + lost + " never committed");
        }
        assertEquals(List.of(), s.violations());
    }

    /**
     * Figure 2 and §5.1: a message of an earlier term is stale. A vote granted in term 1 does not
     * count for the candidate's term 2; an AppendEntries of a deposed leader is rejected without
     * touching the follower's log or leader, and the rejection's term makes the old leader step down.
     */
    @Test
    void messagesOfAnEarlierTermAreIgnoredOrRejected() {
        RaftScript s = new RaftScript(3, Map.of());
        s.electionTimeout(N1);
        s.net.deliverAll(from(N1));
        Held staleGrant = s.net.take(link(N2, N1));
        s.net.drop(any());
        s.electionTimeout(N1);
        assertEquals(2, s.term(N1));
        s.net.deliver(staleGrant);
        assertEquals(Role.CANDIDATE, s.role(N1), "a vote of term 1 does not count in term 2");
        s.net.deliverAll(among(N1, N2));
        assertEquals(Role.LEADER, s.role(N1));

        s.net.deliverAll(any());
        s.fire(N1, RaftNode.HEARTBEAT_TIMER);
        Held staleBeat = s.net.take(link(N1, N2));
        s.net.drop(any());
        s.elect(N3, N2);
        s.net.deliverAll(among(N2, N3));
        List<String> logBefore = s.log(N2);

        s.net.deliver(staleBeat);
        assertEquals(3, s.term(N2));
        assertEquals(N3, s.raft(N2).leaderId, "N2 still follows the leader of term 3");
        assertEquals(logBefore, s.log(N2));
        assertTrue(s.trace.events(N2, ProtocolEvent.AppendRejected.class).stream()
                .anyMatch(r -> r.leader().equals(N1) && r.reason().startsWith("stale term 2")));
        s.net.deliverAll(link(N2, N1));
        assertEquals(Role.FOLLOWER, s.role(N1), "the rejection's term deposed the old leader");
        assertEquals(3, s.term(N1));
        assertEquals(List.of(), s.violations());
    }

    /**
     * Thesis §9.6 (etcd's TestDisruptiveFollower and its PreVote variant), with CheckQuorum on in
     * both: N3 is cut off and times out again and again, then rejoins with a log that missed an
     * entry. With PreVote its term never rose and the leader is not disturbed. Without, its
     * RequestVote is ignored by servers that hear the leader (§4.2.3), but its later term comes back
     * in a heartbeat's reply and deposes the leader (CheckQuorum alone does not prevent that); it
     * still cannot win, and one of the up-to-date nodes leads next.
     */
    @ParameterizedTest(name = "preVote {0}")
    @ValueSource(booleans = {true, false})
    void aRejoiningNodeDisruptsTheLeaderOnlyWithoutPreVote(boolean preVote) {
        RaftScript s = new RaftScript(3, Map.of("preVote", preVote, "checkQuorum", true));
        s.elect(N1, N2, N3);
        s.net.deliverAll(any());
        for (int i = 0; i < 3; i++) {
            s.electionTimeout(N3);
            s.net.drop(from(N3).or(to(N3)));
        }
        assertEquals(preVote ? 1 : 4, s.term(N3), "a pre-vote raises no term");
        long missed = s.submit(N1, "k", "missed by N3");
        s.pass(1);
        s.net.deliverAll(among(N1, N2));
        s.net.drop(any());
        s.pass(1);
        assertTrue(s.committed(missed));

        s.electionTimeout(N3);
        s.net.deliverAll(any());
        if (preVote) {
            assertEquals(Role.LEADER, s.role(N1), "N1 was not disturbed");
            assertEquals(1, s.term(N1));
            assertTrue(s.trace.events(ProtocolEvent.VoteDenied.class).stream()
                    .anyMatch(v -> v.preVote() && v.reason().equals("a leader is alive")));
        } else {
            // §4.2.3 (with CheckQuorum, as in etcd): N1 and N2 heard the leader just now, so they
            // ignore N3's RequestVote and keep their term; only the reply to N1's next heartbeat
            // carries N3's later term back, and that deposes N1 (§5.1).
            assertEquals(Role.LEADER, s.role(N1), "the RequestVote was ignored");
            assertEquals(1, s.term(N2), "N2 kept its term");
            assertEquals(2, s.trace.events(ProtocolEvent.VoteDenied.class).stream()
                    .filter(v -> v.reason().contains("§4.2.3")).count(), "N1 and N2 ignored the vote");
            // The append to N3 lost while it was cut off goes again at the second beat (below).
            for (int beat = 0; beat < 2 && s.role(N1) == Role.LEADER; beat++) {
                s.fire(N1, RaftNode.HEARTBEAT_TIMER);
                s.net.deliverAll(any());
            }
            assertNotEquals(Role.LEADER, s.role(N1), "N3's later term deposed N1");
            assertTrue(s.term(N1) >= 5);
            assertNotEquals(Role.LEADER, s.role(N3), "N3's log misses a committed entry: it cannot win");
            s.elect(N1, N2, N3);
            s.net.deliverAll(any());
        }
        long after = s.submit(N1, "k", "after");
        s.pass(1);
        s.net.deliverAll(any());
        // The append to N3 lost while it was cut off is resent once a heartbeat interval passes
        // without an answer from N3: the second beat.
        for (int beat = 0; beat < 2; beat++) {
            s.fire(N1, RaftNode.HEARTBEAT_TIMER);
            s.net.deliverAll(any());
        }
        s.pass(1);
        assertTrue(s.committed(after));
        assertEquals(s.log(N1), s.log(N3), "N3 caught up with the leader");
        assertEquals(List.of(), s.violations());
    }

    /**
     * Thesis §6.2 (CheckQuorum): a leader that has not heard from a majority within an election
     * timeout steps down, and tells its waiting clients to go elsewhere. Hearing from one follower
     * of two is a majority with itself.
     */
    @Test
    void aLeaderThatHearsFromNoMajorityStepsDownUnderCheckQuorum() {
        RaftScript s = new RaftScript(3, Map.of("checkQuorum", true));
        s.elect(N1, N2, N3);
        s.net.deliverAll(any());
        s.fire(N1, RaftNode.CHECK_QUORUM_TIMER);
        assertEquals(Role.LEADER, s.role(N1));

        s.fire(N1, RaftNode.HEARTBEAT_TIMER);
        s.net.deliverAll(among(N1, N2));
        s.net.drop(any());
        s.fire(N1, RaftNode.CHECK_QUORUM_TIMER);
        assertEquals(Role.LEADER, s.role(N1), "N2 answered: N1 and N2 are a majority");

        long stranded = s.submit(N1, "k", "v");
        s.pass(1);
        s.net.drop(any());
        s.fire(N1, RaftNode.HEARTBEAT_TIMER);
        s.net.drop(any());
        s.fire(N1, RaftNode.CHECK_QUORUM_TIMER);
        assertEquals(Role.FOLLOWER, s.role(N1), "no one answered for an election timeout");
        assertEquals(1, s.term(N1), "stepping down raises no term");
        s.pass(1);
        assertInstanceOf(ClientReply.NotLeader.class, s.replyTo(stranded).orElseThrow());
        assertEquals(List.of(), s.violations());
    }

    /** The grants of the vote replies {@code voter} sent {@code candidate}, in the order sent. */
    private static List<Boolean> grants(RaftScript s, NodeId voter, NodeId candidate) {
        return s.net.held(link(voter, candidate).and(ofType(RequestVoteReply.class))).stream()
                .map(m -> ((RequestVoteReply) m.message()).voteGranted()).toList();
    }

    /** How many voters denied {@code candidate} in {@code term} because its log is behind. */
    private static long deniedAsBehind(RaftScript s, NodeId candidate, long term) {
        return s.trace.events(ProtocolEvent.VoteDenied.class).stream()
                .filter(d -> d.candidate().equals(candidate) && d.term() == term && d.reason().contains("§5.4.1"))
                .count();
    }

    private static List<Long> truncatedFrom(RaftScript s, NodeId n) {
        return s.trace.events(n, ProtocolEvent.LogTruncated.class).stream().map(ProtocolEvent.LogTruncated::fromIndex).toList();
    }

    private static String cmd(long term, long seq) {
        return term + ":c1:" + seq;
    }
}
