package quorumlab.analysis.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import quorumlab.protocols.ClientReply;
import quorumlab.protocols.ClientRequest;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.Operation;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.Result;
import quorumlab.protocols.trace.TraceRecord;
import quorumlab.protocols.trace.TraceWriter;

/**
 * {@code quorumlab check} on the trace of the deliberately broken Raft change (two servers added in
 * one step, without joint consensus; raft's MembershipChangeTest runs it in the simulator): the old
 * leader commits the new configuration with itself and the two new servers while the two other old
 * servers, cut off from them, elect a leader and commit another command at the same index. The
 * command exits 1, and the line that says so names the broken rule. The same trace with a legal
 * single-server change (the old leader cannot commit it) is no violation.
 */
class BrokenMembershipCheckTest {
    static final long MS = 1_000_000L;
    static final NodeId N1 = NodeId.of(1), N2 = NodeId.of(2), N3 = NodeId.of(3), N4 = NodeId.of(4), N5 = NodeId.of(5);

    @TempDir
    Path dir;

    private final List<TraceRecord> trace = new ArrayList<>();
    private long t;

    private void ev(NodeId node, ProtocolEvent e) {
        trace.add(new TraceRecord.Event(++t * MS, node, e));
    }

    private void put(long client, NodeId leader, String value, long index, long term) {
        trace.add(new TraceRecord.Invoke(++t * MS, t * MS, leader, new ClientRequest(client, 1, new Operation.Put("k", value))));
        String id = "c" + client + ":1";
        ev(leader, new ProtocolEvent.EntryAppended(index, term, id));
    }

    private void committed(long client, NodeId leader, long index) {
        trace.add(new TraceRecord.Complete(++t * MS, client, 1, leader, new ClientReply.Committed(client, 1, index, new Result(true, null)), "ok"));
    }

    /** The trace: {@code voters} is the configuration the old leader n1 appends while cut off with n4 and n5. */
    private Path write(List<NodeId> voters, boolean oldLeaderCommits) {
        trace.add(new TraceRecord.Meta(0, "raft", 3, 1, "sim", "broken-change", 0L, 100 * MS));
        ev(N1, new ProtocolEvent.LeaderEstablished(1));
        put(1, N1, "v", 1, 1);
        for (NodeId n : List.of(N2, N3)) ev(n, new ProtocolEvent.EntryAppended(1, 1, "c1:1"));
        ev(N1, new ProtocolEvent.EntryCommitted(1, 1, "c1:1"));
        for (NodeId n : List.of(N1, N2, N3)) ev(n, new ProtocolEvent.EntryApplied(1, "c1:1"));
        committed(1, N1, 1);
        trace.add(new TraceRecord.Fault(++t * MS, "partition", List.of(N2, N3), "", List.of(List.of(N1, N4, N5), List.of(N2, N3))));
        String config = "config:99:" + String.join(",", voters.stream().map(NodeId::toString).toList());
        List<NodeId> oldLeaderSide = new ArrayList<>(List.of(N1));
        for (NodeId n : voters) if (!List.of(N1, N2, N3).contains(n)) oldLeaderSide.add(n);
        for (NodeId n : oldLeaderSide) {
            if (!n.equals(N1)) ev(n, new ProtocolEvent.EntryAppended(1, 1, "c1:1"));
            ev(n, new ProtocolEvent.EntryAppended(2, 1, config));
            ev(n, new ProtocolEvent.ConfigurationChanged(2, 2, voters, List.of(), false));
        }
        if (oldLeaderCommits) {
            ev(N1, new ProtocolEvent.EntryCommitted(2, 1, config));
            ev(N1, new ProtocolEvent.EntryApplied(2, config));
        }
        // the other side elects n2 with n3's vote and commits another command at index 2
        ev(N2, new ProtocolEvent.ElectionStarted(2, false));
        ev(N3, new ProtocolEvent.VoteGranted(N2, 2, false));
        ev(N2, new ProtocolEvent.LeaderEstablished(2));
        put(2, N2, "w", 2, 2);
        ev(N3, new ProtocolEvent.EntryAppended(2, 2, "c2:1"));
        ev(N2, new ProtocolEvent.EntryCommitted(2, 2, "c2:1"));
        ev(N2, new ProtocolEvent.EntryApplied(2, "c2:1"));
        committed(2, N2, 2);
        Path file = dir.resolve(oldLeaderCommits ? "broken.jsonl" : "legal.jsonl");
        try (TraceWriter w = TraceWriter.open(file)) {
            trace.forEach(w::record);
        }
        return file;
    }

    private int check(Path file, StringWriter out, StringWriter err) {
        return Cli.execute(out, err, "check", "--no-pictures", file.toString());
    }

    @Test
    void twoServersAddedAtOnceExitOneWithTheRuleOnOneLine() {
        Path file = write(List.of(N1, N2, N3, N4, N5), true);
        StringWriter out = new StringWriter(), err = new StringWriter();
        assertEquals(Main.EXIT_VIOLATION, check(file, out, err), out + "\n" + err);
        List<String> lines = out.toString().lines().toList();
        assertEquals(3, lines.size(), "one line per check (invariants, acknowledged writes, linearizability): " + out);
        List<String> invariants = lines.stream().filter(l -> l.startsWith("VIOLATION") && l.contains("raft-invariants")).toList();
        assertEquals(1, invariants.size(), out.toString());
        String line = invariants.get(0);
        assertTrue(line.contains(file.toString()), line);
        assertTrue(line.contains("commit quorum") && line.contains("misses a majority of the previous configuration"), line);
        assertEquals("", err.toString());
    }

    @Test
    void aSingleServerChangeOnTheSameScheduleIsNoViolation() {
        Path file = write(List.of(N1, N2, N3, N4), false);
        StringWriter out = new StringWriter(), err = new StringWriter();
        int exit = check(file, out, err);
        assertNotEquals(Main.EXIT_VIOLATION, exit, out.toString());
        assertTrue(out.toString().lines().noneMatch(l -> l.startsWith("VIOLATION")), out.toString());
    }
}
