package quorumlab.protocols.trace;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import quorumlab.protocols.ClientReply;
import quorumlab.protocols.ClientRequest;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.Operation;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.Result;

/** Reading traces: compressions by magic bytes, and corrupt traces as one-line errors naming file, line and field. */
class TraceReaderTest {
    static final String META = "{\"kind\":\"meta\",\"v\":1,\"t\":0,\"protocol\":\"raft\",\"nodes\":3,\"seed\":1,\"runtime\":\"sim\"}";
    static final NodeId N1 = NodeId.of(1);

    @TempDir
    Path dir;

    static List<TraceRecord> sample(int copies) {
        List<TraceRecord> records = new java.util.ArrayList<>();
        records.add(new TraceRecord.Meta(0, "raft", 3, 1, "sim", "s", 0L, 1000L));
        for (int i = 1; i <= copies; i++) {
            ClientRequest put = new ClientRequest(1, i, new Operation.Put("k" + i, "v" + i));
            records.add(new TraceRecord.Invoke(i, i, N1, put));
            records.add(new TraceRecord.Event(i, N1, new ProtocolEvent.EntryCommitted(i, 1, put.id())));
            records.add(new TraceRecord.Complete(i, 1, i, N1, new ClientReply.Committed(1, i, i, Result.OK), "ok"));
        }
        return records;
    }

    private Path write(String name, List<TraceRecord> records) {
        Path path = dir.resolve(name);
        try (TraceWriter w = TraceWriter.open(path)) {
            records.forEach(w::record);
        }
        return path;
    }

    @Test
    void theCompressionIsFoundByMagicBytesNotByName() throws IOException {
        List<TraceRecord> records = sample(50);
        Path zst = write("a.jsonl.zst", records);
        Path gz = write("b.jsonl.gz", records);
        Path plain = write("c.jsonl", records);
        assertEquals(TraceCompression.ZSTD, magic(zst));
        assertEquals(TraceCompression.GZIP, magic(gz));
        assertEquals(TraceCompression.PLAIN, magic(plain));
        for (Path p : List.of(zst, gz, plain)) {
            Path renamed = Files.copy(p, dir.resolve("renamed-" + p.getFileName() + ".txt"));
            assertEquals(records, TraceReader.readAll(renamed), p.toString());
            try (TraceReader r = TraceReader.from(Files.newInputStream(p), "stream")) {
                assertEquals(records.get(0), r.next());
            }
        }
        assertTrue(Files.size(zst) < Files.size(plain) / 4, "zstd shrinks the JSON: " + Files.size(zst) + " of " + Files.size(plain));
    }

    private static TraceCompression magic(Path p) throws IOException {
        byte[] head = Arrays.copyOf(Files.readAllBytes(p), 4);
        return TraceCompression.ofMagic(head, 4);
    }

