package quorumlab.analysis.check;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import quorumlab.analysis.check.HistoryEvent.Fn;
import quorumlab.analysis.check.HistoryEvent.Type;
import us.bpsm.edn.EdnException;
import us.bpsm.edn.Keyword;
import us.bpsm.edn.TaggedValue;
import us.bpsm.edn.parser.Parseable;
import us.bpsm.edn.parser.Parser;
import us.bpsm.edn.parser.Parsers;

/**
 * Reads client histories: JSON Lines (quorumlab's own format) and EDN (Jepsen, Knossos, Maelstrom,
 * Porcupine's key-value tests), gzipped or not; docs/history-format.md describes them. Every
 * problem is a {@link BadInputException} naming the file, the line and the reason.
 *
 * <p>{@link #check(Path, LinearizabilityChecker.Bound)} streams a file through the checker event
 * by event, in memory bounded by what is open (the checker's, plus the operations not yet
 * completed); {@link #read(Path)} holds the whole history, for tools that need it all.
 *
 * <p>Events whose {@code process} is not a number (Jepsen's {@code :nemesis}) are not client
 * operations and are skipped.
 */
public final class HistoryReader {
    public enum Format { JSON_LINES, EDN }

    private static final ObjectMapper JSON = new ObjectMapper();

    private HistoryReader() {}

    /** Reads {@code file}, choosing the format by its name ({@code .edn}, {@code .jsonl}) or content. */
    public static History read(Path file) throws IOException {
        try (Reader reader = open(file)) {
            return read(reader, file.toString(), formatOf(file));
        }
    }

    public static History read(Reader reader, String name, Format format) throws IOException {
        List<HistoryEvent> events = new ArrayList<>();
        Lines lines = new Lines();
        Events source = format == Format.EDN ? new EdnEvents(reader, name) : new JsonEvents(reader, name);
        for (HistoryEvent e = source.next(); e != null; e = source.next()) {
            events.add(e);
            lines.add(source.line());
        }
        List<HistoryEvent> plain = Histories.untuple(events);
        List<ClientOp> ops = Histories.operations(plain, lines::get, line -> "line " + line,
                (line, reason) -> new BadInputException(name, line, reason));
        return new History(name, plain, ops);
    }

    /**
     * Checks {@code file} for linearizability as it streams by: never the whole history in memory.
     * The file is read twice: first to learn whether the keys are inside the values (Maelstrom)
     * and whether some operation appends (the key-value model); then each event goes to the
     * checker as it is read. A history written as one EDN vector (Knossos's test data) is parsed
     * whole, one vector at a time.
     *
     * @throws BadInputException naming the file, line and reason when the file is not a history
     */
    public static LinearizabilityChecker.Result check(Path file, LinearizabilityChecker.Bound bound) throws IOException {
        String name = file.toString();
        Format format = formatOf(file);
        Histories.TupleTest tuples = new Histories.TupleTest();
        boolean appends = false;
        try (Events source = events(file, format)) {
            for (HistoryEvent e = source.next(); e != null; e = source.next()) {
                tuples.accept(e);
                appends |= e.f() == Fn.APPEND;
            }
        }
        LinearizabilityChecker.Model model = appends
                ? LinearizabilityChecker.Model.KEY_VALUE : LinearizabilityChecker.Model.REGISTER;
        LinearizabilityChecker.Stream stream = new LinearizabilityChecker.Stream(bound, model);
        Histories.Pairing pairing = new Histories.Pairing(stream, line -> "line " + line,
                (line, reason) -> new BadInputException(name, line, reason));
        Histories.Untuple untuple = tuples.keyInValue() ? new Histories.Untuple() : null;
        try (Events source = events(file, format)) {
            for (HistoryEvent e = source.next(); e != null; e = source.next()) {
                pairing.accept(untuple == null ? e : untuple.apply(e), source.line());
            }
        }
        return stream.finish();
    }

    private static Events events(Path file, Format format) throws IOException {
        Reader reader = open(file);
        return format == Format.EDN ? new EdnEvents(reader, file.toString()) : new JsonEvents(reader, file.toString());
    }

