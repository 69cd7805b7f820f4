package quorumlab.workload;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import quorumlab.protocols.Operation;

/**
 * The client history in the convention of Jepsen, Knossos and Porcupine (docs/history-format.md):
 * one JSON object per line, {@code {"process","type","f","key","value","time"}}, streamed to disk.
 */
final class HistoryWriter implements Closeable {
    private static final JsonFactory FACTORY = new JsonFactory();
    // Field names and the fixed values, encoded once: every operation writes two lines of them.
    private static final SerializableString PROCESS = new SerializedString("process");
    private static final SerializableString TYPE = new SerializedString("type");
    private static final SerializableString F = new SerializedString("f");
    private static final SerializableString KEY = new SerializedString("key");
    private static final SerializableString VALUE = new SerializedString("value");
    private static final SerializableString TIME = new SerializedString("time");
    private static final SerializableString READ = new SerializedString("read");
    private static final SerializableString WRITE = new SerializedString("write");
    private static final SerializableString CAS = new SerializedString("cas");
    private final OutputStream out;
    private final JsonGenerator json;
    private long lines;

    HistoryWriter(Path file) {
        this(open(file));
    }

    /**
     * Writes UTF-8 to {@code out} (Jackson's byte generator, faster than one over a Writer, with the
     * same bytes); {@code OutputStream.nullOutputStream()} keeps no history (a run whose trace is enough).
     */
    HistoryWriter(OutputStream out) {
        try {
            this.out = out;
            this.json = FACTORY.createGenerator(out, JsonEncoding.UTF8);
            json.setRootValueSeparator(new SerializedString("\n"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static OutputStream open(Path file) {
        try {
            return new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An operation began; its arguments are those of the invocation. */
    void invoke(long process, Operation op, long time) {
        write(process, "invoke", op, argument(op), time);
    }

    /** It completed: {@code type} ok, fail or info; {@code value} is what a read returned. */
    void complete(long process, String type, Operation op, String readValue, long time) {
        Object value = op instanceof Operation.Get ? readValue : argument(op);
        write(process, type, op, value, time);
    }

    private static Object argument(Operation op) {
        if (op instanceof Operation.Put put) return put.value();
        if (op instanceof Operation.Cas cas) return new String[] {cas.expected(), cas.value()};
        return null;
    }

    private void write(long process, String type, Operation op, Object value, long time) {
        try {
            json.writeStartObject();
            json.writeFieldName(PROCESS);
            json.writeNumber(process);
            json.writeFieldName(TYPE);
            json.writeString(type);
            json.writeFieldName(F);
            json.writeString(op instanceof Operation.Get ? READ : op instanceof Operation.Put ? WRITE : CAS);
            json.writeFieldName(KEY);
            json.writeString(op.key());
            json.writeFieldName(VALUE);
            if (value == null) {
                json.writeNull();
            } else if (value instanceof String[] pair) {
                json.writeStartArray();
                json.writeString(pair[0]);
                json.writeString(pair[1]);
                json.writeEndArray();
            } else {
                json.writeString((String) value);
            }
            json.writeFieldName(TIME);
            json.writeNumber(time);
            json.writeEndObject();
            lines++;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            if (lines > 0) json.writeRaw('\n');
            json.close();
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
