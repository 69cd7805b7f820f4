package quorumlab.analysis.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import quorumlab.analysis.check.HistoryEvent.Fn;
import quorumlab.analysis.check.HistoryEvent.Type;
import quorumlab.analysis.check.HistoryReader.Format;

class HistoryFormatTest {
    @TempDir
    Path dir;

    private static History read(String text, Format format) throws IOException {
        return HistoryReader.read(new StringReader(text), "h", format);
    }

    @Test
    void readsJsonLines() throws IOException {
        History h = read("""
                {"process":0,"type":"invoke","f":"write","key":"k1","value":"v1","time":100}
                {"process":1,"type":"invoke","f":"cas","key":"k1","value":["v1","v2"],"time":110}

                {"process":0,"type":"ok","f":"write","key":"k1","value":"v1","time":120}
                {"process":1,"type":"fail","f":"cas","key":"k1","value":["v1","v2"],"time":130}
                {"process":0,"type":"invoke","f":"read","key":"k1","value":null,"time":140}
                {"process":0,"type":"ok","f":"read","key":"k1","value":"v1","time":150}
                """, Format.JSON_LINES);
        assertEquals(6, h.events().size());
        assertEquals(3, h.operations().size());
        ClientOp cas = h.operations().get(1);
        assertEquals(Fn.CAS, cas.f());
        assertEquals(Type.FAIL, cas.outcome());
        assertEquals(List.of("v1", "v2"), cas.argument());
        ClientOp read = h.operations().get(2);
        assertEquals("v1", read.result());
        assertEquals(140, read.invokeTime());
        assertEquals(CheckStatus.OK, LinearizabilityChecker.check(h).status());
    }

    @Test
    void readsJepsenEdnWithoutKeysAsOneRegister() throws IOException {
        History h = read("""
                ; a Knossos-style cas-register history
                {:type :invoke, :f :write, :value 3, :process 0, :time 123}
                {:type :invoke, :f :read, :value nil, :process 1, :time 130}
                {:type :info, :f :start-partition, :value nil, :process :nemesis, :time 131}
                {:type :ok, :f :write, :value 3, :process 0, :time 140}
                {:type :ok, :f :read, :value 3, :process 1, :time 150}
                #jepsen.history.Op{:index 5, :type :invoke, :f :cas, :value [3 4], :process 2, :time 160}
                {:type :ok, :f :cas, :value [3 4], :process 2, :time 170}
                {:type :invoke, :f :read, :process 0, :time 180}
                {:type :ok, :f :read, :value 3, :process 0, :time 190}
                """, Format.EDN);
        assertEquals(8, h.events().size(), "the nemesis event is not a client operation");
        assertTrue(h.events().stream().allMatch(e -> e.key() == null));
        assertEquals(List.of(3L, 4L), h.operations().get(2).argument());
        // the last read sees 3 after the cas to 4 completed: a stale read
        LinearizabilityChecker.Result result = LinearizabilityChecker.check(h);
        assertEquals(CheckStatus.VIOLATION, result.status());
        assertEquals(Histories.NO_KEY, result.counterexamples().get(0).key());
    }

    @Test
    void readsAWholeHistoryWrittenAsOneVector() throws IOException {
        History h = read("[{:type :invoke :f :write :value 1 :process 0}\n {:type :ok :f :write :value 1 :process 0}]",
                Format.EDN);
        assertEquals(1, h.operations().size());
        assertEquals(HistoryEvent.NO_TIME, h.events().get(0).time());
    }

    @Test
    void readsMaelstromKeyValueTuples() throws IOException {
        History h = read("""
                {:type :invoke, :f :write, :value [0 3], :process 0, :time 1}
                {:type :ok, :f :write, :value [0 3], :process 0, :time 2}
                {:type :invoke, :f :cas, :value [1 [nil 4]], :process 1, :time 3}
                {:type :fail, :f :cas, :value [1 [nil 4]], :process 1, :time 4}
                {:type :invoke, :f :read, :value [0 nil], :process 0, :time 5}
                {:type :ok, :f :read, :value [0 3], :process 0, :time 6}
                """, Format.EDN);
        assertEquals(0L, h.operations().get(0).key());
        assertEquals(3L, h.operations().get(0).argument());
        assertEquals(1L, h.operations().get(1).key());
        assertEquals(3L, h.operations().get(2).result());
        assertEquals(CheckStatus.OK, LinearizabilityChecker.check(h).status());
    }

    @Test
    void anOperationThatNeverCompletesIsPending() throws IOException {
        History h = read("{\"process\":0,\"type\":\"invoke\",\"f\":\"write\",\"value\":1}\n", Format.JSON_LINES);
        ClientOp op = h.operations().get(0);
        assertEquals(Type.INFO, op.outcome());
        assertTrue(!op.completed());
        assertNull(op.key());
    }

    @Test
    void ednRoundTripKeepsEveryEvent() throws IOException {
        History original = HistoryGenerator.linearizable(7, 400, 3, 6, 0.1);
        StringWriter edn = new StringWriter();
        HistoryWriter.writeEdn(original.events(), edn);
        assertTrue(edn.toString().startsWith("{:type :invoke, :f :"), edn.toString().substring(0, 40));
        History back = read(edn.toString(), Format.EDN);
        assertEquals(original.events(), back.events());
        assertEquals(original.operations(), back.operations());
    }

