package quorumlab.protocols.trace;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.ProtocolEvent;

/** A trace kept in memory, for tests and for analysing a run without writing it out. */
public final class InMemoryTrace implements TraceSink {
    private final List<TraceRecord> records = new ArrayList<>();

    @Override
    public synchronized void record(TraceRecord record) {
        records.add(record);
    }

    /** A copy of every record so far, in the order they were recorded. */
    public synchronized List<TraceRecord> records() {
        return List.copyOf(records);
    }

    /** Every protocol-event record so far. */
    public synchronized List<TraceRecord.Event> events() {
        List<TraceRecord.Event> events = new ArrayList<>();
        for (TraceRecord r : records) {
            if (r instanceof TraceRecord.Event e) events.add(e);
        }
        return events;
    }

    /** Every protocol event of {@code type} so far, from any node. */
    public synchronized <E extends ProtocolEvent> List<E> events(Class<E> type) {
        List<E> events = new ArrayList<>();
        for (TraceRecord r : records) {
            if (r instanceof TraceRecord.Event e && type.isInstance(e.event())) events.add(type.cast(e.event()));
        }
        return events;
    }

    /** Every protocol event of {@code type} emitted by {@code node}. */
    public synchronized <E extends ProtocolEvent> List<E> events(NodeId node, Class<E> type) {
        List<E> events = new ArrayList<>();
        for (TraceRecord r : records) {
            if (r instanceof TraceRecord.Event e && e.node().equals(node) && type.isInstance(e.event())) {
                events.add(type.cast(e.event()));
            }
        }
        return events;
    }

    /** Every record of {@code kind} (for example {@code TraceRecord.Deliver.class}). */
    public synchronized <R extends TraceRecord> List<R> records(Class<R> kind) {
        List<R> out = new ArrayList<>();
        for (TraceRecord r : records) {
            if (kind.isInstance(r)) out.add(kind.cast(r));
        }
        return Collections.unmodifiableList(out);
    }

    public synchronized int size() {
        return records.size();
    }

    public synchronized void clear() {
        records.clear();
    }
}
