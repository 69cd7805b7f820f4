package quorumlab.protocols.trace;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The hand-written JSON encoder writes strings and numbers exactly as Jackson does. */
class JsonLineTest {
    private static final ObjectMapper JACKSON = new ObjectMapper();

    @Test
    void stringsAreEscapedAndEncodedAsJacksonDoes() throws IOException {
        SplittableRandom random = new SplittableRandom(16);
        for (int n = 0; n < 3000; n++) {
            StringBuilder s = new StringBuilder();
            int length = random.nextInt(12);
            for (int i = 0; i < length; i++) {
                switch (random.nextInt(6)) {
                    case 0 -> s.append((char) random.nextInt(0x20)); // control characters
                    case 1 -> s.append("\"\\/\u007f".charAt(random.nextInt(4)));
                    case 2 -> s.append((char) random.nextInt(0x80, 0x800)); // two UTF-8 bytes
                    case 3 -> s.append((char) random.nextInt(0x800, 0xd800)); // three
                    case 4 -> s.appendCodePoint(random.nextInt(0x10000, 0x110000)); // a surrogate pair, four
                    default -> s.append((char) random.nextInt(0x20, 0x7f));
                }
            }
            assertEquals(JACKSON.writeValueAsString(s.toString()), written(line -> line.writeString(s.toString())), "string " + n);
        }
    }

    @Test
    void numbersAreWrittenAsJacksonDoes() throws IOException {
        long[] edges = {0, 1, -1, 9, 10, 99, 100, 999_999_999, 1_000_000_000, Integer.MAX_VALUE, Integer.MIN_VALUE,
            Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE / 10, -1_000_000_000_000L};
        for (long v : edges) assertEquals(JACKSON.writeValueAsString(v), written(line -> line.writeNumber(v)));
        SplittableRandom random = new SplittableRandom(17);
        for (int n = 0; n < 3000; n++) {
            long v = random.nextLong() >> random.nextInt(64);
            assertEquals(Long.toString(v), written(line -> line.writeNumber(v)));
        }
    }

    @Test
    void commasSeparateFieldsAndElementsButNotLines() throws IOException {
        String text = written(line -> {
            for (int r = 0; r < 2; r++) {
                line.writeStartObject();
                line.writeFieldName(JsonLine.quoted("a"));
                line.writeNumber(r);
                line.writeFieldName(JsonLine.quoted("b"));
                line.writeStartArray();
                line.writeString("x");
                line.writeNull();
                line.writeBoolean(true);
                line.writeEndArray();
                line.writeFieldName(JsonLine.quoted("c"));
                line.writeStartObject();
                line.writeEndObject();
                line.writeEndObject();
                line.writeRaw('\n');
            }
        });
        assertEquals("{\"a\":0,\"b\":[\"x\",null,true],\"c\":{}}\n{\"a\":1,\"b\":[\"x\",null,true],\"c\":{}}\n", text);
    }

    @Test
    void anUnpairedSurrogateIsRefusedNotWrittenAsBrokenUtf8() {
        assertThrows(IllegalArgumentException.class, () -> written(line -> line.writeString("a\ud800b")));
    }

    private interface Writes {
        void to(JsonLine line);
    }

    private static String written(Writes writes) throws IOException {
        JsonLine line = new JsonLine();
        writes.to(line);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        line.drainTo(out);
        return out.toString(StandardCharsets.UTF_8);
    }
}
