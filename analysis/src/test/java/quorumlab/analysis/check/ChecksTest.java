package quorumlab.analysis.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
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
import quorumlab.protocols.trace.TraceWriter;
import quorumlab.protocols.trace.TraceRecord;

class ChecksTest {
    static final NodeId N1 = NodeId.of(1);

    @TempDir
    Path dir;

    static void writeHistory(Path file, List<HistoryEvent> events) throws IOException {
        try (Writer w = Files.newBufferedWriter(file)) {
            HistoryWriter.writeJsonLines(events, w);
        }
    }

    /**
     * A trace in which client 1 writes "a" then "b" (both committed and applied) and client 2 then
     * reads "a": a stale read. With {@code loseWrite}, the second write is acknowledged at an index
     * no node applied.
     */
    static List<TraceRecord> staleReadTrace(boolean loseWrite) {
        List<TraceRecord> trace = new ArrayList<>();
        trace.add(new TraceRecord.Meta(0, "raft", 3, 1, "sim", "test"));
        long t = 0;
        long index = 0;
        String[] values = {"a", "b"};
        for (int seq = 1; seq <= 2; seq++) {
            ClientRequest put = new ClientRequest(1, seq, new Operation.Put("k", values[seq - 1]));
            trace.add(new TraceRecord.Invoke(t += 10, t, N1, put));
            index++;
            if (!(loseWrite && seq == 2)) {
                trace.add(new TraceRecord.Event(t += 10, N1, new ProtocolEvent.EntryApplied(index, put.id())));
            }
            trace.add(new TraceRecord.Complete(t += 10, 1, seq, N1,
                    new ClientReply.Committed(1, seq, index, Result.OK), "ok"));
        }
        ClientRequest get = new ClientRequest(2, 1, new Operation.Get("k"));
        trace.add(new TraceRecord.Invoke(t += 10, t, N1, get));
        trace.add(new TraceRecord.Event(t += 10, N1, new ProtocolEvent.EntryApplied(3, get.id())));
        trace.add(new TraceRecord.Complete(t += 10, 2, 1, N1,
                new ClientReply.Committed(2, 1, 3, Result.read("a")), "ok"));
        return trace;
    }

    static Path writeTrace(Path file, List<TraceRecord> records) {
        try (TraceWriter w = TraceWriter.open(file)) {
            records.forEach(w::record);
        }
        return file;
    }

    @Test
    void aTraceAloneIsCheckedForItsInvariantsAndFromItsClientRecords() {
        Path trace = writeTrace(dir.resolve("trace.jsonl.gz"), staleReadTrace(false));
        Verdict v = Checks.checkFile(trace, Checks.Settings.DEFAULT);
        assertEquals(CheckStatus.VIOLATION, v.status());
        Verdict.Check ack = v.checks().stream().filter(c -> c.name().equals(Checks.ACKNOWLEDGED_WRITES)).findFirst().orElseThrow();
        assertEquals(CheckStatus.OK, ack.status());
        assertTrue(v.checks().stream().anyMatch(c -> c.name().equals("raft-invariants")), v.checks().toString());
        Verdict.Check lin = v.checks().stream().filter(c -> c.name().equals(Checks.LINEARIZABILITY)).findFirst().orElseThrow();
        assertEquals(CheckStatus.VIOLATION, lin.status());
        assertTrue(lin.summary().contains("key \"k\": process 1 read -> \"a\" (ok)"), lin.summary());
        assertEquals(2, lin.pictures().size());
        assertTrue(Files.exists(Path.of(lin.pictures().get(0))));
    }

    @Test
    void aTraceWithoutClientRecordsSaysLinearizabilityWasSkippedAndWhy() {
        List<TraceRecord> noClients = staleReadTrace(false).stream()
                .filter(r -> !(r instanceof TraceRecord.Invoke) && !(r instanceof TraceRecord.Complete)).toList();
        Verdict v = Checks.checkFile(writeTrace(dir.resolve("trace.jsonl"), noClients), Checks.Settings.DEFAULT);
        Verdict.Check lin = v.checks().stream().filter(c -> c.name().equals(Checks.LINEARIZABILITY)).findFirst().orElseThrow();
        assertEquals(CheckStatus.UNKNOWN, lin.status());
        assertTrue(lin.summary().startsWith("skipped: the trace has no client records"), lin.summary());
        assertEquals(CheckStatus.UNKNOWN, v.status(), "a check that could not run is not ok");
        assertTrue(v.checks().stream().filter(c -> c != lin).allMatch(c -> c.status() == CheckStatus.OK), v.checks().toString());
    }