    /** Opens {@code file} as UTF-8 text, decompressing it when it starts with the gzip or zstd magic number. */
    static Reader open(Path file) throws IOException {
        InputStream in = quorumlab.protocols.trace.TraceCompression.open(file);
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
    }

    /** The format by the file name, else by the first characters: {@code {"} is JSON, {@code {:} EDN. */
    static Format formatOf(Path file) throws IOException {
        String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        name = name.replaceFirst("\\.(gz|zst)$", "");
        if (name.endsWith(".edn")) return Format.EDN;
        if (name.endsWith(".jsonl") || name.endsWith(".json") || name.endsWith(".ndjson")) {
            return Format.JSON_LINES;
        }
        try (Reader reader = open(file)) {
            int c;
            do {
                c = reader.read();
            } while (c != -1 && (Character.isWhitespace(c) || c == ','));
            if (c != '{') return c == -1 ? Format.JSON_LINES : Format.EDN;
            do {
                c = reader.read();
            } while (c != -1 && Character.isWhitespace(c));
            return c == '"' ? Format.JSON_LINES : Format.EDN;
        }
    }

    /** Maps the position of each event read to its line in the file. */
    private static final class Lines {
        private long[] lines = new long[1024];
        private int size;

        void add(long line) {
            if (size == lines.length) lines = java.util.Arrays.copyOf(lines, size * 2);
            lines[size++] = line;
        }

        long get(int event) {
            return lines[event];
        }
    }

    /** A history's client events, one at a time, each with the line it is on. */
    private abstract static class Events implements java.io.Closeable {
        /** @return the next client event, or null at the end */
        abstract HistoryEvent next() throws IOException;

        /** The line the event {@link #next} returned is on. */
        abstract long line();
    }

    // ---------------------------------------------------------------- JSON Lines

    private static final class JsonEvents extends Events {
        private final BufferedReader reader;
        private final String name;
        private long lineNo;

        JsonEvents(Reader in, String name) {
            this.reader = in instanceof BufferedReader b ? b : new BufferedReader(in);
            this.name = name;
        }

        @Override
        HistoryEvent next() throws IOException {
            String text;
            while ((text = reader.readLine()) != null) {
                lineNo++;
                if (text.isBlank()) continue;
                JsonNode node;
                try {
                    node = JSON.readTree(text);
                } catch (JsonProcessingException e) {
                    throw new BadInputException(name, lineNo, "not JSON: " + firstLine(e.getOriginalMessage()));
                }
                if (node == null || !node.isObject()) {
                    throw new BadInputException(name, lineNo, "expected a JSON object, got " + text.strip());
                }
                Field field = new Field(name, lineNo);
                HistoryEvent event = field.event(
                        jsonValue(node.get("process"), field, "process"),
                        jsonValue(node.get("type"), field, "type"),
                        jsonValue(node.get("f"), field, "f"),
                        node.has("key") ? jsonValue(node.get("key"), field, "key") : null,
                        node.has("value") ? jsonValue(node.get("value"), field, "value") : null,
                        node.has("time") ? jsonValue(node.get("time"), field, "time") : null);
                if (event != null) return event;
            }
            return null;
        }

        @Override
        long line() {
            return lineNo;
        }

        @Override
        public void close() throws IOException {
            reader.close();
        }
    }

    private static Object jsonValue(JsonNode node, Field field, String name) {
        if (node == null || node.isNull() || node.isMissingNode()) return null;
        if (node.isTextual()) return node.textValue();
        if (node.isIntegralNumber()) return Values.normalize(node.bigIntegerValue());
        if (node.isNumber()) return node.doubleValue();
        if (node.isBoolean()) return node.booleanValue();
        if (node.isArray()) {
            List<Object> items = new ArrayList<>();
            for (JsonNode item : node) items.add(jsonValue(item, field, name));
            return java.util.Collections.unmodifiableList(items);
        }
        throw field.bad(name, "must be a number, string, boolean, null or list, got " + node);
    }

