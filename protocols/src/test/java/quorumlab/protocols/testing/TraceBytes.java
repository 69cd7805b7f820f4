package quorumlab.protocols.testing;

import java.io.ByteArrayOutputStream;
import java.util.List;
import quorumlab.protocols.trace.TraceWriter;
import quorumlab.protocols.trace.TraceRecord;

/** Serializes trace records exactly as a trace file holds them, for byte-for-byte comparisons. */
public final class TraceBytes {
    private TraceBytes() {}

    public static byte[] of(List<TraceRecord> records) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TraceWriter writer = TraceWriter.to(out, "memory")) {
            records.forEach(writer::record);
        }
        return out.toByteArray();
    }
}
