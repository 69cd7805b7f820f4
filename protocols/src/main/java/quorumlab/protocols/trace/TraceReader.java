package quorumlab.protocols.trace;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;

/**
 * Reads a trace written by {@link TraceWriter}, one record at a time (gzip is detected from the
 * file's first bytes, whatever its name). The first record must be {@code meta}; every line must
 * carry {@code "v":1}; blank lines are skipped. A corrupt line is an {@link IllegalArgumentException}
 * whose one-line message names the file and line number; an I/O failure is an
 * {@link UncheckedIOException} naming the file.
 */
public final class TraceReader implements Iterator<TraceRecord>, Closeable {
    private final String name;
    private final BufferedReader in;
    private final ObjectMapper mapper = TraceJson.mapper();
    private TraceRecord next;
    private long lineNumber;
    private long records;
    private boolean done;

    private TraceReader(String name, BufferedReader in) {
        this.name = name;
        this.in = in;
    }

    public static TraceReader open(Path path) {
        try {
            InputStream raw = new BufferedInputStream(Files.newInputStream(path), 1 << 16);
            raw.mark(2);
            int b1 = raw.read();
            int b2 = raw.read();
            raw.reset();
            InputStream data = b1 == 0x1f && b2 == 0x8b ? new GZIPInputStream(raw, 1 << 16) : raw;
            return new TraceReader(path.toString(), new BufferedReader(new InputStreamReader(data, StandardCharsets.UTF_8), 1 << 16));
        } catch (NoSuchFileException e) {
            throw new UncheckedIOException("trace " + path + " does not exist", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read trace " + path + ": " + e.getMessage(), e);
        }
    }

    /** Reads from {@code in} (not compressed); {@code name} is used in error messages. */
    public static TraceReader from(InputStream in, String name) {
        return new TraceReader(name, new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)));
    }

    /** Every record of the trace at {@code path}. */
    public static List<TraceRecord> readAll(Path path) {
        List<TraceRecord> all = new ArrayList<>();
        forEach(path, all::add);
        return all;
    }

    /** Streams every record of the trace at {@code path} to {@code action}. */
    public static void forEach(Path path, Consumer<TraceRecord> action) {
        try (TraceReader reader = open(path)) {
            reader.forEachRemaining(action);
        }
    }

    @Override
    public boolean hasNext() {
        if (next == null && !done) next = readNext();
        return next != null;
    }

    @Override
    public TraceRecord next() {
        if (!hasNext()) throw new NoSuchElementException("trace " + name + " has no more records");
        TraceRecord r = next;
        next = null;
        return r;
    }

    /** The line number of the record returned last. */
    public long lineNumber() {
        return lineNumber;
    }

    private TraceRecord readNext() {
        while (true) {
            String line;
            try {
                line = in.readLine();
            } catch (EOFException e) {
                throw new IllegalArgumentException("trace " + name + " line " + (lineNumber + 1) + ": the file is truncated (" + e.getMessage() + ")");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read trace " + name + " at line " + (lineNumber + 1) + ": " + e.getMessage(), e);
            }
            if (line == null) {
                done = true;
                return null;
            }
            lineNumber++;
            if (line.isBlank()) continue;
            TraceRecord r = parse(line);
            if (records == 0 && !(r instanceof TraceRecord.Meta)) {
                throw corrupt("the first record must be kind \"meta\", found " + kindOf(r));
            }
            records++;
            return r;
        }
    }

    private TraceRecord parse(String line) {
        JsonNode tree;
        try {
            tree = mapper.readTree(line);
        } catch (JsonProcessingException e) {
            throw corrupt("not JSON: " + e.getOriginalMessage());
        }
        if (!(tree instanceof ObjectNode object)) throw corrupt("not a JSON object");
        JsonNode v = object.get(TraceJson.VERSION_FIELD);
        if (v == null) throw corrupt("no schema version field \"v\"");
        if (!v.isInt() || v.intValue() != TraceRecord.SCHEMA_VERSION) {
            throw corrupt("schema version " + v + " is not supported (this reader reads " + TraceRecord.SCHEMA_VERSION + ")");
        }
        if (!object.hasNonNull("kind")) throw corrupt("no \"kind\" field");
        object.remove(TraceJson.VERSION_FIELD);
        try {
            return mapper.treeToValue(object, TraceRecord.class);
        } catch (JsonProcessingException e) {
            throw corrupt("bad " + object.get("kind") + " record: " + e.getOriginalMessage());
        } catch (IllegalArgumentException e) {
            throw corrupt("bad " + object.get("kind") + " record: " + e.getMessage());
        }
    }

    private IllegalArgumentException corrupt(String reason) {
        return new IllegalArgumentException(("trace " + name + " line " + lineNumber + ": " + reason).replaceAll("\\s*\\R\\s*", " "));
    }

    private static String kindOf(TraceRecord r) {
        return '"' + r.getClass().getSimpleName().replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase() + '"';
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close trace " + name + ": " + e.getMessage(), e);
        }
    }
}