    @Test
    void aTraceOfAnUnknownProtocolSaysItsInvariantsWereSkipped() {
        List<TraceRecord> trace = new ArrayList<>(staleReadTrace(false).subList(1, staleReadTrace(false).size()));
        trace.add(0, new TraceRecord.Meta(0, "zab", 3, 1, "sim", "test"));
        Verdict v = Checks.checkFile(writeTrace(dir.resolve("zab.jsonl"), trace), Checks.Settings.DEFAULT);
        Verdict.Check skipped = v.checks().stream().filter(c -> c.name().equals("protocol-invariants")).findFirst().orElseThrow();
        assertEquals(CheckStatus.UNKNOWN, skipped.status());
        assertTrue(skipped.summary().contains("no protocol named 'zab' is known"), skipped.summary());
        assertEquals(Checks.ACKNOWLEDGED_WRITES, v.checks().get(0).name(), "the common check still runs, first");
        assertEquals(CheckStatus.OK, v.checks().get(0).status());
    }

    @Test
    void aLostAcknowledgedWriteIsAViolation() {
        Path trace = writeTrace(dir.resolve("trace.jsonl"), staleReadTrace(true));
        Verdict v = Checks.checkFile(trace, Checks.Settings.DEFAULT);
        Verdict.Check ack = v.checks().get(0);
        assertEquals(Checks.ACKNOWLEDGED_WRITES, ack.name());
        assertEquals(CheckStatus.VIOLATION, ack.status());
        assertTrue(ack.details().get(0).contains("no node applied that index"), ack.details().toString());
    }

    @Test
    void checkRunWritesTheVerdictAndThePicturesIntoTheRunDirectory() throws IOException {
        writeTrace(dir.resolve("trace.jsonl.gz"), staleReadTrace(false));
        writeHistory(dir.resolve("history.jsonl"), Hist.onKey("k").write(0, "a").write(0, "b").read(1, "a").events());
        Verdict v = Checks.checkRun(dir);
        assertEquals(CheckStatus.VIOLATION, v.status());
        // linearizability once, from the trace's client records
        assertEquals(1, v.checks().stream().filter(c -> c.name().equals(Checks.LINEARIZABILITY)).count());
        JsonNode json = new ObjectMapper().readTree(dir.resolve("verdict.json").toFile());
        assertEquals("VIOLATION", json.get("status").asText());
        List<String> names = new ArrayList<>();
        json.get("checks").forEach(c -> names.add(c.get("name").asText() + "=" + c.get("status").asText()));
        assertEquals(List.of("acknowledged-writes=ok", "raft-invariants=ok", "linearizability=VIOLATION"), names);
        assertTrue(Files.exists(dir.resolve("trace-nonlinearizable-k.svg")));
        assertEquals(dir.getFileName().toString(), json.get("file").asText());
        assertEquals("trace-nonlinearizable-k.svg", json.get("checks").get(2).get("pictures").get(0).asText(),
                "pictures are named relative to the run directory, which the runner moves");
        String html = Files.readString(dir.resolve("trace-nonlinearizable-k.html"));
        assertTrue(html.contains("<svg") && html.contains("cannot be linearized"), html);
    }

    @Test
    void aHealthyRunIsOk() throws IOException {
        writeHistory(dir.resolve("history.jsonl"), HistoryGenerator.linearizable(3, 500, 4, 8, 0.05).events());
        Verdict v = Checks.checkRun(dir);
        assertEquals(CheckStatus.OK, v.status());
        assertTrue(Files.exists(dir.resolve("verdict.json")));
        try (var files = Files.list(dir)) {
            assertEquals(2, files.count(), "nothing but the history and the verdict");
        }
    }

    @Test
    void aRunDirectoryWithNothingToCheckIsBadInput() {
        BadInputException e = assertThrows(BadInputException.class, () -> Checks.checkRun(dir));
        assertTrue(e.getMessage().endsWith("holds no trace or history to check"), e.getMessage());
    }

    @Test
    void aCorruptTraceNamesTheFileAndLine() throws IOException {
        Path trace = writeTrace(dir.resolve("trace.jsonl"), staleReadTrace(false));
        Files.writeString(trace, Files.readString(trace) + "{\"v\":1,\"kind\":\"invoke\",\"t\":\"soon\"}\n");
        BadInputException e = assertThrows(BadInputException.class, () -> Checks.checkFile(trace, Checks.Settings.DEFAULT));
        assertEquals(11, e.line(), e.getMessage());
        assertTrue(e.getMessage().startsWith(trace + ":11: bad \"invoke\" record"), e.getMessage());
    }

    @Test
    void theSvgDrawsALanePerProcessAndHighlightsTheWindow() {
        var result = Hist.register().write(0, 1L).write(0, 2L).invokeRead(2).read(1, 1L).okRead(2, 2L).check();
        Counterexample c = result.counterexamples().get(0);
        String svg = CounterexamplePicture.svg(c);
        assertTrue(svg.startsWith("<svg"));
        for (long p : new long[] {0, 1, 2}) assertTrue(svg.contains(">process " + p + "<"), svg);
        assertTrue(svg.contains("#e63946"), "the failing operation is drawn in red");
        assertTrue(svg.contains("#f4a261"), "the rest of the window is highlighted");
        assertTrue(svg.contains("<title>process 1 read -&gt; 1 (ok)"), svg);
    }
}
