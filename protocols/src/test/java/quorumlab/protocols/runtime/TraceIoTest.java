package quorumlab.protocols.runtime;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import quorumlab.protocols.ClientReply;
import quorumlab.protocols.ClientRequest;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.Operation;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.Result;
import quorumlab.protocols.Role;
import quorumlab.protocols.trace.TraceRecord;
import quorumlab.protocols.trace.TraceReader;
import quorumlab.protocols.trace.TraceWriter;

class TraceIoTest {
    static final NodeId N1 = NodeId.of(1);
    static final NodeId N2 = NodeId.of(2);

    /** One record of every kind, and every event type, with nulls and optionals both ways. */
    static List<TraceRecord> everyKind() {
        ClientRequest put = new ClientRequest(7, 1, new Operation.Put("k", "v"));
        ClientRequest cas = new ClientRequest(7, 2, new Operation.Cas("k", "v", "w"));
        ClientRequest get = new ClientRequest(7, 3, new Operation.Get("k"));
        return List.of(
                new TraceRecord.Meta(0, "raft", 5, 42, "sim", "leader-crash"),
                new TraceRecord.Meta(0, "raft", 5, 42, "sim", null),
                new TraceRecord.Send(10, N1, N2, 1, "AppendEntries", 64),
                new TraceRecord.Deliver(20, N1, N2, 1, "AppendEntries"),
                new TraceRecord.Drop(30, N1, N2, 2, "AppendEntries", "partition"),
                new TraceRecord.Drop(31, null, N2, 3, "ClientRequest", "crashed"),
                new TraceRecord.TimerSet(40, N1, "election", 150_000_000),
                new TraceRecord.TimerFire(50, N1, "election"),
                new TraceRecord.Event(60, N1, new ProtocolEvent.RoleChanged(Role.FOLLOWER, Role.CANDIDATE, 2)),
                new TraceRecord.Event(60, N1, new ProtocolEvent.ElectionStarted(2, true)),
                new TraceRecord.Event(61, N1, new ProtocolEvent.LeaderEstablished(2)),
                new TraceRecord.Event(62, N2, new ProtocolEvent.VoteGranted(N1, 2, false)),
                new TraceRecord.Event(63, N2, new ProtocolEvent.VoteDenied(N1, 2, false, "stale log")),
                new TraceRecord.Event(64, N2, new ProtocolEvent.Preempted(2, 3, N2)),
                new TraceRecord.Event(65, N1, new ProtocolEvent.EntryAppended(1, 2, "c7:1")),
                new TraceRecord.Event(66, N1, new ProtocolEvent.LogTruncated(4, 2)),
                new TraceRecord.Event(67, N2, new ProtocolEvent.AppendRejected(N1, 2, 3, "mismatch")),
                new TraceRecord.Event(68, N2, new ProtocolEvent.ValueAccepted(5, 2, N1, "noop")),
                new TraceRecord.Event(69, N2, new ProtocolEvent.SlotChosen(5, 2, "noop")),
                new TraceRecord.Event(70, N2, new ProtocolEvent.EntryCommitted(1, 2, "c7:1")),
                new TraceRecord.Event(71, N2, new ProtocolEvent.EntryApplied(1, "c7:1")),
                new TraceRecord.Event(72, N2, new ProtocolEvent.GapOpened(3, 5)),
                new TraceRecord.Event(73, N2, new ProtocolEvent.GapClosed(3, 5)),
                new TraceRecord.Event(74, N2, new ProtocolEvent.NoOpProposed(4, 2)),
                new TraceRecord.Invoke(80, 79, N1, put),
                new TraceRecord.Invoke(81, 81, N1, cas),
                new TraceRecord.Invoke(82, 82, N2, get),
                new TraceRecord.Complete(90, 7, 1, N1, new ClientReply.Committed(7, 1, 1, Result.OK), "ok"),
                new TraceRecord.Complete(91, 7, 2, N1, new ClientReply.Committed(7, 2, 2, new Result(false, "x")), "ok"),
                new TraceRecord.Complete(92, 7, 3, N2, new ClientReply.NotLeader(7, 3, Optional.of(N1)), "not_leader"),
                new TraceRecord.Complete(93, 7, 3, N2, new ClientReply.NotLeader(7, 3, Optional.empty()), "not_leader"),
                new TraceRecord.Complete(94, 7, 3, N2, new ClientReply.Rejected(7, 3, "bad"), "rejected"),
                new TraceRecord.Complete(95, 7, 4, null, null, "timeout"),
                new TraceRecord.Event(75, N1, new ProtocolEvent.SnapshotTaken(10, 2)),
                new TraceRecord.Event(76, N2, new ProtocolEvent.SnapshotInstalled(10, 2)),
                new TraceRecord.Event(77, N2, new ProtocolEvent.SlotsForgotten(9)),
                new TraceRecord.Event(78, N2, new ProtocolEvent.StateMachineRestored(10)),
                new TraceRecord.Event(79, N2, new ProtocolEvent.RoleChanged(null, Role.FOLLOWER, 0)),
                new TraceRecord.Event(79, N2, new ProtocolEvent.VoteDenied(N1, 2, true, null)),
                new TraceRecord.Event(80, N1, new ProtocolEvent.ConfigurationChanged(12, 12, List.of(N1, N2, NodeId.of(6)), List.of(), false)),
                new TraceRecord.Event(80, N1, new ProtocolEvent.ConfigurationChanged(13, 16, List.of(N1, NodeId.of(6)), List.of(N1, N2), true)),
                new TraceRecord.Event(81, N1, new ProtocolEvent.MembershipChangeRefused(3, "a change is in progress")),
                new TraceRecord.Event(81, N1, new ProtocolEvent.MembershipChangeRefused(4, null)),
                new TraceRecord.Event(82, N1, new ProtocolEvent.MembershipChangeCommitted(2, List.of(N1, N2, NodeId.of(6)))),
                new TraceRecord.Event(83, N1, new ProtocolEvent.LearnerCaughtUp(NodeId.of(106), 4, 250)),
                new TraceRecord.Meta(0, "multi-paxos", 3, -7, "local", "s", 0L, 6_000_000_000L),
                new TraceRecord.Fault(100, "partition", List.of(N1, N2), "{n1} | {n2}"),
                new TraceRecord.Fault(101, "partition", List.of(N1), "d", List.of(List.of(N1), List.of(N2, NodeId.of(3)))),
                new TraceRecord.MessageCounts(300_000_000, 200_000_000, N1, "AppendEntries", "heartbeat", 8, 384),
                new TraceRecord.Invoke(83, 83, N1, new ClientRequest(8, 1, new Operation.Put("k\"\u00e9\n", "v\u2603"))));
    }

