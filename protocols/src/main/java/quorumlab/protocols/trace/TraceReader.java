package quorumlab.protocols.trace;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.luben.zstd.ZstdIOException;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.zip.ZipException;
import quorumlab.protocols.ClientReply;
import quorumlab.protocols.ClientRequest;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.Operation;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.Result;
import quorumlab.protocols.Role;

/**
 * Reads a trace written by {@link TraceWriter}, one record at a time, in constant memory. The
 * compression (zstd, gzip, or none) is detected from the file's first bytes, whatever its name. The
 * first record must be {@code meta}; every record must carry {@code "v":1}, its {@code t} and every
 * numeric field its kind defines (docs/trace-format.md); fields it does not know are skipped; blank
 * lines are skipped.
 *
 * <p>Reading is on the path of every check and every report, so it goes three ways, fastest first.
 * A line in exactly the layout our writer gives the frequent records is matched part by part
 * ({@link WriterLayout}). Any other line on its own (a rare record kind, another tool's field order)
 * is parsed with Jackson's streaming parser, field by field, with no tree per record; a record whose
 * {@code kind} (or a nested object whose {@code type}) is not its first field is read through a tree
 * instead. When a line cannot be read on its own (a record over several lines, a damaged line, one
 * that is not UTF-8 JSON), the rest of the file from that line on is read by one Jackson parser, as
 * a stream: so a damaged trace fails with that parser's error, on the same line, whatever the first
 * two ways would have made of it.
 *
 * <p>A corrupt trace (not JSON, a missing or malformed field, a truncated or damaged compressed
 * stream) is an {@link IllegalArgumentException} whose one-line message reads {@code trace FILE line
 * N: reason}, the reason naming the field; an I/O failure is an {@link UncheckedIOException} naming
 * the file.
 */
public final class TraceReader implements Iterator<TraceRecord>, Closeable {
    private static final JsonFactory FACTORY = new JsonFactory();
    private static final ObjectMapper TREES = new ObjectMapper();
    private static final NodeId[] NODES = new NodeId[64];

    static {
        for (int i = 1; i < NODES.length; i++) NODES[i] = NodeId.of(i);
    }

    private final String name;
    private final InputStream in;
    /** The bytes read and not yet taken, {@code buffer[position, limit)}; a line is taken whole. */
    private byte[] buffer = new byte[1 << 16];
    private int position;
    private int limit;
    private boolean endOfInput;
    /** Lines taken whole (by the first two ways). */
    private long linesTaken;
    private final WriterLayout layout = new WriterLayout();
    /** The rest of the file as one stream, once a line could not be read on its own; null until then. */
    private JsonParser parser;
    /** The lines before the one {@link #parser} starts on: its line 1 is line {@code streamBase + 1}. */
    private long streamBase;
    private TraceRecord next;
    /** The line the record read last starts on. */
    private long lineNumber;
    /** The line the record read last ends on: the next one must start on a later line. */
    private long endLine;
    private long records;
    private boolean done;

    // The record being read: its kind, and the fields every record has.
    private String kind;
    private long t;
    private boolean hasT;
    private boolean hasVersion;

    private TraceReader(String name, InputStream in) {
        this.name = name;
        this.in = in;
        try {
            // The first read, as Jackson's parser did when it was made here, so a damaged stream fails at once.
            fill();
        } catch (ZipException | ZstdIOException | EOFException e) {
            closeQuietly(in);
            throw damaged(name, e);
        } catch (IOException e) {
            closeQuietly(in);
            throw new UncheckedIOException("cannot read trace " + name + ": " + e.getMessage(), e);
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // already failing: the first error is the one to report
        }
    }

