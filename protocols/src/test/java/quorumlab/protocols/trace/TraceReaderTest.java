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