    @Test
    void aRecordMissingARequiredFieldNamesTheFieldAndLine() throws IOException {
        assertError(META + "\n{\"kind\":\"event\",\"v\":1,\"t\":5,\"node\":\"n1\",\"event\":{\"type\":\"EntryCommitted\",\"term\":1,\"command\":\"c1:1\"}}",
                "line 2: bad \"event\" record: EntryCommitted event has no \"event.index\"");
        assertError(META + "\n{\"kind\":\"send\",\"v\":1,\"t\":5,\"from\":\"n1\",\"to\":\"n2\",\"type\":\"AppendEntries\",\"bytes\":3}",
                "line 2: bad \"send\" record: no \"id\"");
        assertError(META + "\n\n{\"kind\":\"complete\",\"v\":1,\"t\":5,\"seq\":1,\"outcome\":\"timeout\"}",
                "line 3: bad \"complete\" record: no \"clientId\"");
        assertError(META + "\n{\"kind\":\"timer_fire\",\"v\":1,\"node\":\"n1\",\"name\":\"x\"}", "line 2: bad \"timer_fire\" record: no \"t\"");
        assertError(META + "\n{\"kind\":\"invoke\",\"v\":1,\"t\":1,\"intended\":1,\"node\":\"n1\",\"request\":{\"type\":\"request\",\"clientId\":1,\"seq\":1,\"operation\":{\"f\":\"write\",\"key\":\"k\"}}}",
                "line 2: bad \"invoke\" record: no \"operation.value\"");
        assertError(META + "\n{\"kind\":\"event\",\"v\":1,\"t\":5,\"node\":\"n1\",\"event\":{\"type\":\"EntryCommitted\",\"index\":\"one\",\"term\":1}}",
                "line 2: bad \"event\" record: \"index\" must be an integer, got one");
        assertError(META + "\n{\"kind\":\"event\",\"v\":1,\"t\":5,\"node\":\"n1\",\"event\":{\"type\":\"Teleported\"}}",
                "line 2: bad \"event\" record: unknown event type \"Teleported\"");
        assertError(META + " " + META, "line 1: a second record on one line");
        assertError(META + "\n{\"kind\":\"event\",\"v\":1,\"t\":5,\"node\":\"n1\",\"event\":{\"type\":\"ConfigurationChanged\",\"index\":3,\"effectiveFrom\":3,\"oldVoters\":[],\"committed\":false}}",
                "line 2: bad \"event\" record: no \"event.voters\"");
        assertError(META + "\n{\"kind\":\"event\",\"v\":1,\"t\":5,\"node\":\"n1\",\"event\":{\"type\":\"ConfigurationChanged\",\"index\":3,\"effectiveFrom\":3,\"voters\":[\"n1\",\"six\"],\"oldVoters\":[],\"committed\":false}}",
                "line 2: bad \"event\" record: \"event.voters\" is not a node name (expected n1, n2, ...): \"six\"");
        assertError(META + "\n{\"kind\":\"event\",\"v\":1,\"t\":5,\"node\":\"n1\",\"event\":{\"type\":\"MembershipChangeCommitted\",\"voters\":[\"n1\"]}}",
                "line 2: bad \"event\" record: MembershipChangeCommitted event has no \"event.changeId\"");
        assertError(META + "\n{\"kind\":\"event\",\"v\":1,\"t\":5,\"node\":\"n1\",\"event\":{\"type\":\"MembershipChangeRefused\",\"changeId\":true}}",
                "line 2: bad \"event\" record: \"changeId\" must be an integer, got true");
        assertError(META + "\n{\"kind\":\"event\",\"v\":1,\"t\":5,\"node\":\"n1\",\"event\":{\"type\":\"LearnerCaughtUp\",\"rounds\":2,\"entries\":9}}",
                "line 2: bad \"event\" record: no \"event.learner\"");
    }

    /** Every shape {@link WriterLayout} reads, with its optional fields present and absent. */
    static List<TraceRecord> layoutShapes() {
        NodeId n2 = NodeId.of(2);
        NodeId n63 = NodeId.of(63);
        NodeId n64 = NodeId.of(64);
        ClientRequest put = new ClientRequest(1000000, 1, new Operation.Put("k1", "c0-1...."));
        ClientRequest get = new ClientRequest(1000001, 2, new Operation.Get("k2"));
        ClientRequest cas = new ClientRequest(7, 3, new Operation.Cas("k3", "old value", "new, {value}: \"ok\"?"));
        return List.of(
                new TraceRecord.Meta(0, "raft", 5, 1, "sim", "s", 0L, 1000L),
                new TraceRecord.Invoke(1, 0, N1, put),
                new TraceRecord.Invoke(2, 1, n2, get),
                new TraceRecord.Invoke(3, 2, n64, cas),
                new TraceRecord.Event(4, N1, new ProtocolEvent.EntryAppended(1, 1, put.id())),
                new TraceRecord.Event(4, N1, new ProtocolEvent.EntryAppended(2, 1, null)),
                new TraceRecord.Event(5, n2, new ProtocolEvent.EntryCommitted(1, 1, put.id())),
                new TraceRecord.Event(5, n2, new ProtocolEvent.EntryCommitted(Long.MAX_VALUE / 10, 0, null)),
                new TraceRecord.Event(6, n63, new ProtocolEvent.EntryApplied(1, put.id())),
                new TraceRecord.Event(6, n63, new ProtocolEvent.EntryApplied(2, null)),
                new TraceRecord.Event(7, N1, new ProtocolEvent.ValueAccepted(3, 2, n2, get.id())),
                new TraceRecord.Event(7, N1, new ProtocolEvent.ValueAccepted(4, 2, null, null)),
                new TraceRecord.Event(8, N1, new ProtocolEvent.SlotChosen(3, 2, get.id())),
                new TraceRecord.Event(8, N1, new ProtocolEvent.SlotChosen(5, 2, null)),
                new TraceRecord.Event(9, N1, new ProtocolEvent.GapOpened(4, 9)),
                new TraceRecord.Event(9, N1, new ProtocolEvent.GapClosed(4, 9)),
                new TraceRecord.Event(10, N1, new ProtocolEvent.AppendRejected(n2, 3, 811, "log too short: last index 809")),
                new TraceRecord.Event(10, N1, new ProtocolEvent.AppendRejected(n2, 3, 0, null)),
                new TraceRecord.Complete(11, 1000000, 1, N1, new ClientReply.Committed(1000000, 1, 1, Result.OK), "ok"),
                new TraceRecord.Complete(12, 1000001, 2, n2, new ClientReply.Committed(1000001, 2, 2, Result.read("c0-1....")), "ok"),
                new TraceRecord.Complete(13, 7, 3, n64, new ClientReply.Committed(7, 3, 3, new Result(false, "other")), "fail"),
                new TraceRecord.Complete(14, 7, 4, N1, new ClientReply.NotLeader(7, 4, java.util.Optional.of(n2)), "not_leader"),
                new TraceRecord.Complete(15, 7, 5, N1, new ClientReply.NotLeader(7, 5, java.util.Optional.empty()), "not_leader"),
                new TraceRecord.Event(-16, N1, new ProtocolEvent.EntryApplied(0, "x")));
    }

