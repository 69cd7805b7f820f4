package quorumlab.protocols.trace;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/**
 * Writes a trace as JSON Lines, one record per line, streaming (nothing is kept in memory). A path
 * ending in {@code .gz} is gzip-compressed. Every line is an object with {@code "kind"} and
 * {@code "v":1} first. Call {@link #close()} to finish the file; an I/O error becomes an
 * {@link UncheckedIOException} naming the file.
 */
public final class TraceWriter implements TraceSink, Closeable {
    private static final ObjectWriter WRITER = TraceJson.mapper()
            .writerFor(TraceRecord.class)
            .withAttribute(TraceJson.VERSION_FIELD, TraceRecord.SCHEMA_VERSION)
            .withRootValueSeparator("\n");

    private final String name;
    private final OutputStream out;
    private final JsonGenerator generator;
    private long lines;
    private boolean closed;

    private TraceWriter(String name, OutputStream out) throws IOException {
        this.name = name;
        this.out = out;
        this.generator = TraceJson.mapper().getFactory().createGenerator(out);
    }

    /** Opens {@code path} for writing (replacing it), gzip-compressed when the name ends in {@code .gz}. */
    public static TraceWriter open(Path path) {
        try {
            Path parent = path.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
            OutputStream raw = new BufferedOutputStream(Files.newOutputStream(path), 1 << 16);
            OutputStream out = path.getFileName().toString().endsWith(".gz") ? new GZIPOutputStream(raw, 1 << 16) : raw;
            return new TraceWriter(path.toString(), out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write trace " + path + ": " + e.getMessage(), e);
        }
    }

    /** Writes to {@code out} (not compressed); {@link #close()} closes it. */
    public static TraceWriter to(OutputStream out, String name) {
        try {
            return new TraceWriter(name, out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write trace " + name + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void record(TraceRecord record) {
        if (closed) throw new IllegalStateException("trace " + name + " is closed");
        try {
            WRITER.writeValue(generator, record);
            lines++;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write trace " + name + ": " + e.getMessage(), e);
        }
    }

    /** Lines written so far. */
    public synchronized long lines() {
        return lines;
    }

    public synchronized void flush() {
        try {
            generator.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write trace " + name + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        try {
            if (lines > 0) generator.writeRaw('\n');
            generator.close();
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write trace " + name + ": " + e.getMessage(), e);
        }
    }
}
