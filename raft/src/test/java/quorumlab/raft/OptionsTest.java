package quorumlab.raft;

import static org.junit.jupiter.api.Assertions.*;
import static quorumlab.protocols.testing.SimCluster.MS;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.Options;
import quorumlab.protocols.Protocol;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.Role;
import quorumlab.protocols.runtime.NetworkModel;

/** The defaults are the paper's algorithm; each thesis option changes what it claims to. */
class OptionsTest {

    @Test
    void defaultsAreThePapersAlgorithmAndTheSharedNamesExist() {
        Protocol raft = Protocol.byName("raft");
        Options o = raft.resolveOptions(Map.of());
        assertEquals(150L, o.getLong("electionTimeoutMinMs"));
        assertEquals(300L, o.getLong("electionTimeoutMaxMs"));
        assertEquals(50L, o.getLong("heartbeatIntervalMs"));
        assertEquals(1L, o.getLong("pipelining"));
        assertTrue(o.getBoolean("lastIndexHint"), "the one default beyond Figure 2 (LogCabin, etcd)");
        assertFalse(o.getBoolean("fastBacktrack"));
        assertFalse(o.getBoolean("preVote"));
        assertFalse(o.getBoolean("checkQuorum"));
        assertFalse(o.getBoolean("readIndex"));
        assertFalse(o.getBoolean("noOpOnElection"));
    }

    @Test
    void anEmptyTimeoutRangeIsAOneLineError() {
        Protocol raft = Protocol.byName("raft");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> raft.resolveOptions(Map.of("electionTimeoutMinMs", 300, "electionTimeoutMaxMs", 200)));
        assertTrue(e.getMessage().contains("electionTimeoutMaxMs") && !e.getMessage().contains("\n"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> raft.resolveOptions(Map.of("pipelining", 0)));
        assertThrows(IllegalArgumentException.class, () -> raft.resolveOptions(Map.of("readIndx", true)));
    }

    @Test
    void aSingleNodeClusterElectsItselfAndCommits() {
        RaftCluster c = new RaftCluster(1, 1);
        NodeId self = c.awaitLeader(1_000);
        c.commitWithin(self, "x", "1", 10);
        assertEquals(List.of(), c.violations());
    }

    /** A follower cut off for 2 s, then healed: how many elections it ran, and whether the leader was disturbed. */
    private static RaftCluster isolateFollowerAndHeal(boolean preVote) {
        RaftCluster c = new RaftCluster(5, 61, Map.of("preVote", preVote), new NetworkModel());
        NodeId leader = c.awaitLeader(2_000);
        c.sim.runFor(100 * MS);
        NodeId loner = c.sim.cluster().peersOf(leader).get(0);
        c.sim.network().isolate(loner);
        c.sim.runFor(2_000 * MS);
        c.sim.network().heal();
        c.sim.runFor(1_000 * MS);
        assertEquals(List.of(), c.violations());
        return c;
    }

    @Test
    void preVoteKeepsAnIsolatedFollowerFromDisruptingTheLeader() {
        RaftCluster without = isolateFollowerAndHeal(false);
        RaftCluster with = isolateFollowerAndHeal(true);
        // Without pre-vote the loner raises its term at each timeout, and its return deposes the leader.
        assertTrue(without.highestTerm() > 5, "terms without pre-vote: " + without.highestTerm());
        assertTrue(without.trace.events(ProtocolEvent.Preempted.class).size() >= 1);
        assertTrue(without.leadersByTerm().size() >= 2, "a second leader after the loner returned");
        // With it, the loner only asks; nobody's term moves and the first leader stays.
        assertTrue(with.trace.events(ProtocolEvent.ElectionStarted.class).stream().allMatch(e -> e.preVote()
                || e.term() == 1), "only pre-votes after the first election");
        assertEquals(1, with.leadersByTerm().size(), "one leader throughout");
        assertTrue(with.trace.events(ProtocolEvent.ElectionStarted.class).size() > 5, "the loner kept asking");
    }

    private static boolean isolatedLeaderStepsDown(boolean checkQuorum) {
        RaftCluster c = new RaftCluster(5, 62, Map.of("checkQuorum", checkQuorum), new NetworkModel());
        NodeId leader = c.awaitLeader(2_000);
        c.sim.runFor(100 * MS);
        c.sim.network().isolate(leader);
        long isolatedAt = c.sim.now();
        // Thesis §6.2: it should step down within about an election timeout (checked every min timeout).
        c.sim.runFor(2 * 150 * MS + 10 * MS);
        return c.trace.records().stream().anyMatch(r -> r.t() > isolatedAt
                && r instanceof quorumlab.protocols.trace.TraceRecord.Event e && e.node().equals(leader)
                && e.event() instanceof ProtocolEvent.RoleChanged rc && rc.from() == Role.LEADER);
    }