    @Test
    void theWritersOwnLayoutIsMatchedPartByPartToTheSameRecords() throws IOException {
        List<TraceRecord> records = layoutShapes();
        Path path = write("shapes.jsonl", records);
        List<String> lines = Files.readAllLines(path);
        WriterLayout layout = new WriterLayout();
        for (int i = 1; i < lines.size(); i++) {
            byte[] line = lines.get(i).getBytes(StandardCharsets.UTF_8);
            TraceRecord r = layout.read(line, 0, line.length);
            // the cas's value has escaped quotes: that line is the general path's
            if (lines.get(i).contains("\\")) assertNull(r, lines.get(i));
            else assertEquals(records.get(i), r, lines.get(i));
        }
        assertEquals(records, TraceReader.readAll(path));
        assertNull(layout.read(lines.get(0).getBytes(StandardCharsets.UTF_8), 0, lines.get(0).length()), "meta is not in the layout");
    }

    @Test
    void linesOutsideTheLayoutAreReadByTheGeneralPathWithItsErrors() throws IOException {
        String event = "{\"kind\":\"event\",\"v\":1,\"t\":%s,\"node\":\"%s\",\"event\":{\"type\":\"EntryApplied\",\"index\":4,\"command\":\"%s\"}}";
        WriterLayout layout = new WriterLayout();
        for (String refused : List.of(String.format(event, "05", "n1", "c"), String.format(event, "1234567890123456789", "n1", "c"),
                String.format(event, "1.5", "n1", "c"), String.format(event, "5", "n01", "c"), String.format(event, "5", "n1", "c\\u0041"),
                String.format(event, "5", "n1", "c\u00e9"), String.format(event, "5", "n1", "c") + " ", String.format(event, "5", "n1", "c").replace(",\"v\":1", ""))) {
            byte[] line = refused.getBytes(StandardCharsets.UTF_8);
            assertNull(layout.read(line, 0, line.length), refused);
        }
        // escapes and UTF-8 are the general path's, and read as before
        Path path = dir.resolve("escaped.jsonl");
        Files.writeString(path, META + "\n" + String.format(event, "5", "n1", "c\\u0041\u00e9") + "\n");
        assertEquals(new TraceRecord.Event(5, N1, new ProtocolEvent.EntryApplied(4, "cA\u00e9")), TraceReader.readAll(path).get(1));
        assertError(META + "\n" + String.format(event, "05", "n1", "c"), "line 2: not JSON: Invalid numeric value: Leading zeroes not allowed");
        assertError(META + "\n" + String.format(event, "99999999999999999999", "n1", "c"), "line 2: bad \"event\" record: \"t\" is out of range: 99999999999999999999");
        assertError(META + "\n" + String.format(event, "5", "n0", "c"), "line 2: bad \"event\" record: \"node\" is not a node name (expected n1, n2, ...): \"n0\"");
        // a record over several lines, after lines read on their own, is read as a stream and keeps its line numbers
        Files.writeString(path, META + "\n\n" + String.format(event, "5", "n1", "c") + "\n{\"kind\":\"event\",\n\"v\":1,\"t\":6,\"node\":\"n2\",\"event\":{\"type\":\"EntryApplied\",\"index\":5}}\n"
                + String.format(event, "7", "n1", "c") + "\n" + String.format(event, "8", "n1", "c") + String.format(event, "9", "n1", "c") + "\n");
        try (TraceReader r = TraceReader.open(path)) {
            r.next();
            assertEquals(new TraceRecord.Event(5, N1, new ProtocolEvent.EntryApplied(4, "c")), r.next());
            assertEquals(3, r.lineNumber());
            assertEquals(new TraceRecord.Event(6, NodeId.of(2), new ProtocolEvent.EntryApplied(5, null)), r.next());
            assertEquals(4, r.lineNumber());
            assertEquals(7, r.next().t());
            assertEquals(6, r.lineNumber());
            assertEquals(8, r.next().t());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::next);
            assertEquals("trace " + path + " line 7: a second record on one line", e.getMessage());
        }
    }

    @Test
    void aConsumerBesideTheParserGetsEveryRecordInOrderAndErrorsComeAfterTheRecordsBeforeThem() throws IOException {
        List<TraceRecord> records = sample(5_000);
        Path path = write("t.jsonl.zst", records);
        List<TraceRecord> here = new java.util.ArrayList<>();
        List<TraceRecord> beside = new java.util.ArrayList<>();
        TraceReader.forEach(path, here::add, beside::add);
        assertEquals(records, here);
        assertEquals(records, beside);

        Path bad = dir.resolve("bad.jsonl");
        Files.writeString(bad, Files.readString(write("plain.jsonl", records)) + "{\"kind\":\"event\"\n");
        here.clear();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TraceReader.forEach(bad, here::add));
        assertEquals(records, here, "every record before the damaged line was handed over first");
        assertTrue(e.getMessage().startsWith("trace " + bad + " line " + (records.size() + 1) + ": not JSON"), e.getMessage());
    }

    @Test
    void fieldsInAnyOrderAndUnknownFieldsAreRead() {
        String reordered = META + "\n{\"t\":5,\"node\":\"n1\",\"extra\":[1,{\"a\":2}],\"event\":{\"term\":1,\"index\":4,\"type\":\"EntryCommitted\"},\"v\":1,\"kind\":\"event\"}\n";
        try (TraceReader r = TraceReader.from(new ByteArrayInputStream(reordered.getBytes(StandardCharsets.UTF_8)), "mem")) {
            r.next();
            assertEquals(new TraceRecord.Event(5, N1, new ProtocolEvent.EntryCommitted(4, 1, null)), r.next());
            assertEquals(2, r.lineNumber());
            assertFalse(r.hasNext());
        }
    }

    @Test
    void aTruncatedZstdTraceIsAnErrorNamingTheLineNotAShortRead() throws IOException {
        Path path = write("t.jsonl.zst", sample(20_000));
        byte[] all = Files.readAllBytes(path);
        Path cut = dir.resolve("cut.jsonl.zst");
        Files.write(cut, Arrays.copyOf(all, all.length / 2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TraceReader.readAll(cut));
        assertTrue(e.getMessage().matches("trace " + java.util.regex.Pattern.quote(cut.toString()) + " line \\d+: .*"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void damagedCompressedBytesAreAnErrorNotAnotherTrace() throws IOException {
        Path path = write("t.jsonl.zst", sample(2_000));
        byte[] bytes = Files.readAllBytes(path);
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < 40; i++) bytes[8 + random.nextInt(bytes.length - 8)] ^= (byte) (1 + random.nextInt(255));
        Path damaged = dir.resolve("damaged.jsonl.zst");
        Files.write(damaged, bytes);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TraceReader.readAll(damaged));
        assertTrue(e.getMessage().startsWith("trace " + damaged + " line "), e.getMessage());
    }

    @Test
    void garbageIsAnErrorOnItsLine() throws IOException {
        byte[] garbage = new byte[300];
        new SplittableRandom(5).nextBytes(garbage);
        garbage[0] = 'x';
        Path path = dir.resolve("garbage.jsonl");
        Files.write(path, (META + "\n").getBytes(StandardCharsets.UTF_8));
        Files.write(path, garbage, java.nio.file.StandardOpenOption.APPEND);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TraceReader.readAll(path));
        assertTrue(e.getMessage().startsWith("trace " + path + " line 2: not JSON"), e.getMessage());
    }

    @Test
    void anLz4TraceSaysHowToDecompressIt() throws IOException {
        Path path = dir.resolve("t.jsonl.lz4");
        Files.write(path, new byte[] {0x04, 0x22, 0x4d, 0x18, 0, 0, 0});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TraceReader.readAll(path));
        assertTrue(e.getMessage().contains("lz4 -dc"), e.getMessage());
    }

    private void assertError(String content, String expected) throws IOException {
        Path path = dir.resolve("bad.jsonl");
        Files.writeString(path, content);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TraceReader.readAll(path));
        assertEquals("trace " + path + " " + expected, e.getMessage());
    }
}
