package quorumlab.analysis.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16: {@link HistoryReader#check} streams a history file through the checker, event by
 * event, over a file many times the reader's 64 KB buffer: it finds what reading the file whole
 * finds, and names the right line at the end of the file.
 */
class StreamingHistoryReaderTest {
    static final int OPERATIONS = 8_000;

    @TempDir
    Path dir;

    /** Two processes, each write overlapping the other's read of the key's previous value; {@code lastRead} ends it. */
    private Path history(String name, String lastRead) throws IOException {
        Path file = dir.resolve(name);
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            long[] last = new long[10];
            for (int i = 0; i < OPERATIONS / 2; i++) {
                int key = i % 10;
                long value = i + 1;
                long t = 40L * i;
                out.write(line(0, "invoke", "write", key, String.valueOf(value), t));
                out.write(line(1, "invoke", "read", key, "null", t + 1));
                out.write(line(1, "ok", "read", key, last[key] == 0 ? "null" : String.valueOf(last[key]), t + 2));
                out.write(line(0, "ok", "write", key, String.valueOf(value), t + 3));
                last[key] = value;
            }
            out.write(line(2, "invoke", "read", 0, "null", 40L * OPERATIONS));
            out.write(lastRead);
        }
        return file;
    }

    private static String line(int process, String type, String f, int key, String value, long time) {
        return "{\"process\":" + process + ",\"type\":\"" + type + "\",\"f\":\"" + f + "\",\"key\":\"k" + key
                + "\",\"value\":" + value + ",\"time\":" + time + "}\n";
    }

    @Test
    void streamingFindsWhatReadingWholeFinds() throws IOException {
        long lastOnK0 = OPERATIONS / 2 - 9; // the last write on k0
        Path ok = history("ok.jsonl", line(2, "ok", "read", 0, String.valueOf(lastOnK0), 40L * OPERATIONS + 1));
        assertTrue(Files.size(ok) > 10 * 65_536, "the file is " + Files.size(ok) + " bytes");
        LinearizabilityChecker.Result streamed = HistoryReader.check(ok, LinearizabilityChecker.Bound.DEFAULT);
        LinearizabilityChecker.Result whole = LinearizabilityChecker.check(HistoryReader.read(ok));
        assertEquals(CheckStatus.OK, streamed.status(), streamed.summary());
        assertEquals(OPERATIONS + 1, streamed.operations());
        assertEquals(whole.operations(), streamed.operations());
        assertEquals(whole.states(), streamed.states());

        // the same, but the last read returns the first value k0 ever held: a stale read at the very end
        Path stale = history("stale.jsonl", line(2, "ok", "read", 0, "1", 40L * OPERATIONS + 1));
        LinearizabilityChecker.Result bad = HistoryReader.check(stale, LinearizabilityChecker.Bound.DEFAULT);
        assertEquals(CheckStatus.VIOLATION, bad.status());
        Counterexample c = bad.counterexamples().get(0);
        assertEquals("k0", c.key());
        assertEquals(2, c.failing().process());
        assertEquals(1L, c.failing().result());
    }

    @Test
    void aBadLastLineIsNamedByItsNumber() throws IOException {
        Path broken = history("broken.jsonl", "{\"process\":2,\"type\":\"ok\",\"f\":\"read\",\"key\":\"k0\",\"value\":1,\"time\":-5}\n");
        BadInputException e = assertThrows(BadInputException.class,
                () -> HistoryReader.check(broken, LinearizabilityChecker.Bound.DEFAULT));
        assertEquals(2L * OPERATIONS + 2, e.line());
        assertEquals("\"time\" must be a non-negative integer (nanoseconds), got -5", e.reason());
    }
}