    public static TraceReader open(Path path) {
        try {
            return new TraceReader(path.toString(), new ReadAhead(TraceCompression.open(path), path.getFileName().toString()));
        } catch (NoSuchFileException e) {
            throw new UncheckedIOException("trace " + path + " does not exist", e);
        } catch (ZipException | ZstdIOException | EOFException e) {
            throw damaged(path.toString(), e);
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("lz4")) throw new IllegalArgumentException("trace " + path + " line 1: " + e.getMessage());
            throw new UncheckedIOException("cannot read trace " + path + ": " + e.getMessage(), e);
        }
    }

    private static IllegalArgumentException damaged(String name, IOException e) {
        return new IllegalArgumentException(("trace " + name + " line 1: the file is truncated or its compressed stream damaged (" + e.getMessage() + ")").replaceAll("\\s*\\R\\s*", " "));
    }

    /** Reads from {@code in} (compressed or not, by its first bytes); {@code name} is used in error messages. */
    public static TraceReader from(InputStream in, String name) {
        try {
            return new TraceReader(name, TraceCompression.decompress(in));
        } catch (IOException e) {
            throw new IllegalArgumentException(("trace " + name + " line 1: " + e.getMessage()).replaceAll("\\s*\\R\\s*", " "));
        }
    }

    /** Every record of the trace at {@code path}. */
    public static List<TraceRecord> readAll(Path path) {
        List<TraceRecord> all = new ArrayList<>();
        forEach(path, all::add);
        return all;
    }

    /**
     * Streams every record of the trace at {@code path} to {@code action}, on the calling thread;
     * the records are parsed on a thread of their own, a few batches ahead ({@link ParseAhead}).
     */
    public static void forEach(Path path, Consumer<TraceRecord> action) {
        forEach(path, action, null);
    }

    /**
     * As {@link #forEach(Path, Consumer)}, and each record also goes to {@code beside} (unless
     * null) on the parsing thread, in file order: for a second consumer independent of the first
     * (the metrics beside the checkers), so that the two run on two cores. {@code beside} must not
     * share mutable state with {@code action}; when this returns, its work is visible to the caller.
     */
    public static void forEach(Path path, Consumer<TraceRecord> action, Consumer<TraceRecord> beside) {
        ParseAhead.forEach(open(path), path.getFileName().toString(), action, beside);
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
        if (parser != null) return readFromStream();
        try {
            while (true) {
                int end = lineEnd();
                if (end == -1) {
                    done = true;
                    return null;
                }
                if (end == position) { // a blank line
                    takeLine(end);
                    continue;
                }
                // Only a line that opens and closes an object can hold a record on its own.
                if (end < 0 || buffer[position] != '{' || buffer[end - 1] != '}') return readFromStream();
                lineNumber = linesTaken + 1;
                TraceRecord r = records == 0 ? null : layout.read(buffer, position, end);
                if (r == null) r = lineOnItsOwn(end);
                if (r == null) return readFromStream();
                takeLine(end);
                endLine = lineNumber;
                return counted(r);
            }
        } catch (ZipException | ZstdIOException | EOFException e) {
            lineNumber = linesTaken + 1;
            throw corrupt("the file is truncated or its compressed stream damaged (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read trace " + name + " at line " + (linesTaken + 1) + ": " + e.getMessage(), e);
        }
    }

    /** The first record must be meta. */
    private TraceRecord counted(TraceRecord r) {
        if (records == 0 && !(r instanceof TraceRecord.Meta)) {
            throw corrupt("the first record must be kind \"meta\", found \"" + kind + '"');
        }
        records++;
        return r;
    }

    /**
     * The record on the line {@code buffer[position, end)} parsed on its own with Jackson; null when
     * it is not exactly one record that reads without an error (the stream then reads it, and says
     * what is wrong in its own words).
     */
    private TraceRecord lineOnItsOwn(int end) {
        try (JsonParser line = FACTORY.createParser(buffer, position, end - position)) {
            if (line.nextToken() != JsonToken.START_OBJECT) return null;
            TraceRecord r = record(line);
            return line.nextToken() == null ? r : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Reads the rest of the file, from the line not yet taken, with one Jackson parser. */
    private TraceRecord readFromStream() {
        try {
            if (parser == null) {
                streamBase = linesTaken;
                InputStream rest = new java.io.SequenceInputStream(new java.io.ByteArrayInputStream(buffer, position, limit - position), in);
                buffer = null;
                parser = FACTORY.createParser(rest);
            }
            JsonToken token = parser.nextToken();
            if (token == null) {
                done = true;
                return null;
            }
            lineNumber = streamBase + parser.currentTokenLocation().getLineNr();
            if (lineNumber <= endLine) throw corrupt("a second record on one line");
            if (token != JsonToken.START_OBJECT) throw corrupt("not a JSON object");
            TraceRecord r = record(parser);
            endLine = streamBase + parser.currentLocation().getLineNr();
            return counted(r);
        } catch (JsonProcessingException e) {
            // A parse error before the record's first token (garbage where a line should start) has only its own location.
            if (e.getLocation() != null && streamBase + e.getLocation().getLineNr() > endLine && lineNumber <= endLine) {
                lineNumber = streamBase + e.getLocation().getLineNr();
            }
            throw corrupt("not JSON: " + e.getOriginalMessage());
        } catch (ZipException | ZstdIOException | EOFException e) {
            throw corrupt("the file is truncated or its compressed stream damaged (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read trace " + name + " at line " + (lineNumber + 1) + ": " + e.getMessage(), e);
        }
    }

    /**
     * Where the line at {@code position} ends (its newline's index), reading on as needed; -1 when
     * no bytes are left, -2 when the last line has no newline.
     */
    private int lineEnd() throws IOException {
        int from = position;
        while (true) {
            for (int i = from; i < limit; i++) {
                if (buffer[i] == '\n') return i;
            }
            if (endOfInput) return position == limit ? -1 : -2;
            from = limit;
            if (position > 0) { // move the line begun to the front
                System.arraycopy(buffer, position, buffer, 0, limit - position);
                from -= position;
                limit -= position;
                position = 0;
            } else if (limit == buffer.length) { // a line longer than the buffer
                buffer = java.util.Arrays.copyOf(buffer, buffer.length * 2);
            }
            fill();
        }
    }

    private void fill() throws IOException {
        int n = in.read(buffer, limit, buffer.length - limit);
        if (n < 0) endOfInput = true;
        else limit += n;
    }

    private void takeLine(int end) {
        position = end + 1;
        linesTaken++;
    }

    // ---- records ----

    private TraceRecord record(JsonParser parser) throws IOException {
        hasT = false;
        hasVersion = false;
        kind = null;
        JsonParser p = discriminated(parser, "kind", "record");
        kind = discriminator;
        TraceRecord r = switch (kind) {
            case "event" -> event(p);
            case "invoke" -> invoke(p);
            case "complete" -> complete(p);
            case "counts" -> counts(p);
            case "send", "deliver", "drop" -> message(p);
            case "timer_set", "timer_fire" -> timer(p);
            case "fault" -> fault(p);
            case "meta" -> meta(p);
            default -> {
                while (recordField(p) != null) p.skipChildren();
                requireVersion();
                throw bad("unknown kind");
            }
        };
        return r;
    }

    private TraceRecord.Event event(JsonParser p) throws IOException {
        NodeId node = null;
        ProtocolEvent event = null;
        for (String f; (f = recordField(p)) != null; ) {
            switch (f) {
                case "node" -> node = node(p, f);
                case "event" -> event = protocolEvent(p);
                default -> p.skipChildren();
            }
        }
        requireCommon();
        return new TraceRecord.Event(t, required(node, "node"), required(event, "event"));
    }

    private TraceRecord.Invoke invoke(JsonParser p) throws IOException {
        long intended = 0;
        boolean hasIntended = false;
        NodeId node = null;
        ClientRequest request = null;
        for (String f; (f = recordField(p)) != null; ) {
            switch (f) {
                case "intended" -> {
                    intended = longValue(p, f);
                    hasIntended = true;
                }
                case "node" -> node = node(p, f);
                case "request" -> request = request(p);
                default -> p.skipChildren();
            }
        }
        requireCommon();
        required(hasIntended, "intended");
        return new TraceRecord.Invoke(t, intended, required(node, "node"), required(request, "request"));
    }

    private TraceRecord.Complete complete(JsonParser p) throws IOException {
        long clientId = 0;
        long seq = 0;
        int seen = 0;
        NodeId node = null;
        ClientReply reply = null;
        String outcome = null;
        for (String f; (f = recordField(p)) != null; ) {
            switch (f) {
                case "clientId" -> {
                    clientId = longValue(p, f);
                    seen |= 1;
                }
                case "seq" -> {
                    seq = longValue(p, f);
                    seen |= 2;
                }
                case "node" -> node = node(p, f);
                case "reply" -> reply = reply(p);
                case "outcome" -> outcome = text(p, f);
                default -> p.skipChildren();
            }
        }
        requireCommon();
        required((seen & 1) != 0, "clientId");
        required((seen & 2) != 0, "seq");
        return new TraceRecord.Complete(t, clientId, seq, node, reply, required(outcome, "outcome"));
    }

    private TraceRecord.MessageCounts counts(JsonParser p) throws IOException {
        long since = 0;
        long count = 0;
        long bytes = 0;
        int seen = 0;
        NodeId from = null;
        String type = null;
        String category = null;
        for (String f; (f = recordField(p)) != null; ) {
            switch (f) {
                case "since" -> {
                    since = longValue(p, f);
                    seen |= 1;
                }
                case "count" -> {
                    count = longValue(p, f);
                    seen |= 2;
                }
                case "bytes" -> {
                    bytes = longValue(p, f);
                    seen |= 4;
                }
                case "from" -> from = node(p, f);
                case "type" -> type = text(p, f);
                case "category" -> category = text(p, f);
                default -> p.skipChildren();
            }
        }
        requireCommon();
        required((seen & 1) != 0, "since");
        required((seen & 2) != 0, "count");
        required((seen & 4) != 0, "bytes");
        return new TraceRecord.MessageCounts(t, since, required(from, "from"), required(type, "type"), category, count, bytes);
    }

    /** {@code send}, {@code deliver} or {@code drop}. */
    private TraceRecord message(JsonParser p) throws IOException {
        NodeId from = null;
        NodeId to = null;
        long id = 0;
        long bytes = 0;
        int seen = 0;
        String type = null;
        String reason = null;
        for (String f; (f = recordField(p)) != null; ) {
            switch (f) {
                case "from" -> from = node(p, f);
                case "to" -> to = node(p, f);
                case "id" -> {
                    id = longValue(p, f);
                    seen |= 1;
                }
                case "bytes" -> {
                    bytes = intValue(p, f);
                    seen |= 2;
                }
                case "type" -> type = text(p, f);
                case "reason" -> reason = text(p, f);
                default -> p.skipChildren();
            }
        }
        requireCommon();
        required((seen & 1) != 0, "id");
        required(type, "type");
        return switch (kind) {
            case "send" -> {
                required((seen & 2) != 0, "bytes");
                yield new TraceRecord.Send(t, required(from, "from"), required(to, "to"), id, type, (int) bytes);
            }
            case "deliver" -> new TraceRecord.Deliver(t, required(from, "from"), required(to, "to"), id, type);
            default -> new TraceRecord.Drop(t, from, to, id, type, required(reason, "reason"));
        };
    }

    /** {@code timer_set} or {@code timer_fire}. */
    private TraceRecord timer(JsonParser p) throws IOException {
        NodeId node = null;
        String timer = null;
        long delay = 0;
        boolean hasDelay = false;
        for (String f; (f = recordField(p)) != null; ) {
            switch (f) {
                case "node" -> node = node(p, f);
                case "name" -> timer = text(p, f);
                case "delay" -> {
                    delay = longValue(p, f);
                    hasDelay = true;
                }
                default -> p.skipChildren();
            }
        }
        requireCommon();
        required(node, "node");
        required(timer, "name");
        if (kind.equals("timer_fire")) return new TraceRecord.TimerFire(t, node, timer);
        required(hasDelay, "delay");
        return new TraceRecord.TimerSet(t, node, timer, delay);
    }

    private TraceRecord.Fault fault(JsonParser p) throws IOException {
        String fault = null;
        String detail = null;
        List<NodeId> nodes = null;
        List<List<NodeId>> groups = null;
        for (String f; (f = recordField(p)) != null; ) {
            switch (f) {
                case "fault" -> fault = text(p, f);
                case "detail" -> detail = text(p, f);
                case "nodes" -> nodes = nodeList(p, f);
                case "groups" -> {
                    if (p.currentToken() == JsonToken.VALUE_NULL) break;
                    if (p.currentToken() != JsonToken.START_ARRAY) throw bad("\"groups\" must be an array of arrays of nodes");
                    groups = new ArrayList<>();
                    while (p.nextToken() != JsonToken.END_ARRAY) groups.add(List.copyOf(nodeList(p, f)));
                    groups = List.copyOf(groups);
                }
                default -> p.skipChildren();
            }
        }
        requireCommon();
        return new TraceRecord.Fault(t, required(fault, "fault"), required(nodes, "nodes"), detail, groups);
    }

    private TraceRecord.Meta meta(JsonParser p) throws IOException {
        String protocol = null;
        String runtime = null;
        String scenario = null;
        long nodes = 0;
        long seed = 0;
        int seen = 0;
        Long warmup = null;
        Long end = null;
        for (String f; (f = recordField(p)) != null; ) {
            switch (f) {
                case "protocol" -> protocol = text(p, f);
                case "runtime" -> runtime = text(p, f);
                case "scenario" -> scenario = text(p, f);
                case "nodes" -> {
                    nodes = intValue(p, f);
                    seen |= 1;
                }
                case "seed" -> {
                    seed = longValue(p, f);
                    seen |= 2;
                }
                case "warmup" -> warmup = p.currentToken() == JsonToken.VALUE_NULL ? null : longValue(p, f);
                case "end" -> end = p.currentToken() == JsonToken.VALUE_NULL ? null : longValue(p, f);
                default -> p.skipChildren();
            }
        }
        requireCommon();
        required((seen & 1) != 0, "nodes");
        required((seen & 2) != 0, "seed");
        return new TraceRecord.Meta(t, required(protocol, "protocol"), (int) nodes, seed, runtime, scenario, warmup, end);
    }

    /** A field of a record: {@code v} and {@code t} are taken here, the others returned with the parser at their value. */
    private String recordField(JsonParser p) throws IOException {
        while (true) {
            String f = field(p);
            if (f == null) return null;
            switch (f) {
                case "v" -> {
                    if (p.currentToken() != JsonToken.VALUE_NUMBER_INT || !isSchemaVersion(p)) {
                        throw corrupt("schema version " + p.getText() + " is not supported (this reader reads " + TraceRecord.SCHEMA_VERSION + ")");
                    }
                    hasVersion = true;
                }
                case "t" -> {
                    t = longValue(p, f);
                    hasT = true;
                }
                case "kind" -> p.skipChildren();
                default -> {
                    return f;
                }
            }
        }
    }

    private static boolean isSchemaVersion(JsonParser p) throws IOException {
        try {
            return p.getLongValue() == TraceRecord.SCHEMA_VERSION;
        } catch (InputCoercionException e) {
            return false;
        }
    }

    private void requireVersion() {
        if (!hasVersion) throw corrupt("no schema version field \"v\"");
    }

    private void requireCommon() {
        requireVersion();
        required(hasT, "t");
    }

    // ---- nested objects ----

    private ProtocolEvent protocolEvent(JsonParser outer) throws IOException {
        if (outer.currentToken() != JsonToken.START_OBJECT) throw bad("\"event\" must be an object");
        JsonParser p = discriminated(outer, "type", "event");
        String type = discriminator;
        EventFields e = eventFields;
        e.clear();
        for (String f; (f = field(p)) != null; ) {
            switch (f) {
                case "index" -> e.set(EventFields.INDEX, longValue(p, f));
                case "term" -> e.set(EventFields.TERM, longValue(p, f));
                case "slot" -> e.set(EventFields.SLOT, longValue(p, f));
                case "firstOpen" -> e.set(EventFields.FIRST_OPEN, longValue(p, f));
                case "chosenSlot" -> e.set(EventFields.CHOSEN_SLOT, longValue(p, f));
                case "upTo" -> e.set(EventFields.UP_TO, longValue(p, f));
                case "byTerm" -> e.set(EventFields.BY_TERM, longValue(p, f));
                case "fromIndex" -> e.set(EventFields.FROM_INDEX, longValue(p, f));
                case "count" -> e.set(EventFields.COUNT, longValue(p, f));
                case "prevLogIndex" -> e.set(EventFields.PREV_LOG_INDEX, longValue(p, f));
                case "throughSlot" -> e.set(EventFields.THROUGH_SLOT, longValue(p, f));
                case "preVote" -> e.set(EventFields.PRE_VOTE, booleanValue(p, f) ? 1 : 0);
                case "effectiveFrom" -> e.set(EventFields.EFFECTIVE_FROM, longValue(p, f));
                case "changeId" -> e.set(EventFields.CHANGE_ID, longValue(p, f));
                case "rounds" -> e.set(EventFields.ROUNDS, longValue(p, f));
                case "entries" -> e.set(EventFields.ENTRIES, longValue(p, f));
                case "committed" -> e.set(EventFields.COMMITTED, booleanValue(p, f) ? 1 : 0);
                case "voters" -> e.voters = nodeList(p, "event.voters");
                case "oldVoters" -> e.oldVoters = nodeList(p, "event.oldVoters");
                case "learner" -> e.node = node(p, f);
                case "command" -> e.command = text(p, f);
                case "reason" -> e.reason = text(p, f);
                case "candidate", "by", "leader", "proposer" -> e.node = node(p, f);
                case "from" -> e.from = role(p, f);
                case "to" -> e.to = role(p, f);
                default -> p.skipChildren();
            }
        }
        return switch (type) {
            case "EntryAppended" -> new ProtocolEvent.EntryAppended(e.get(EventFields.INDEX, type), e.get(EventFields.TERM, type), e.command);
            case "EntryCommitted" -> new ProtocolEvent.EntryCommitted(e.get(EventFields.INDEX, type), e.get(EventFields.TERM, type), e.command);
            case "EntryApplied" -> new ProtocolEvent.EntryApplied(e.get(EventFields.INDEX, type), e.command);
            case "ValueAccepted" -> new ProtocolEvent.ValueAccepted(e.get(EventFields.SLOT, type), e.get(EventFields.TERM, type), e.node, e.command);
            case "SlotChosen" -> new ProtocolEvent.SlotChosen(e.get(EventFields.SLOT, type), e.get(EventFields.TERM, type), e.command);
            case "GapOpened" -> new ProtocolEvent.GapOpened(e.get(EventFields.FIRST_OPEN, type), e.get(EventFields.CHOSEN_SLOT, type));
            case "GapClosed" -> new ProtocolEvent.GapClosed(e.get(EventFields.FIRST_OPEN, type), e.get(EventFields.UP_TO, type));
            case "RoleChanged" -> new ProtocolEvent.RoleChanged(e.from, required(e.to, "event.to"), e.get(EventFields.TERM, type));
            case "ElectionStarted" -> new ProtocolEvent.ElectionStarted(e.get(EventFields.TERM, type), e.get(EventFields.PRE_VOTE, type) != 0);
            case "LeaderEstablished" -> new ProtocolEvent.LeaderEstablished(e.get(EventFields.TERM, type));
            case "VoteGranted" -> new ProtocolEvent.VoteGranted(e.node, e.get(EventFields.TERM, type), e.get(EventFields.PRE_VOTE, type) != 0);
            case "VoteDenied" -> new ProtocolEvent.VoteDenied(e.node, e.get(EventFields.TERM, type), e.get(EventFields.PRE_VOTE, type) != 0, e.reason);
            case "Preempted" -> new ProtocolEvent.Preempted(e.get(EventFields.TERM, type), e.get(EventFields.BY_TERM, type), e.node);
            case "LogTruncated" -> new ProtocolEvent.LogTruncated(e.get(EventFields.FROM_INDEX, type), e.get(EventFields.COUNT, type));
            case "AppendRejected" -> new ProtocolEvent.AppendRejected(e.node, e.get(EventFields.TERM, type), e.get(EventFields.PREV_LOG_INDEX, type), e.reason);
            case "NoOpProposed" -> new ProtocolEvent.NoOpProposed(e.get(EventFields.SLOT, type), e.get(EventFields.TERM, type));
            case "SnapshotTaken" -> new ProtocolEvent.SnapshotTaken(e.get(EventFields.INDEX, type), e.get(EventFields.TERM, type));
            case "SnapshotInstalled" -> new ProtocolEvent.SnapshotInstalled(e.get(EventFields.INDEX, type), e.get(EventFields.TERM, type));
            case "SlotsForgotten" -> new ProtocolEvent.SlotsForgotten(e.get(EventFields.THROUGH_SLOT, type));
            case "StateMachineRestored" -> new ProtocolEvent.StateMachineRestored(e.get(EventFields.INDEX, type));
            case "ConfigurationChanged" -> new ProtocolEvent.ConfigurationChanged(e.get(EventFields.INDEX, type),
                    e.get(EventFields.EFFECTIVE_FROM, type), required(e.voters, "event.voters"), required(e.oldVoters, "event.oldVoters"),
                    e.get(EventFields.COMMITTED, type) != 0);
            case "MembershipChangeRefused" -> new ProtocolEvent.MembershipChangeRefused(e.get(EventFields.CHANGE_ID, type), e.reason);
            case "MembershipChangeCommitted" -> new ProtocolEvent.MembershipChangeCommitted(e.get(EventFields.CHANGE_ID, type),
                    required(e.voters, "event.voters"));
            case "LearnerCaughtUp" -> new ProtocolEvent.LearnerCaughtUp(required(e.node, "event.learner"), e.get(EventFields.ROUNDS, type),
                    e.get(EventFields.ENTRIES, type));
            default -> throw bad("unknown event type \"" + type + '"');
        };
    }

    /** The fields any protocol event may have, reused from event to event; numbers and flags remember whether they were present. */
    private final class EventFields {
        static final int INDEX = 0, TERM = 1, SLOT = 2, FIRST_OPEN = 3, CHOSEN_SLOT = 4, UP_TO = 5, BY_TERM = 6,
                FROM_INDEX = 7, COUNT = 8, PREV_LOG_INDEX = 9, THROUGH_SLOT = 10, PRE_VOTE = 11, EFFECTIVE_FROM = 12,
                CHANGE_ID = 13, ROUNDS = 14, ENTRIES = 15, COMMITTED = 16;
        static final String[] NAMES = {"index", "term", "slot", "firstOpen", "chosenSlot", "upTo", "byTerm", "fromIndex",
            "count", "prevLogIndex", "throughSlot", "preVote", "effectiveFrom", "changeId", "rounds", "entries", "committed"};
        final long[] values = new long[NAMES.length];
        int seen;
        String command;
        String reason;
        NodeId node;
        Role from;
        Role to;
        List<NodeId> voters;
        List<NodeId> oldVoters;

        void clear() {
            seen = 0;
            voters = null;
            oldVoters = null;
            command = null;
            reason = null;
            node = null;
            from = null;
            to = null;
        }

        void set(int field, long value) {
            values[field] = value;
            seen |= 1 << field;
        }

        long get(int field, String type) {
            if ((seen & (1 << field)) == 0) throw bad(type + " event has no \"event." + NAMES[field] + '"');
            return values[field];
        }
    }

    private final EventFields eventFields = new EventFields();

    private ClientRequest request(JsonParser outer) throws IOException {
        if (outer.currentToken() != JsonToken.START_OBJECT) throw bad("\"request\" must be an object");
        JsonParser p = discriminated(outer, "type", "request");
        if (!discriminator.equals("request")) throw bad("\"request.type\" must be \"request\", got \"" + discriminator + '"');
        long clientId = 0;
        long seq = 0;
        int seen = 0;
        Operation operation = null;
        for (String f; (f = field(p)) != null; ) {
            switch (f) {
                case "clientId" -> {
                    clientId = longValue(p, f);
                    seen |= 1;
                }
                case "seq" -> {
                    seq = longValue(p, f);
                    seen |= 2;
                }
                case "operation" -> operation = operation(p);
                default -> p.skipChildren();
            }
        }
        required((seen & 1) != 0, "request.clientId");
        required((seen & 2) != 0, "request.seq");
        return new ClientRequest(clientId, seq, required(operation, "request.operation"));
    }

    private Operation operation(JsonParser outer) throws IOException {
        if (outer.currentToken() != JsonToken.START_OBJECT) throw bad("\"operation\" must be an object");
        JsonParser p = discriminated(outer, "f", "operation");
        String f = discriminator;
        String key = null;
        String value = null;
        String expected = null;
        for (String field; (field = field(p)) != null; ) {
            switch (field) {
                case "key" -> key = text(p, field);
                case "value" -> value = text(p, field);
                case "expected" -> expected = text(p, field);
                default -> p.skipChildren();
            }
        }
        required(key, "operation.key");
        return switch (f) {
            case "write" -> new Operation.Put(key, required(value, "operation.value"));
            case "read" -> new Operation.Get(key);
            case "cas" -> new Operation.Cas(key, required(expected, "operation.expected"), required(value, "operation.value"));
            default -> throw bad("\"operation.f\" must be write, read or cas, got \"" + f + '"');
        };
    }

    private ClientReply reply(JsonParser outer) throws IOException {
        if (outer.currentToken() == JsonToken.VALUE_NULL) return null;
        if (outer.currentToken() != JsonToken.START_OBJECT) throw bad("\"reply\" must be an object");
        JsonParser p = discriminated(outer, "type", "reply");
        String type = discriminator;
        long clientId = 0;
        long seq = 0;
        long index = 0;
        int seen = 0;
        Result result = null;
        Optional<NodeId> hint = Optional.empty();
        String reason = null;
        for (String f; (f = field(p)) != null; ) {
            switch (f) {
                case "clientId" -> {
                    clientId = longValue(p, f);
                    seen |= 1;
                }
                case "seq" -> {
                    seq = longValue(p, f);
                    seen |= 2;
                }
                case "index" -> {
                    index = longValue(p, f);
                    seen |= 4;
                }
                case "result" -> result = result(p);
                case "hint" -> hint = Optional.ofNullable(node(p, f));
                case "reason" -> reason = text(p, f);
                default -> p.skipChildren();
            }
        }
        required((seen & 1) != 0, "reply.clientId");
        required((seen & 2) != 0, "reply.seq");
        return switch (type) {
            case "committed" -> {
                required((seen & 4) != 0, "reply.index");
                yield new ClientReply.Committed(clientId, seq, index, required(result, "reply.result"));
            }
            case "not_leader" -> new ClientReply.NotLeader(clientId, seq, hint);
            case "rejected" -> new ClientReply.Rejected(clientId, seq, reason);
            default -> throw bad("\"reply.type\" must be committed, not_leader or rejected, got \"" + type + '"');
        };
    }

    private Result result(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) throw bad("\"reply.result\" must be an object");
        Boolean ok = null;
        String value = null;
        for (String f; (f = field(p)) != null; ) {
            switch (f) {
                case "ok" -> ok = booleanValue(p, f);
                case "value" -> value = text(p, f);
                default -> p.skipChildren();
            }
        }
        return new Result(required(ok, "reply.result.ok"), value);
    }

    // ---- parsing helpers ----

    private String discriminator;

    /**
     * At an object's start: reads its discriminator {@code field} into {@link #discriminator} and
     * returns the parser to read the rest of the object from. When the discriminator is not the
     * first field, the object is read into a tree and a parser over that tree is returned.
     */
    private JsonParser discriminated(JsonParser p, String field, String what) throws IOException {
        JsonToken token = p.nextToken();
        if (token == JsonToken.FIELD_NAME && p.currentName().equals(field)) {
            p.nextToken();
            discriminator = p.currentToken() == JsonToken.VALUE_STRING ? KnownNames.of(p) : text(p, field);
            if (discriminator == null) throw bad("no \"" + field + "\" in the " + what);
            return p;
        }
        ObjectNode tree = TREES.createObjectNode();
        while (p.currentToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            p.nextToken();
            tree.set(f, TREES.readTree(p));
            p.nextToken();
        }
        JsonNode d = tree.remove(field);
        if (d == null || !d.isTextual()) throw what.equals("record") ? corrupt("no \"" + field + "\" field") : bad("no \"" + field + "\" in the " + what);
        discriminator = d.textValue();
        JsonParser rest = tree.traverse(TREES);
        rest.nextToken();
        return rest;
    }

    /** The next field's name, the parser at its value; null at the end of the object. */
    private static String field(JsonParser p) throws IOException {
        if (p.nextToken() != JsonToken.FIELD_NAME) return null;
        String f = p.currentName();
        p.nextToken();
        return f;
    }

    private long longValue(JsonParser p, String field) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_NUMBER_INT) throw bad('"' + field + "\" must be an integer, got " + p.getText());
        // getLongValue refuses what does not fit; asking getNumberType first would cost a second look at every number
        try {
            return p.getLongValue();
        } catch (InputCoercionException e) {
            throw bad('"' + field + "\" is out of range: " + p.getText());
        }
    }

    private long intValue(JsonParser p, String field) throws IOException {
        long v = longValue(p, field);
        if (v != (int) v) throw bad('"' + field + "\" is out of range: " + v);
        return v;
    }

    private boolean booleanValue(JsonParser p, String field) throws IOException {
        JsonToken token = p.currentToken();
        if (token != JsonToken.VALUE_TRUE && token != JsonToken.VALUE_FALSE) throw bad('"' + field + "\" must be true or false, got " + p.getText());
        return token == JsonToken.VALUE_TRUE;
    }

    /** A string value, null for JSON null. */
    private String text(JsonParser p, String field) throws IOException {
        JsonToken token = p.currentToken();
        if (token == JsonToken.VALUE_NULL) return null;
        if (token != JsonToken.VALUE_STRING) throw bad('"' + field + "\" must be a string, got " + p.getText());
        return p.getText();
    }

    /** A node name {@code n1}, {@code n2}, ...; null for JSON null. Read from the parser's characters: no string per node. */
    private NodeId node(JsonParser p, String field) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_STRING) {
            text(p, field); // null, or the error naming what is there instead
            return null;
        }
        char[] chars = p.getTextCharacters();
        int from = p.getTextOffset();
        int length = p.getTextLength();
        long id = 0;
        boolean valid = length >= 2 && length <= 10 && chars[from] == 'n' && chars[from + 1] != '0';
        for (int i = 1; valid && i < length; i++) {
            char c = chars[from + i];
            valid = c >= '0' && c <= '9';
            id = id * 10 + (c - '0');
        }
        if (!valid || id < 1 || id > Integer.MAX_VALUE) {
            throw bad('"' + field + "\" is not a node name (expected n1, n2, ...): \"" + p.getText() + '"');
        }
        return id < NODES.length ? NODES[(int) id] : NodeId.of((int) id);
    }

    private List<NodeId> nodeList(JsonParser p, String field) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) throw bad('"' + field + "\" must be an array of nodes");
        List<NodeId> nodes = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) nodes.add(node(p, field));
        return List.copyOf(nodes);
    }

    private Role role(JsonParser p, String field) throws IOException {
        String s = text(p, field);
        if (s == null) return null;
        try {
            return Role.valueOf(s);
        } catch (IllegalArgumentException e) {
            throw bad("\"event." + field + "\" is not a role: \"" + s + '"');
        }
    }

    private <V> V required(V value, String field) {
        if (value == null) throw bad("no \"" + field + '"');
        return value;
    }

    private void required(boolean present, String field) {
        if (!present) throw bad("no \"" + field + '"');
    }

    /** A problem with the record being read: names its kind. */
    private IllegalArgumentException bad(String reason) {
        return corrupt("bad \"" + kind + "\" record: " + reason);
    }

    private IllegalArgumentException corrupt(String reason) {
        return new IllegalArgumentException(("trace " + name + " line " + lineNumber + ": " + reason).replaceAll("\\s*\\R\\s*", " "));
    }

    @Override
    public void close() {
        try {
            if (parser != null) parser.close();
            else in.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close trace " + name + ": " + e.getMessage(), e);
        }
    }
}
