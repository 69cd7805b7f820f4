package quorumlab.raft;

import static org.junit.jupiter.api.Assertions.*;
import static quorumlab.protocols.testing.SimCluster.MS;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.runtime.MessageFilter;
import quorumlab.protocols.trace.TraceRecord;
import quorumlab.raft.RaftMessage.AppendEntries;
import quorumlab.raft.RaftMessage.RequestVote;

/**
 * The Raft paper's Figure 8, forced with crashes and the network's message filter. Entry X of an
 * early term reaches a majority under a later leader, yet must not be committed by counting
 * (§5.4.2): in branch (d) a leader of a middle term, holding a conflicting entry Y, may still win
 * and overwrite it; in branch (e) X commits only with an entry of the current term above it, and
 * is then never lost.
 */
class Figure8Test {
    private RaftCluster c;
    private NodeId s1, s2, s3, s4, s5;
    private long seqX;
    private NodeId holderOfX; // the leader of phase (c)

    /** Phases (a) to (c) of Figure 8. Leaves X on a majority, uncommitted, and S5 down holding Y. */
    private void reachFigure8c(long seed) {
        c = new RaftCluster(5, seed);
        s1 = c.awaitLeader(2_000);
        c.sim.runFor(100 * MS);
        List<NodeId> others = c.sim.cluster().peersOf(s1);
        s2 = others.get(0);
        s3 = others.get(1);
        s4 = others.get(2);
        s5 = others.get(3);

        // (a) S1 leads and replicates X to S2 only, then crashes.
        c.network.setFilter((from, to, m, now) -> !from.equals(s1) || to.equals(s2));
        seqX = c.submit(s1, "x", "X");
        c.sim.runFor(20 * MS);
        assertTrue(holds(s2, 1, "c1:" + seqX), "S2 holds X");
        crash(s1);

        // (b) S5 is elected by S3, S4 (S2 is cut off), takes Y at the same index, replicates nothing, crashes.
        c.network.setFilter((from, to, m, now) -> !from.equals(s2) && !to.equals(s2)
                && !(from.equals(s5) && m instanceof AppendEntries ae && !ae.entries().isEmpty())
                && !(m instanceof RequestVote rv && !rv.candidateId().equals(s5)));
        assertTrue(c.sim.runUntil(() -> c.sim.leader().equals(java.util.Optional.of(s5)), c.sim.now() + 10_000 * MS),
                "S5 elected");
        long seqY = c.submit(s5, "x", "Y");
        c.sim.runFor(20 * MS);
        assertTrue(holds(s5, 1, "c1:" + seqY), "S5 holds Y");
        crash(s5);

        // (c) S1 restarts; S1 or S2 (the holders of X) is elected and replicates X to S3 and S4.
        c.network.setFilter(MessageFilter.ALLOW_ALL);
        c.sim.restart(s1);
        c.sim.recordFault("restart", List.of(s1), "figure 8 (c)");
        holderOfX = c.awaitLeader(10_000);
        assertTrue(holderOfX.equals(s1) || holderOfX.equals(s2), "only a holder of X can win, got " + holderOfX);
        c.sim.runFor(300 * MS);
        Set<NodeId> withX = c.sim.cluster().members().stream().filter(n -> holds(n, 1, "c1:" + seqX))
                .collect(Collectors.toSet());
        assertEquals(Set.of(s1, s2, s3, s4), withX, "X stands on a majority");
        // §5.4.2: X is from an earlier term, so the leader of (c) must not commit it by counting.
        assertEquals(List.of(), c.trace.events(ProtocolEvent.EntryCommitted.class), "nothing committed yet");
    }

    @Test
    void branchD_anEntryOnAMajorityFromAnEarlierTermCanBeOverwritten() {
        reachFigure8c(81);
        // (d) The leader of (c) crashes; S5 restarts and wins with votes from S2/S3/S4 (Y's term is later).
        crash(holderOfX);
        c.network.setFilter((from, to, m, now) -> !(m instanceof RequestVote rv && !rv.candidateId().equals(s5)));
        c.sim.restart(s5);
        c.sim.recordFault("restart", List.of(s5), "figure 8 (d)");
        assertTrue(c.sim.runUntil(() -> c.sim.leader().equals(java.util.Optional.of(s5)), c.sim.now() + 20_000 * MS),
                "S5 elected in (d)");
        long seqW = c.submit(s5, "w", "W");
        c.sim.runFor(300 * MS);
        assertTrue(c.committed(seqW), "S5 commits W, and with it Y below it");
        assertFalse(c.committed(seqX), "X was never acknowledged");
        assertFalse(c.trace.events(ProtocolEvent.LogTruncated.class).isEmpty(), "X was overwritten");
        assertTrue(c.trace.events(ProtocolEvent.EntryCommitted.class).stream()
                .noneMatch(e -> e.command().equals("c1:" + seqX)), "X never committed");
        assertEquals(List.of(), c.violations());
    }

    @Test
    void branchE_onceCommittedWithACurrentTermEntryXIsNeverLost() {
        reachFigure8c(82);
        // (e) The leader of (c) appends Z of its own term and replicates it: Z commits, and X with it.
        long seqZ = c.submit(holderOfX, "z", "Z");
        c.sim.runFor(200 * MS);
        assertTrue(c.committed(seqZ), "Z committed");
        assertTrue(c.trace.events(ProtocolEvent.EntryCommitted.class).stream()
                .anyMatch(e -> e.index() == 1 && e.command().equals("c1:" + seqX)), "X committed below Z");
        // Now S5 cannot win: its last term is older than the voters' (§5.4.1).
        crash(holderOfX);
        c.network.setFilter((from, to, m, now) -> !(m instanceof RequestVote rv && !rv.candidateId().equals(s5)));
        c.sim.restart(s5);
        long restartedAt = c.sim.now();
        c.sim.runFor(3_000 * MS);
        assertTrue(c.trace.events(s5, ProtocolEvent.ElectionStarted.class).size() > 1, "S5 kept trying");
        assertTrue(c.trace.records().stream().noneMatch(r -> r.t() >= restartedAt && r instanceof TraceRecord.Event e
                && e.node().equals(s5) && e.event() instanceof ProtocolEvent.LeaderEstablished),
                "S5 never led again");
        c.network.setFilter(MessageFilter.ALLOW_ALL);
        c.awaitLeader(5_000);
        c.sim.runFor(500 * MS);
        for (NodeId n : c.sim.cluster().members()) {
            if (c.sim.isUp(n)) assertEquals("X", c.sim.stateMachine(n).get("x"), "X at " + n);
        }
        assertEquals(List.of(), c.violations());
    }

    private void crash(NodeId n) {
        c.sim.crash(n);
        c.sim.recordFault("crash", List.of(n), "figure 8");
    }

    /** Whether {@code node}'s log, rebuilt from its events, holds {@code command} at {@code index}. */
    private boolean holds(NodeId node, long index, String command) {
        String at = null;
        for (TraceRecord.Event e : c.trace.events()) {
            if (!e.node().equals(node)) continue;
            if (e.event() instanceof ProtocolEvent.EntryAppended a && a.index() == index) at = a.command();
            if (e.event() instanceof ProtocolEvent.LogTruncated t && t.fromIndex() <= index) at = null;
        }
        return command.equals(at);
    }
}
