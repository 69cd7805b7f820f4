package quorumlab.analysis.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import quorumlab.protocols.ClientReply;
import quorumlab.protocols.ClientRequest;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.Operation;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.Result;
import quorumlab.protocols.trace.TraceRecord;
import quorumlab.protocols.trace.TraceWriter;

/** {@code check} on a corrupt trace: bad input (exit 2) in one line naming file, line and field; never a violation. */
class CorruptTraceCheckTest {
    static final NodeId N1 = NodeId.of(1);

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int check(Path... files) {
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        String[] args = new String[files.length + 2];
        args[0] = "check";
        args[1] = "--no-pictures";
        for (int i = 0; i < files.length; i++) args[i + 2] = files[i].toString();
        return cli.execute(args);
    }

    /** A healthy single-node trace: every write committed, applied and acknowledged. */
    private Path trace(String name, int writes) {
        Path path = dir.resolve(name);
        try (TraceWriter w = TraceWriter.open(path)) {
            w.record(new TraceRecord.Meta(0, "raft", 1, 1, "sim", "corrupt", 0L, 10L * writes + 10));
            w.record(new TraceRecord.Event(0, N1, new ProtocolEvent.LeaderEstablished(1)));
            for (int i = 1; i <= writes; i++) {
                long t = 10L * i;
                ClientRequest put = new ClientRequest(1, i, new Operation.Put("k", "v" + i));
                w.record(new TraceRecord.Invoke(t, t, N1, put));
                w.record(new TraceRecord.Event(t + 1, N1, new ProtocolEvent.EntryAppended(i, 1, put.id())));
                w.record(new TraceRecord.Event(t + 2, N1, new ProtocolEvent.EntryCommitted(i, 1, put.id())));
                w.record(new TraceRecord.Event(t + 3, N1, new ProtocolEvent.EntryApplied(i, put.id())));
                w.record(new TraceRecord.Complete(t + 4, 1, i, N1, new ClientReply.Committed(1, i, i, Result.OK), "ok"));
            }
        }
        return path;
    }

    private void assertBadInput(Path file, String expectedStart) {
        assertEquals(2, check(file), out + " " + err);
        String[] lines = err.toString().split("\n");
        assertEquals(1, lines.length, err.toString());
        assertTrue(lines[0].startsWith(expectedStart), lines[0]);
        assertFalse(err.toString().contains("Exception") || err.toString().contains("\tat "), err.toString());
        assertFalse(out.toString().contains("VIOLATION"), out.toString());
    }

    @Test
    void aHealthyZstdTraceIsCheckedAndFoundInADirectory() throws IOException {
        Path trace = trace("trace.jsonl.zst", 20);
        assertEquals(0, check(dir), out + " " + err);
        assertTrue(out.toString().contains(trace.toString()), "the .zst trace is found: " + out);
        assertEquals("", err.toString());
    }

    @Test
    void anEventMissingItsIndexIsBadInputNamingFileLineAndField() throws IOException {
        Path good = trace("good.jsonl", 3);
        List<String> lines = Files.readAllLines(good);
        // line 5 is the first EntryCommitted: drop its index
        assertTrue(lines.get(4).contains("EntryCommitted"), lines.get(4));
        lines.set(4, lines.get(4).replace("\"index\":1,", ""));
        Path bad = dir.resolve("bad.jsonl");
        Files.write(bad, lines);
        assertBadInput(bad, "quorumlab: " + bad + ":5: bad \"event\" record: EntryCommitted event has no \"event.index\"");
    }

    @Test
    void aTruncatedZstdTraceIsBadInput() throws IOException {
        Path whole = trace("whole.jsonl.zst", 20_000);
        byte[] bytes = Files.readAllBytes(whole);
        Files.delete(whole);
        Path cut = dir.resolve("cut.jsonl.zst");
        Files.write(cut, Arrays.copyOf(bytes, bytes.length * 2 / 3));
        assertBadInput(cut, "quorumlab: " + cut + ":");
    }

    @Test
    void garbageBytesAreBadInput() throws IOException {
        Path garbage = dir.resolve("trace.jsonl.zst");
        byte[] bytes = new byte[4096];
        new java.util.SplittableRandom(9).nextBytes(bytes);
        // a zstd frame header, then noise
        bytes[0] = 0x28;
        bytes[1] = (byte) 0xb5;
        bytes[2] = 0x2f;
        bytes[3] = (byte) 0xfd;
        Files.write(garbage, bytes);
        // Found unreadable while telling trace from history, before any line: the line is not known.
        assertBadInput(garbage, "quorumlab: ");
        assertTrue(err.toString().contains(garbage.toString()), err.toString());
    }
}