    @Test
    void ednRoundTripOfASingleRegisterWithStringsAndNils() throws IOException {
        List<HistoryEvent> events = Hist.register().write(0, "a \"quoted\" value").invokeCas(1, null, "b")
                .okCas(1, null, "b").read(2, null).events();
        StringWriter edn = new StringWriter();
        HistoryWriter.writeEdn(events, edn);
        assertTrue(!edn.toString().contains(":key"), "a register history has no :key");
        assertEquals(events, read(edn.toString(), Format.EDN).events());
    }

    @Test
    void jsonLinesRoundTrip() throws IOException {
        History original = HistoryGenerator.linearizable(8, 300, 2, 5, 0.2);
        StringWriter jsonl = new StringWriter();
        HistoryWriter.writeJsonLines(original.events(), jsonl);
        assertEquals(original.events(), read(jsonl.toString(), Format.JSON_LINES).events());
    }

    @Test
    void readsFilesByNameOrContentGzippedOrNot() throws IOException {
        History original = HistoryGenerator.linearizable(9, 50, 2, 3, 0.0);
        Path edn = dir.resolve("history.edn.gz");
        try (Writer w = new OutputStreamWriter(new GZIPOutputStream(Files.newOutputStream(edn)), StandardCharsets.UTF_8)) {
            HistoryWriter.writeEdn(original.events(), w);
        }
        assertEquals(original.events(), HistoryReader.read(edn).events());
        Path noExtension = dir.resolve("ops");
        try (Writer w = Files.newBufferedWriter(noExtension)) {
            HistoryWriter.writeJsonLines(original.events(), w);
        }
        assertEquals(Format.JSON_LINES, HistoryReader.formatOf(noExtension));
        assertEquals(original.events(), HistoryReader.read(noExtension).events());
    }

    private static BadInputException bad(String text, Format format) {
        return assertThrows(BadInputException.class, () -> read(text, format));
    }

    @Test
    void corruptInputNamesTheFileTheLineAndTheReason() {
        String ok = "{\"process\":0,\"type\":\"invoke\",\"f\":\"write\",\"key\":\"a\",\"value\":1}\n";
        BadInputException e = bad(ok + "{\"process\":0,\"type\":\"ok\",\"f\":\"write\",\"value\":1\n", Format.JSON_LINES);
        assertEquals(2, e.line());
        assertTrue(e.getMessage().startsWith("h:2: not JSON"), e.getMessage());

        e = bad(ok + "{\"process\":0,\"type\":\"done\",\"f\":\"write\"}\n", Format.JSON_LINES);
        assertEquals("h:2: \"type\" must be one of invoke, ok, fail, info, got \"done\"", e.getMessage());

        e = bad("{\"process\":0,\"type\":\"invoke\",\"f\":\"append\"}\n", Format.JSON_LINES);
        assertEquals("h:1: \"value\" of an append invocation must be a string, got nil", e.getMessage());

        e = bad("{\"type\":\"invoke\",\"f\":\"read\"}\n", Format.JSON_LINES);
        assertEquals("h:1: \"process\" is missing", e.getMessage());

        e = bad("{\"process\":0,\"type\":\"invoke\",\"f\":\"cas\",\"value\":5}\n", Format.JSON_LINES);
        assertTrue(e.getMessage().startsWith("h:1: \"value\" of a cas invocation must be [from, to]"), e.getMessage());

        e = bad("{\"process\":0,\"type\":\"invoke\",\"f\":\"read\",\"time\":-4}\n", Format.JSON_LINES);
        assertTrue(e.getMessage().startsWith("h:1: \"time\" must be a non-negative integer"), e.getMessage());

        e = bad("[1, 2]\n", Format.JSON_LINES);
        assertTrue(e.getMessage().startsWith("h:1: expected a JSON object"), e.getMessage());
    }

    @Test
    void histories_thatDoNotPairAreBadInput() {
        String w0 = "{\"process\":0,\"type\":\"invoke\",\"f\":\"write\",\"value\":1}\n";
        BadInputException e = bad("\n" + w0 + w0, Format.JSON_LINES);
        assertEquals(3, e.line());
        assertTrue(e.reason().contains("invoked at line 2 has not completed"), e.reason());

        e = bad("{\"process\":4,\"type\":\"ok\",\"f\":\"read\",\"value\":1}\n", Format.JSON_LINES);
        assertEquals("h:1: process 4 completes (ok read) an operation it never invoked", e.getMessage());

        e = bad(w0 + "{\"process\":0,\"type\":\"ok\",\"f\":\"read\",\"value\":1}\n", Format.JSON_LINES);
        assertEquals("h:2: process 0 invoked write at line 1 but completes read", e.getMessage());
    }

    @Test
    void corruptEdnNamesTheLine() {
        BadInputException e = bad("{:type :invoke, :f :write, :value 1, :process 0}\n\n{:type :ok, :f :write :value}\n",
                Format.EDN);
        assertEquals(3, e.line());
        assertTrue(e.reason().startsWith("not EDN"), e.reason());

        e = bad("{:type :invoke, :f :write, :value 1, :process 0}\n42\n", Format.EDN);
        assertEquals("h:2: expected a map such as {:type :invoke, :f :read, ...}, got 42", e.getMessage());

        e = bad("\n{:type :invoke, :f :txn, :value [[:r 1 nil]], :process 0}\n", Format.EDN);
        assertEquals("h:2: \"f\" must be one of read, write, cas, append (or get, put), got \"txn\"", e.getMessage());
    }
}
