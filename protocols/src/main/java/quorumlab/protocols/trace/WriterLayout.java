package quorumlab.protocols.trace;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import quorumlab.protocols.ClientReply;
import quorumlab.protocols.ClientRequest;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.Operation;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.Result;

/**
 * Reads one line in exactly the layout {@link TraceWriter} gives the records a run is made of
 * (the log's events, client invocations and completions: over 99% of a trace's lines), or says it
 * cannot. A line in that layout is a sequence of known constant parts (field names, punctuation)
 * and values, so it is matched part by part, with no tokens, no field-name lookup and no string
 * per name: this is what makes checking a trace cheaper than parsing JSON in general.
 *
 * <p>Anything else (another kind of record or event, fields in another order or missing, a string
 * with an escape or a non-ASCII character, a number with a leading zero, a fraction or 19 digits,
 * whitespace) and {@link #read} returns null, and {@link TraceReader} reads the line with its
 * general JSON path: the records, and the errors for damaged input, are that path's. So this
 * class may accept a line only if that path would read it to the same record.
 */
final class WriterLayout {
    private static final NodeId[] NODES = new NodeId[64];

    static {
        for (int i = 1; i < NODES.length; i++) NODES[i] = NodeId.of(i);
    }

    private byte[] b;
    private int p;
    private int end;
    /** False once the line has left the layout; every later step is then a no-op and the line is refused. */
    private boolean ok;

    /** The record on {@code bytes[from, to)} (a line without its newline), or null when it is not in the layout. */
    TraceRecord read(byte[] bytes, int from, int to) {
        b = bytes;
        p = from;
        end = to;
        ok = true;
        TraceRecord r;
        if (is(EVENT)) r = event();
        else if (is(INVOKE)) r = invoke();
        else if (is(COMPLETE)) r = complete();
        else return null;
        return ok && p == end ? r : null;
    }

    // {"kind":"event","v":1,"t":T,"node":"nN","event":{"type":"...", fields in the writer's order}}
    private TraceRecord event() {
        long t = number();
        expect(NODE);
        NodeId node = node();
        expect(EVENT_TYPE);
        ProtocolEvent e;
        if (is(ENTRY_APPENDED)) e = new ProtocolEvent.EntryAppended(number(), then(TERM), command());
        else if (is(ENTRY_COMMITTED)) e = new ProtocolEvent.EntryCommitted(number(), then(TERM), command());
        else if (is(ENTRY_APPLIED)) e = new ProtocolEvent.EntryApplied(number(), command());
        else if (is(VALUE_ACCEPTED)) e = new ProtocolEvent.ValueAccepted(number(), then(TERM), is(PROPOSER) ? node() : null, command());
        else if (is(SLOT_CHOSEN)) e = new ProtocolEvent.SlotChosen(number(), then(TERM), command());
        else if (is(GAP_OPENED)) e = new ProtocolEvent.GapOpened(number(), then(CHOSEN_SLOT));
        else if (is(GAP_CLOSED)) e = new ProtocolEvent.GapClosed(number(), then(UP_TO));
        else if (is(APPEND_REJECTED)) e = new ProtocolEvent.AppendRejected(node(), then(TERM), then(PREV_LOG_INDEX), is(REASON) ? string() : null);
        else return refuse();
        expect(END2);
        return new TraceRecord.Event(t, node, e);
    }

    // {"kind":"invoke","v":1,"t":T,"intended":I,"node":"nN","request":{"type":"request","clientId":C,"seq":S,"operation":{"f":...}}}
    private TraceRecord invoke() {
        long t = number();
        long intended = then(INTENDED);
        expect(NODE);
        NodeId node = node();
        long clientId = then(REQUEST);
        long seq = then(SEQ);
        Operation op;
        if (is(WRITE)) op = new Operation.Put(string(), thenString(VALUE));
        else if (is(READ)) op = new Operation.Get(string());
        else if (is(CAS)) op = new Operation.Cas(string(), thenString(EXPECTED), thenString(VALUE));
        else return refuse();
        expect(END3);
        return new TraceRecord.Invoke(t, intended, node, new ClientRequest(clientId, seq, op));
    }

    // {"kind":"complete","v":1,"t":T,"clientId":C,"seq":S,"node":"nN","reply":{"type":...},"outcome":"..."}
    private TraceRecord complete() {
        long t = number();
        long clientId = then(CLIENT_ID);
        long seq = then(SEQ);
        expect(NODE);
        NodeId node = node();
        ClientReply reply;
        if (is(COMMITTED)) {
            long replyClient = number();
            long replySeq = then(SEQ);
            long index = then(INDEX);
            expect(RESULT_OK);
            boolean okResult = is(TRUE);
            if (!okResult) expect(FALSE);
            String value = is(VALUE) ? string() : null;
            expect(END2);
            reply = new ClientReply.Committed(replyClient, replySeq, index, new Result(okResult, value));
        } else if (is(NOT_LEADER)) {
            long replyClient = number();
            long replySeq = then(SEQ);
            Optional<NodeId> hint = Optional.empty();
            if (is(HINT_NULL)) hint = Optional.empty();
            else if (is(HINT)) hint = Optional.of(node());
            expect(END1);
            reply = new ClientReply.NotLeader(replyClient, replySeq, hint);
        } else {
            return refuse();
        }
        expect(OUTCOME);
        String outcome = string();
        expect(END1);
        return new TraceRecord.Complete(t, clientId, seq, node, reply, outcome);
    }