    private static String firstLine(String message) {
        if (message == null) return "unreadable";
        int cut = message.indexOf('\n');
        return (cut >= 0 ? message.substring(0, cut) : message).strip();
    }

    // ---------------------------------------------------------------- EDN

    private static final Keyword TYPE = Keyword.newKeyword("type");
    private static final Keyword F = Keyword.newKeyword("f");
    private static final Keyword PROCESS = Keyword.newKeyword("process");
    private static final Keyword KEY = Keyword.newKeyword("key");
    private static final Keyword VALUE = Keyword.newKeyword("value");
    private static final Keyword TIME = Keyword.newKeyword("time");

    private static final class EdnEvents extends Events {
        private final Parser parser = Parsers.newParser(Parsers.defaultConfiguration());
        private final LineCountingParseable input;
        private final String name;
        private final java.util.ArrayDeque<Object> vector = new java.util.ArrayDeque<>(); // items of a whole-history vector
        private long line;
        private long vectorLine;

        EdnEvents(Reader reader, String name) {
            this.input = new LineCountingParseable(reader, name);
            this.name = name;
        }

        @Override
        HistoryEvent next() {
            while (true) {
                if (!vector.isEmpty()) {
                    line = vectorLine;
                    HistoryEvent event = ednEvent(vector.poll(), name, line);
                    if (event != null) return event;
                    continue;
                }
                Object value;
                input.startValue();
                try {
                    value = parser.nextValue(input);
                } catch (EdnException e) {
                    throw new BadInputException(name, input.line(), "not EDN: " + firstLine(e.getMessage()));
                }
                if (value == Parser.END_OF_INPUT) return null;
                if (value instanceof List<?> list) {
                    // a whole history as one vector, as Knossos's test data is written
                    vector.addAll(list);
                    vectorLine = input.startLine();
                    continue;
                }
                line = input.startLine();
                HistoryEvent event = ednEvent(value, name, line);
                if (event != null) return event;
            }
        }

        @Override
        long line() {
            return line;
        }

        @Override
        public void close() throws IOException {
            input.close();
        }
    }

    /** @return the event, or null when it is not a client operation */
    private static HistoryEvent ednEvent(Object value, String name, long line) {
        if (value instanceof TaggedValue tagged) {
            value = tagged.getValue(); // #jepsen.history.Op{...}
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw new BadInputException(name, line, "expected a map such as {:type :invoke, :f :read, ...}, got "
                    + Values.show(value));
        }
        Field field = new Field(name, line);
        return field.event(
                ednValue(map.get(PROCESS)),
                ednValue(map.get(TYPE)),
                ednValue(map.get(F)),
                ednValue(map.get(KEY)),
                ednValue(map.get(VALUE)),
                ednValue(map.get(TIME)));
    }

    private static Object ednValue(Object raw) {
        if (raw instanceof Keyword k) {
            return k.getPrefix() == null || k.getPrefix().isEmpty() ? k.getName() : k.getPrefix() + "/" + k.getName();
        }
        return raw == null ? null : Values.normalize(raw);
    }

    /** Brackets an EDN value may nest: a history needs four or five, and the EDN parser recurses once per level. */
    static final int MAX_EDN_DEPTH = 200;

    /**
     * A parseable that knows the line it is on, and the line the current value started on. It also
     * counts open brackets outside strings, comments and character literals, and refuses a value
     * nested deeper than {@link #MAX_EDN_DEPTH} before the recursive parser overflows its stack.
     */
    private static final class LineCountingParseable implements Parseable {
        private final Reader reader;
        private final String name;
        private int depth;
        private boolean inString;
        private boolean escaped;
        private boolean inLineComment;
        private boolean charLiteral;
        private final int[] pushedBack = new int[8];
        private int pushed;
        private long line = 1;
        private long startLine = 1;
        private boolean awaitingStart;
        private boolean inComment;

        LineCountingParseable(Reader reader, String name) {
            this.reader = reader;
            this.name = name;
        }