    @Test
    void everyRecordKindRoundTripsThroughPlainAndGzipFiles(@TempDir Path dir) throws IOException {
        for (String file : List.of("trace.jsonl", "trace.jsonl.gz", "trace.jsonl.zst")) {
            Path path = dir.resolve(file);
            try (TraceWriter w = TraceWriter.open(path)) {
                everyKind().forEach(w::record);
            }
            assertEquals(everyKind(), TraceReader.readAll(path), file);
        }
        try (InputStream in = new GZIPInputStream(Files.newInputStream(dir.resolve("trace.jsonl.gz")))) {
            assertEquals(Files.readString(dir.resolve("trace.jsonl")), new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        try (InputStream in = new com.github.luben.zstd.ZstdInputStream(Files.newInputStream(dir.resolve("trace.jsonl.zst")))) {
            assertEquals(Files.readString(dir.resolve("trace.jsonl")), new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    /** The hand-written writer writes exactly what Jackson's data binding writes for the records (the format did not change). */
    @Test
    void writesTheSameBytesAsJacksonDataBinding() throws IOException {
        var reference = quorumlab.protocols.trace.TraceJson.mapper().writerFor(TraceRecord.class)
                .withAttribute(quorumlab.protocols.trace.TraceJson.VERSION_FIELD, TraceRecord.SCHEMA_VERSION);
        StringBuilder expected = new StringBuilder();
        for (TraceRecord r : everyKind()) expected.append(reference.writeValueAsString(r)).append('\n');
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TraceWriter w = TraceWriter.to(bytes, "memory")) {
            everyKind().forEach(w::record);
        }
        assertEquals(expected.toString(), bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void everyLineStartsWithKindAndSchemaVersion(@TempDir Path dir) throws IOException {
        Path path = dir.resolve("t.jsonl");
        try (TraceWriter w = TraceWriter.open(path)) {
            everyKind().forEach(w::record);
        }
        List<String> lines = Files.readAllLines(path);
        assertEquals(everyKind().size(), lines.size());
        for (String line : lines) {
            assertTrue(line.matches("\\{\"kind\":\"[a-z_]+\",\"v\":1,\"t\":\\d+,.*\\}"), line);
        }
        assertEquals("{\"kind\":\"send\",\"v\":1,\"t\":10,\"from\":\"n1\",\"to\":\"n2\",\"id\":1,\"type\":\"AppendEntries\",\"bytes\":64}",
                lines.get(2));
        assertTrue(lines.get(1).indexOf("scenario") < 0, "null fields are left out: " + lines.get(1));
    }

    @Test
    void aCorruptLineNamesTheFileAndLine(@TempDir Path dir) throws IOException {
        Path path = dir.resolve("bad.jsonl");
        String meta = "{\"kind\":\"meta\",\"v\":1,\"t\":0,\"protocol\":\"raft\",\"nodes\":3,\"seed\":1,\"runtime\":\"sim\"}";
        String fire = "{\"kind\":\"timer_fire\",\"v\":1,\"t\":5,\"node\":\"n1\",\"name\":\"x\"}";
        assertError(path, meta + "\n" + fire + "\n{\"kind\":\"timer_fire\",\"v\":1,\"t\":5,\"node\":\"n1\"", "line 3: not JSON");
        assertError(path, meta + "\n\n" + fire.replace("\"v\":1,", ""), "line 3: no schema version");
        assertError(path, meta + "\n" + fire.replace("\"v\":1", "\"v\":2"), "line 2: schema version 2 is not supported");
        assertError(path, meta + "\n" + fire.replace("timer_fire", "teleport"), "line 2: bad \"teleport\" record");
        assertError(path, meta + "\n" + fire.replace("\"n1\"", "\"node-one\""), "line 2: bad \"timer_fire\" record");
        assertError(path, fire, "line 1: the first record must be kind \"meta\"");
        assertError(path, meta + "\n[1,2]", "line 2: not a JSON object");
    }

    private static void assertError(Path path, String content, String expected) throws IOException {
        Files.writeString(path, content);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TraceReader.readAll(path));
        assertTrue(e.getMessage().startsWith("trace " + path + " " + expected), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }

    @Test
    void aTruncatedGzipTraceIsAnErrorNotASilentlyShortRead(@TempDir Path dir) throws IOException {
        Path path = dir.resolve("t.jsonl.gz");
        try (TraceWriter w = TraceWriter.open(path)) {
            for (int i = 0; i < 2000; i++) everyKind().forEach(w::record);
        }
        byte[] all = Files.readAllBytes(path);
        Path cut = dir.resolve("cut.jsonl.gz");
        Files.write(cut, java.util.Arrays.copyOf(all, all.length / 2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TraceReader.readAll(cut));
        assertTrue(e.getMessage().startsWith("trace " + cut + " line "), e.getMessage());
    }

    @Test
    void writesToAStream() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TraceWriter w = TraceWriter.to(bytes, "memory")) {
            w.record(everyKind().get(0));
            w.record(everyKind().get(2));
        }
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(2, text.split("\n").length);
        assertTrue(text.endsWith("}\n"));
    }
}