    // ---- the parts ----

    /** Takes {@code part} if the line goes on with it. */
    private boolean is(byte[] part) {
        if (!ok || end - p < part.length) return false;
        for (int i = 0; i < part.length; i++) {
            if (b[p + i] != part[i]) return false;
        }
        p += part.length;
        return true;
    }

    private void expect(byte[] part) {
        if (!is(part)) ok = false;
    }

    private <T> T refuse() {
        ok = false;
        return null;
    }

    /** {@code part}, then a number. */
    private long then(byte[] part) {
        expect(part);
        return number();
    }

    /** {@code part}, then a string: the line is refused without them. */
    private String thenString(byte[] part) {
        expect(part);
        return string();
    }

    /** An optional {@code "command":"..."} then the end of the event object's fields. */
    private String command() {
        return is(COMMAND) ? string() : null;
    }

    /** An integer as JSON writes it: an optional minus, no leading zero; at most 18 digits, so it fits a long. */
    private long number() {
        if (!ok) return 0;
        boolean negative = p < end && b[p] == '-';
        if (negative) p++;
        int first = p;
        long v = 0;
        while (p < end && b[p] >= '0' && b[p] <= '9') v = v * 10 + (b[p++] - '0');
        int digits = p - first;
        if (digits == 0 || digits > 18 || (digits > 1 && b[first] == '0')) ok = false;
        return negative ? -v : v;
    }

    /** A string's characters after its opening quote, through its closing one: printable ASCII, no escape. */
    private String string() {
        if (!ok) return null;
        int first = p;
        while (p < end) {
            byte c = b[p];
            if (c == '"') {
                p++;
                return new String(b, first, p - 1 - first, StandardCharsets.ISO_8859_1);
            }
            if (c < 0x20 || c == '\\' || c > 0x7e) break; // negative bytes (UTF-8) are refused too
            p++;
        }
        ok = false;
        return null;
    }

    /** A node name's characters after its opening quote: {@code n1}, {@code n2}, ... */
    private NodeId node() {
        if (!ok) return null;
        if (p < end && b[p] == 'n') p++;
        else ok = false;
        int first = p;
        long id = 0;
        while (ok && p < end && b[p] >= '0' && b[p] <= '9') id = id * 10 + (b[p++] - '0');
        int digits = p - first;
        if (!ok || digits == 0 || digits > 9 || b[first] == '0' || !is(QUOTE)) {
            ok = false;
            return null;
        }
        return id < NODES.length ? NODES[(int) id] : NodeId.of((int) id);
    }

    private static byte[] s(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static final byte[] EVENT = s("{\"kind\":\"event\",\"v\":1,\"t\":"),
            INVOKE = s("{\"kind\":\"invoke\",\"v\":1,\"t\":"),
            COMPLETE = s("{\"kind\":\"complete\",\"v\":1,\"t\":"),
            NODE = s(",\"node\":\""), EVENT_TYPE = s(",\"event\":{\"type\":\""),
            ENTRY_APPENDED = s("EntryAppended\",\"index\":"), ENTRY_COMMITTED = s("EntryCommitted\",\"index\":"),
            ENTRY_APPLIED = s("EntryApplied\",\"index\":"), VALUE_ACCEPTED = s("ValueAccepted\",\"slot\":"),
            SLOT_CHOSEN = s("SlotChosen\",\"slot\":"), GAP_OPENED = s("GapOpened\",\"firstOpen\":"),
            GAP_CLOSED = s("GapClosed\",\"firstOpen\":"), APPEND_REJECTED = s("AppendRejected\",\"leader\":\""),
            TERM = s(",\"term\":"), COMMAND = s(",\"command\":\""), PROPOSER = s(",\"proposer\":\""),
            CHOSEN_SLOT = s(",\"chosenSlot\":"), UP_TO = s(",\"upTo\":"), PREV_LOG_INDEX = s(",\"prevLogIndex\":"),
            REASON = s(",\"reason\":\""), INTENDED = s(",\"intended\":"),
            REQUEST = s(",\"request\":{\"type\":\"request\",\"clientId\":"), SEQ = s(",\"seq\":"),
            WRITE = s(",\"operation\":{\"f\":\"write\",\"key\":\""), READ = s(",\"operation\":{\"f\":\"read\",\"key\":\""),
            CAS = s(",\"operation\":{\"f\":\"cas\",\"key\":\""), VALUE = s(",\"value\":\""), EXPECTED = s(",\"expected\":\""),
            CLIENT_ID = s(",\"clientId\":"), COMMITTED = s(",\"reply\":{\"type\":\"committed\",\"clientId\":"),
            NOT_LEADER = s(",\"reply\":{\"type\":\"not_leader\",\"clientId\":"), INDEX = s(",\"index\":"),
            RESULT_OK = s(",\"result\":{\"ok\":"), TRUE = s("true"), FALSE = s("false"),
            HINT_NULL = s(",\"hint\":null"), HINT = s(",\"hint\":\""), OUTCOME = s(",\"outcome\":\""), QUOTE = s("\""),
            END1 = s("}"), END2 = s("}}"), END3 = s("}}}");
}