        void startValue() {
            awaitingStart = true;
            inComment = false;
        }

        long line() {
            return line;
        }

        long startLine() {
            return startLine;
        }

        @Override
        public int read() throws IOException {
            boolean fresh = pushed == 0;
            int c = fresh ? reader.read() : pushedBack[--pushed];
            if (c == '\n') line++;
            // a character read again after unread() was counted the first time
            if (fresh && c != -1) nest(c);
            if (awaitingStart && c != -1) {
                if (inComment) {
                    inComment = c != '\n';
                } else if (c == ';') {
                    inComment = true;
                } else if (!Character.isWhitespace(c) && c != ',') {
                    awaitingStart = false;
                    startLine = line;
                }
            }
            return c == -1 ? END_OF_INPUT : c;
        }

        private void nest(int c) {
            if (charLiteral) {
                charLiteral = false;
            } else if (inString) {
                if (escaped) escaped = false;
                else if (c == '\\') escaped = true;
                else if (c == '"') inString = false;
            } else if (inLineComment) {
                inLineComment = c != '\n';
            } else if (c == '"') {
                inString = true;
            } else if (c == ';') {
                inLineComment = true;
            } else if (c == '\\') {
                charLiteral = true;
            } else if (c == '[' || c == '(' || c == '{') {
                if (++depth > MAX_EDN_DEPTH) {
                    throw new BadInputException(name, line, "not EDN a history can hold: brackets nested more than "
                            + MAX_EDN_DEPTH + " deep");
                }
            } else if ((c == ']' || c == ')' || c == '}') && depth > 0) {
                depth--;
            }
        }

        @Override
        public void unread(int c) {
            if (c == END_OF_INPUT) return;
            if (c == '\n') line--;
            pushedBack[pushed++] = c;
        }

        @Override
        public void close() throws IOException {
            reader.close();
        }
    }

    // ---------------------------------------------------------------- fields, either format

    /** Checks one event's fields, naming the file and line in every error. */
    private record Field(String file, long line) {
        BadInputException bad(String field, String reason) {
            return new BadInputException(file, line, "\"" + field + "\" " + reason);
        }

        /** @return the event, or null when it is not a client operation (a nemesis event) */
        HistoryEvent event(Object process, Object type, Object f, Object key, Object value, Object time) {
            if (process == null) throw bad("process", "is missing");
            if (process instanceof String) return null; // :nemesis and the like
            if (!(process instanceof Long p)) throw bad("process", "must be an integer, got " + Values.show(process));
            if (type == null) throw bad("type", "is missing");
            Type t = type instanceof String s ? Type.parse(s) : null;
            if (t == null) throw bad("type", "must be one of invoke, ok, fail, info, got " + Values.show(type));
            if (f == null) throw bad("f", "is missing");
            Fn fn = f instanceof String s ? Fn.parse(s) : null;
            if (fn == null) {
                throw bad("f", "must be one of read, write, cas, append (or get, put), got " + Values.show(f));
            }
            if (key instanceof List || key instanceof Boolean || key instanceof Double) {
                throw bad("key", "must be a string or an integer, got " + Values.show(key));
            }
            long nanos = HistoryEvent.NO_TIME;
            if (time != null) {
                if (!(time instanceof Long tl) || tl < 0) {
                    throw bad("time", "must be a non-negative integer (nanoseconds), got " + Values.show(time));
                }
                nanos = tl;
            }
            if (t == Type.INVOKE && fn == Fn.CAS && !(value instanceof List<?> pair && pair.size() == 2)) {
                throw bad("value", "of a cas invocation must be [from, to], got " + Values.show(value));
            }
            if (t == Type.INVOKE && fn == Fn.APPEND && !(value instanceof String || value instanceof List)) {
                // a list is a key and a value ([k v], Maelstrom's form), checked once the key is out
                throw bad("value", "of an append invocation must be a string, got " + Values.show(value));
            }
            return new HistoryEvent(p, t, fn, key, value, nanos);
        }
    }
}
