package quorumlab.workload;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import quorumlab.protocols.Operation;

/**
 * The client history in the convention of Jepsen, Knossos and Porcupine (docs/history-format.md):
 * one JSON object per line, {@code {"process","type","f","key","value","time"}}, streamed to disk.
 */
final class HistoryWriter implements Closeable {
    private final Writer out;
    private final JsonGenerator json;
    private long lines;

    HistoryWriter(Path file) {
        this(open(file));
    }

    /** Writes to {@code out}; {@code Writer.nullWriter()} keeps no history (a run whose trace is enough). */
    HistoryWriter(Writer out) {
        try {
            this.out = out;
            this.json = new JsonFactory().createGenerator(out);
            json.setRootValueSeparator(new SerializedString("\n"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Writer open(Path file) {
        try {
            return new BufferedWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8), 1 << 16);
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
            json.writeNumberField("process", process);
            json.writeStringField("type", type);
            json.writeStringField("f", op instanceof Operation.Get ? "read" : op instanceof Operation.Put ? "write" : "cas");
            json.writeStringField("key", op.key());
            json.writeFieldName("value");
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
            json.writeNumberField("time", time);
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
