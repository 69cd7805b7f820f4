package quorumlab.analysis.check;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Writer;
import java.util.List;
import us.bpsm.edn.printer.Printers;

/**
 * Writes client histories as JSON Lines or as Jepsen EDN (one map per line), the two formats
 * {@link HistoryReader} reads; docs/history-format.md describes both.
 */
public final class HistoryWriter {
    private static final ObjectMapper JSON = new ObjectMapper()
            .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);

    private HistoryWriter() {}

    /**
     * Writes {@code events} as JSON Lines: {@code {"process":0,"type":"invoke","f":"write",
     * "key":"k1","value":"v1","time":120}}. {@code key} and {@code time} are left out when absent.
     * The writer is flushed, not closed.
     */
    public static void writeJsonLines(List<HistoryEvent> events, Writer out) throws IOException {
        JsonGenerator json = JSON.getFactory().createGenerator(out);
        for (HistoryEvent e : events) {
            json.writeStartObject();
            json.writeNumberField("process", e.process());
            json.writeStringField("type", e.type().label());
            json.writeStringField("f", e.f().label());
            if (e.key() != null) {
                json.writeFieldName("key");
                JSON.writeValue(json, e.key());
            }
            json.writeFieldName("value");
            JSON.writeValue(json, e.value());
            if (e.time() != HistoryEvent.NO_TIME) json.writeNumberField("time", e.time());
            json.writeEndObject();
            json.writeRaw('\n');
        }
        json.flush();
    }

    /**
     * Writes {@code events} as Jepsen EDN, one map per line:
     * {@code {:type :invoke, :f :write, :key "k1", :value "v1", :process 0, :time 120}}.
     * {@code :key} and {@code :time} are left out when absent, so a single-register history reads
     * as Knossos's cas-register histories do. The writer is flushed, not closed.
     */
    public static void writeEdn(List<HistoryEvent> events, Writer out) throws IOException {
        StringBuilder line = new StringBuilder(128);
        for (HistoryEvent e : events) {
            line.setLength(0);
            line.append("{:type :").append(e.type().label());
            line.append(", :f :").append(e.f().label());
            if (e.key() != null) {
                line.append(", :key ");
                appendEdn(line, e.key());
            }
            line.append(", :value ");
            appendEdn(line, e.value());
            line.append(", :process ").append(e.process());
            if (e.time() != HistoryEvent.NO_TIME) line.append(", :time ").append(e.time());
            line.append("}\n");
            out.write(line.toString());
        }
        out.flush();
    }

    private static void appendEdn(StringBuilder out, Object value) {
        if (value instanceof List<?> list) {
            out.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) out.append(' ');
                appendEdn(out, list.get(i));
            }
            out.append(']');
        } else {
            out.append(Printers.printString(value));
        }
    }
}
