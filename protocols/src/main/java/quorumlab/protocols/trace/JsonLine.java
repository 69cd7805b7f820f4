package quorumlab.protocols.trace;

import com.fasterxml.jackson.core.io.NumberOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growing byte buffer that JSON values are appended to, with the comma bookkeeping of a
 * generator: the few calls {@link TraceWriter} needs, and nothing else. Strings are written as
 * Jackson writes them (UTF-8; {@code "} and {@code \} escaped, control characters as {@code \n},
 * {@code \t}, ... or a six-character unicode escape), so traces keep their exact bytes.
 */
final class JsonLine {
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TRUE = "true".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FALSE = "false".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL = "null".getBytes(StandardCharsets.US_ASCII);

    private byte[] buf;
    private int size;
    /** Whether the next field or element needs a comma before it. */
    private boolean needComma;

    JsonLine() {
        this(1 << 16);
    }

    private JsonLine(int capacity) {
        buf = new byte[capacity];
    }

    /** {@code text} as a JSON string, quotes included, for names and values written often. */
    static byte[] quoted(String text) {
        JsonLine line = new JsonLine(2 + 6 * text.length());
        line.writeString(text);
        return Arrays.copyOf(line.buf, line.size);
    }

    int size() {
        return size;
    }

    /** Writes what was appended to {@code out} and empties the buffer. */
    void drainTo(OutputStream out) throws IOException {
        out.write(buf, 0, size);
        size = 0;
    }

    void writeRaw(char c) {
        ensure(1);
        buf[size++] = (byte) c;
        if (c == '\n') needComma = false;
    }

    void writeStartObject() {
        comma();
        ensure(1);
        buf[size++] = '{';
        needComma = false;
    }

    void writeEndObject() {
        ensure(1);
        buf[size++] = '}';
        needComma = true;
    }

    void writeStartArray() {
        comma();
        ensure(1);
        buf[size++] = '[';
        needComma = false;
    }

    void writeEndArray() {
        ensure(1);
        buf[size++] = ']';
        needComma = true;
    }

    /** A field name given {@link #quoted}. */
    void writeFieldName(byte[] quotedName) {
        comma();
        append(quotedName);
        ensure(1);
        buf[size++] = ':';
        needComma = false;
    }

    /** A string value given {@link #quoted}. */
    void writeString(byte[] quotedValue) {
        comma();
        append(quotedValue);
        needComma = true;
    }

    void writeNull() {
        comma();
        append(NULL);
        needComma = true;
    }

    void writeBoolean(boolean value) {
        comma();
        append(value ? TRUE : FALSE);
        needComma = true;
    }

    void writeNumber(long value) {
        comma();
        ensure(20);
        // Jackson's own digit writer: table-driven, three digits at a time.
        size = NumberOutput.outputLong(value, buf, size);
        needComma = true;
    }

    void writeString(String s) {
        comma();
        int n = s.length();
        // Worst case: every char becomes a six-byte unicode escape, or three UTF-8 bytes.
        ensure(2 + 6 * n);
        buf[size++] = '"';
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
                buf[size++] = (byte) c;
            } else if (c < 0x80) {
                escape(c);
            } else if (c < 0x800) {
                buf[size++] = (byte) (0xc0 | (c >> 6));
                buf[size++] = (byte) (0x80 | (c & 0x3f));
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                buf[size++] = (byte) (0xf0 | (cp >> 18));
                buf[size++] = (byte) (0x80 | ((cp >> 12) & 0x3f));
                buf[size++] = (byte) (0x80 | ((cp >> 6) & 0x3f));
                buf[size++] = (byte) (0x80 | (cp & 0x3f));
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException("string with an unpaired surrogate cannot be written as UTF-8: " + s);
            } else {
                buf[size++] = (byte) (0xe0 | (c >> 12));
                buf[size++] = (byte) (0x80 | ((c >> 6) & 0x3f));
                buf[size++] = (byte) (0x80 | (c & 0x3f));
            }
        }
        buf[size++] = '"';
        needComma = true;
    }

    private void escape(char c) {
        buf[size++] = '\\';
        switch (c) {
            case '"', '\\' -> buf[size++] = (byte) c;
            case '\n' -> buf[size++] = 'n';
            case '\t' -> buf[size++] = 't';
            case '\r' -> buf[size++] = 'r';
            case '\b' -> buf[size++] = 'b';
            case '\f' -> buf[size++] = 'f';
            default -> {
                buf[size++] = 'u';
                buf[size++] = '0';
                buf[size++] = '0';
                buf[size++] = HEX[c >> 4];
                buf[size++] = HEX[c & 0xf];
            }
        }
    }

    private void comma() {
        if (needComma) {
            ensure(1);
            buf[size++] = ',';
        }
    }

    private void append(byte[] bytes) {
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buf, size, bytes.length);
        size += bytes.length;
    }

    private void ensure(int more) {
        if (size + more > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
    }
}