    @Test
    void checkQuorumMakesAnIsolatedLeaderStepDown() {
        assertTrue(isolatedLeaderStepsDown(true));
        assertFalse(isolatedLeaderStepsDown(false), "the paper's leader keeps leading alone");
    }

    /**
     * An old leader, cut off, holds 30 uncommitted entries of its term; the others commit 40 of a
     * later term, and a third leader, elected after that, starts with an optimistic nextIndex past
     * the old leader's log. Returns how many appends the old leader rejected while catching up.
     */
    private static int rejectionsWhileCatchingUp(boolean fastBacktrack) {
        RaftCluster c = new RaftCluster(5, 63, Map.of("fastBacktrack", fastBacktrack), new NetworkModel());
        NodeId old = c.awaitLeader(2_000);
        for (int i = 0; i < 5; i++) c.submit(old, "k", "common" + i);
        c.sim.runFor(200 * MS);
        c.sim.network().isolate(old);
        for (int i = 0; i < 30; i++) c.submit(old, "k", "old" + i);
        c.sim.runFor(10 * MS);
        assertTrue(c.sim.runUntil(() -> c.sim.leader().filter(l -> !l.equals(old)).isPresent(),
                c.sim.now() + 3_000 * MS));
        NodeId second = c.sim.leader().filter(l -> !l.equals(old)).orElseThrow();
        for (int i = 0; i < 40; i++) c.submit(second, "k", "new" + i);
        c.sim.runFor(300 * MS);
        c.sim.crash(second);
        assertTrue(c.sim.runUntil(() -> c.sim.leader().filter(l -> !l.equals(old) && !l.equals(second)).isPresent(),
                c.sim.now() + 3_000 * MS));
        c.sim.network().heal();
        c.sim.runFor(1_000 * MS);
        assertEquals("new39", c.sim.stateMachine(old).get("k"), "the old leader caught up");
        assertEquals(List.of(), c.violations());
        return c.trace.events(old, ProtocolEvent.AppendRejected.class).size();
    }

    @Test
    void fastBacktrackSkipsAConflictingTermInOneStep() {
        int slow = rejectionsWhileCatchingUp(false);
        int fast = rejectionsWhileCatchingUp(true);
        System.out.println("appends rejected while catching up: paper " + slow + ", fastBacktrack " + fast);
        assertTrue(slow >= 25, "one entry per rejection: " + slow);
        assertTrue(fast <= 3, "one rejection per conflicting term: " + fast);
    }

    /** Virtual time and messages to commit 60 requests submitted at once. */
    private static long[] commitBurst(int maxEntries, int pipelining) {
        Map<String, Object> options = new HashMap<>();
        options.put("maxEntriesPerAppend", maxEntries);
        options.put("pipelining", pipelining);
        RaftCluster c = new RaftCluster(3, 64, options, new NetworkModel());
        NodeId leader = c.awaitLeader(2_000);
        c.sim.runFor(100 * MS);
        long start = c.sim.now();
        long sentBefore = c.sim.messagesSent();
        long last = 0;
        for (int i = 0; i < 60; i++) last = c.submit(leader, "k" + i, "v");
        long finalSeq = last;
        assertTrue(c.sim.runUntil(() -> c.committed(finalSeq), c.sim.now() + 5_000 * MS));
        return new long[] {c.sim.now() - start, c.sim.messagesSent() - sentBefore};
    }

    @Test
    void batchingSavesMessagesAndPipeliningSavesTime() {
        long[] oneAtATime = commitBurst(1, 1);
        long[] batched = commitBurst(64, 1);
        long[] pipelined = commitBurst(1, 8);
        System.out.printf("60 requests: 1 entry/append %d ms %d msgs; batched %d ms %d msgs; pipelined x8 %d ms %d msgs%n",
                oneAtATime[0] / MS, oneAtATime[1], batched[0] / MS, batched[1], pipelined[0] / MS, pipelined[1]);
        assertTrue(batched[1] * 4 < oneAtATime[1], "messages: batched " + batched[1] + " vs " + oneAtATime[1]);
        assertTrue(pipelined[0] * 3 < oneAtATime[0], "time: pipelined " + pipelined[0] + " vs " + oneAtATime[0]);
    }
}
