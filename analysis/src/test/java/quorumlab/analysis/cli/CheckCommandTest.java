package quorumlab.analysis.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import quorumlab.analysis.check.HistoryEvent;
import quorumlab.analysis.check.HistoryEvent.Fn;
import quorumlab.analysis.check.HistoryEvent.Type;
import quorumlab.analysis.check.HistoryWriter;

/** {@code ./quorumlab check}: its lines, its JSON, and its documented exit codes. */
class CheckCommandTest {
    @TempDir
    Path dir;

    private Path ok;
    private Path stale;
    private Path corrupt;
    private Path hard;
    private StringWriter out;
    private StringWriter err;

    private static List<HistoryEvent> events(Object... steps) {
        // steps: process, type, f, value ... in fours
        List<HistoryEvent> events = new ArrayList<>();
        for (int i = 0; i < steps.length; i += 4) {
            events.add(new HistoryEvent(((Number) steps[i]).longValue(), (Type) steps[i + 1], (Fn) steps[i + 2], "x",
                    steps[i + 3], 10L * events.size()));
        }
        return events;
    }

    private Path write(String name, List<HistoryEvent> events) throws IOException {
        Path file = dir.resolve(name);
        try (Writer w = Files.newBufferedWriter(file)) {
            if (name.endsWith(".edn")) HistoryWriter.writeEdn(events, w);
            else HistoryWriter.writeJsonLines(events, w);
        }
        return file;
    }

    @BeforeEach
    void files() throws IOException {
        ok = write("ok.jsonl", events(0, Type.INVOKE, Fn.WRITE, 1L, 0, Type.OK, Fn.WRITE, 1L,
                1, Type.INVOKE, Fn.READ, null, 1, Type.OK, Fn.READ, 1L));
        stale = write("stale.edn", events(0, Type.INVOKE, Fn.WRITE, 1L, 0, Type.OK, Fn.WRITE, 1L,
                0, Type.INVOKE, Fn.WRITE, 2L, 0, Type.OK, Fn.WRITE, 2L,
                1, Type.INVOKE, Fn.READ, null, 1, Type.OK, Fn.READ, 1L));
        corrupt = dir.resolve("corrupt.jsonl");
        Files.writeString(corrupt, "{\"process\":0,\"type\":\"invoke\",\"f\":\"write\",\"value\":1}\n"
                + "{\"process\":0,\"type\":\"ok\",\"f\":\"write\",\"value\":1,\"time\":\"noon\"}\n");
        // many writes in flight while one process reads 1, 2, then 1 again, and the others' values
        // are read too (so none is told apart by being unread): exponential to refute
        List<HistoryEvent> h = new ArrayList<>();
        for (long w = 1; w <= 30; w++) h.add(new HistoryEvent(w, Type.INVOKE, Fn.WRITE, null, w, 0));
        for (long w = 3; w <= 30; w++) h.add(new HistoryEvent(30 + w, Type.INVOKE, Fn.READ, null, null, 0));
        for (long v : new long[] {1, 2, 1}) {
            h.add(new HistoryEvent(0, Type.INVOKE, Fn.READ, null, null, 1));
            h.add(new HistoryEvent(0, Type.OK, Fn.READ, null, v, 2));
        }
        for (long w = 3; w <= 30; w++) h.add(new HistoryEvent(30 + w, Type.OK, Fn.READ, null, w, 3));
        for (long w = 1; w <= 30; w++) h.add(new HistoryEvent(w, Type.OK, Fn.WRITE, null, w, 3));
        Files.createDirectories(dir.resolve("hard"));
        hard = write("hard/pathological.jsonl", h);
        out = new StringWriter();
        err = new StringWriter();
    }

    private int run(String... args) {
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        List<String> all = new ArrayList<>(List.of("check", "--pictures", dir.resolve("pictures").toString()));
        all.addAll(List.of(args));
        return cli.execute(all.toArray(String[]::new));
    }

    @Test
    void allOkExitsZeroWithOneLinePerCheck() {
        assertEquals(0, run(ok.toString()));
        String[] lines = out.toString().split("\n");
        assertEquals(1, lines.length, out.toString());
        assertTrue(lines[0].startsWith("ok        linearizability  "), lines[0]);
        assertTrue(lines[0].contains(ok.toString()));
        assertEquals("", err.toString());
    }

    @Test
    void aViolationExitsOneAndDrawsThePicture() {
        assertEquals(1, run(ok.toString(), stale.toString()));
        String[] lines = out.toString().split("\n");
        assertEquals(2, lines.length, out.toString());
        assertTrue(lines[0].startsWith("ok "), "results come in the order the files were named: " + lines[0]);
        assertTrue(lines[1].startsWith("VIOLATION linearizability  "), lines[1]);
        assertTrue(lines[1].contains("key \"x\": process 1 read -> 1 (ok) cannot be linearized"), lines[1]);
        assertTrue(Files.exists(dir.resolve("pictures/stale-nonlinearizable-x.svg")));
        assertTrue(Files.exists(dir.resolve("pictures/stale-nonlinearizable-x.html")));
    }

    @Test
    void badInputExitsTwoWithOneLineNamingFileLineAndReason() {
        assertEquals(2, run(ok.toString(), corrupt.toString()));
        String[] errors = err.toString().split("\n");
        assertEquals(1, errors.length, err.toString());
        assertEquals("quorumlab: " + corrupt + ":2: \"time\" must be a non-negative integer (nanoseconds), got \"noon\"",
                errors[0]);
        assertFalse(err.toString().contains("Exception") || err.toString().contains("\tat "), err.toString());
        assertTrue(out.toString().startsWith("ok "), "the good file is still checked");
    }

    @Test
    void aMissingFileIsBadInput() {
        assertEquals(2, run(dir.resolve("nope.jsonl").toString()));
        assertTrue(err.toString().contains("nope.jsonl: does not exist"), err.toString());
    }

    @Test
    void aViolationOutranksBadInputAndUnknown() {
        assertEquals(1, run("--max-states", "1000", corrupt.toString(), hard.toString(), stale.toString()));
    }

    @Test
    void aSearchThatReachesItsBoundExitsThree() {
        assertEquals(3, run("--max-states", "5000", hard.toString()));
        assertTrue(out.toString().startsWith("unknown   linearizability  "), out.toString());
        assertEquals(2, run("--max-states", "5000", hard.toString(), corrupt.toString()), "bad input outranks unknown");
    }

    @Test
    void aDirectoryIsSearchedAndJsonHasOneObjectPerFile() throws IOException {
        assertEquals(1, run("--json", "--max-states", "5000", ok.toString(), stale.toString(), dir.resolve("hard").toString()));
        String[] lines = out.toString().split("\n");
        assertEquals(3, lines.length, out.toString());
        ObjectMapper json = new ObjectMapper();
        List<String> statuses = new ArrayList<>();
        for (String line : lines) {
            JsonNode verdict = json.readTree(line);
            statuses.add(verdict.get("status").asText());
            assertEquals("linearizability", verdict.get("checks").get(0).get("name").asText());
        }
        assertEquals(List.of("ok", "VIOLATION", "unknown"), statuses);
        JsonNode violation = json.readTree(lines[1]);
        assertEquals(2, violation.get("checks").get(0).get("pictures").size());
        assertTrue(violation.get("checks").get(0).get("details").size() >= 2);
    }

    @Test
    void deeplyNestedEdnIsOneLineOfBadInputNotAStackOverflow() throws IOException {
        Path deep = dir.resolve("deep.edn");
        Files.writeString(deep, "[".repeat(100_000));
        assertEquals(2, run(deep.toString()));
        String[] errors = err.toString().split("\n");
        assertEquals(1, errors.length, err.toString());
        assertEquals("quorumlab: " + deep + ":1: not EDN a history can hold: brackets nested more than 200 deep", errors[0]);
        // brackets inside strings, comments and character literals are not nesting
        Path quoted = dir.resolve("quoted.edn");
        Files.writeString(quoted, "; [[[[\n{:process 0, :type :invoke, :f :write, :value \"" + "[".repeat(500) + "\"}\n"
                + "{:process 0, :type :ok, :f :write, :value \"" + "[".repeat(500) + "\", :note \\[}\n");
        err.getBuffer().setLength(0);
        assertEquals(0, run(quoted.toString()), err.toString());
    }

    @Test
    void aCheckThatCouldNotRunIsUnknownAndSaysWhy() throws IOException {
        Path trace = dir.resolve("solo.jsonl");
        try (quorumlab.protocols.trace.TraceWriter w = quorumlab.protocols.trace.TraceWriter.open(trace)) {
            w.record(new quorumlab.protocols.trace.TraceRecord.Meta(0, "zab", 3, 1, "sim", "test"));
        }
        assertEquals(3, run(trace.toString()));
        String text = out.toString();
        assertTrue(text.contains("linearizability") && text.contains("skipped: the trace has no client records"), text);
        assertTrue(text.contains("protocol-invariants") && text.contains("skipped: no protocol named 'zab'"), text);
        assertEquals("", err.toString());
    }
}
