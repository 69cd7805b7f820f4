package quorumlab.analysis.check;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;
import quorumlab.analysis.check.HistoryEvent.Fn;
import quorumlab.analysis.check.HistoryEvent.Type;

/** Turns a history's events into operations, and splits operations by key. */
public final class Histories {
    private Histories() {}

    /** Builds the exception for a bad event, given where it is (its position, or its line) and the reason. */
    @FunctionalInterface
    interface ErrorAt {
        RuntimeException at(long where, String reason);
    }

    /**
     * Pairs each invocation with its process's next completion.
     *
     * @throws IllegalArgumentException naming the event (0-based position) and the reason when a
     *     process invokes while it has an operation open, completes what it never invoked, or
     *     completes a different function or key than it invoked
     */
    public static List<ClientOp> operations(List<HistoryEvent> events) {
        return operations(events, null, i -> "event " + i,
                (i, reason) -> new IllegalArgumentException("event " + i + ": " + reason));
    }

    /**
     * @param where where each event is (its line in a file), or null for its position
     * @param place names a place in messages ("event 3", or "line 4" for a file)
     */
    static List<ClientOp> operations(List<HistoryEvent> events, java.util.function.IntToLongFunction where,
            LongFunction<String> place, ErrorAt error) {
        List<ClientOp> ops = new ArrayList<>();
        TraceHistory.Sink collect = new TraceHistory.Sink() {
            @Override
            public void invoke(long id, long process, Fn f, Object key, Object argument, int position, long time) {
                ops.add(new ClientOp((int) id, process, f, key, argument, Type.INFO, null, position, -1, time,
                        HistoryEvent.NO_TIME));
            }

            @Override
            public void complete(long id, Type outcome, Object result, int position, long time) {
                ClientOp inv = ops.get((int) id);
                ops.set((int) id, new ClientOp(inv.index(), inv.process(), inv.f(), inv.key(), inv.argument(), outcome,
                        result, inv.invokeEvent(), position, inv.invokeTime(), time));
            }
        };
        Pairing pairing = new Pairing(collect, place, error);
        for (int i = 0; i < events.size(); i++) pairing.accept(events.get(i), where == null ? i : where.applyAsLong(i));
        return ops;
    }

    /**
     * Pairs each invocation with its process's next completion as the events stream by, telling a
     * sink each operation's invocation and completion; operations are numbered in invocation
     * order, and an event's position is its place among the events accepted. An operation still
     * open at the end stays open (a check takes it for {@code info}). Memory: the open operations.
     */
    static final class Pairing {
        private record Open(long id, long where, HistoryEvent invoke) {}

        private final TraceHistory.Sink sink;
        private final LongFunction<String> place;
        private final ErrorAt error;
        private final Map<Long, Open> open = new HashMap<>();
        private long nextId;
        private int position;

        /**
         * @param place names a place in messages ("event 3", or "line 4" for a file)
         * @param error builds the exception for a bad event at a place
         */
        Pairing(TraceHistory.Sink sink, LongFunction<String> place, ErrorAt error) {
            this.sink = sink;
            this.place = place;
            this.error = error;
        }

        /**
         * @param where the event's place (its line in a file)
         * @throws RuntimeException from {@code error} when a process invokes while it has an
         *     operation open, completes what it never invoked, or completes a different function or
         *     key than it invoked
         */
        void accept(HistoryEvent e, long where) {
            int at = position++;
            Open pending = open.get(e.process());
            if (e.type() == Type.INVOKE) {
                if (pending != null) {
                    throw error.at(where, "process " + e.process() + " invokes " + e.f().label()
                            + " while its " + pending.invoke().f().label() + " invoked "
                            + "at " + place.apply(pending.where()) + " has not completed");
                }
                checkArgument(e, where, error);
                open.put(e.process(), new Open(nextId, where, e));
                sink.invoke(nextId++, e.process(), e.f(), e.key(), argumentOf(e), at, e.time());
                return;
            }
            if (pending == null) {
                throw error.at(where, "process " + e.process() + " completes (" + e.type().label() + " "
                        + e.f().label() + ") an operation it never invoked");
            }
            HistoryEvent inv = pending.invoke();
            if (inv.f() != e.f()) {
                throw error.at(where, "process " + e.process() + " invoked " + inv.f().label() + " "
                        + "at " + place.apply(pending.where()) + " but completes " + e.f().label());
            }
            if (e.key() != null && !e.key().equals(inv.key())) {
                throw error.at(where, "process " + e.process() + " invoked on key " + Values.show(inv.key())
                        + " " + "at " + place.apply(pending.where()) + " but completes on key " + Values.show(e.key()));
            }
            Object result = e.type() == Type.OK && e.f() == Fn.READ ? e.value() : null;
            open.remove(e.process());
            sink.complete(pending.id(), e.type(), result, at, e.time());
        }
    }

    private static void checkArgument(HistoryEvent e, long where, ErrorAt error) {
        if (e.f() == Fn.CAS && !(e.value() instanceof List<?> pair && pair.size() == 2)) {
            throw error.at(where, "a cas invocation's value must be [from, to], got " + Values.show(e.value()));
        }
        if (e.f() == Fn.APPEND && !(e.value() instanceof String)) {
            throw error.at(where, "\"value\" of an append invocation must be a string, got " + Values.show(e.value()));
        }
    }

    private static Object argumentOf(HistoryEvent invoke) {
        return invoke.f() == Fn.READ ? null : invoke.value();
    }

    /** The operations of each key, in invocation order; keys in order of first appearance. */
    public static Map<Object, List<ClientOp>> byKey(List<ClientOp> ops) {
        Map<Object, List<ClientOp>> byKey = new LinkedHashMap<>();
        for (ClientOp op : ops) {
            byKey.computeIfAbsent(op.key() == null ? NO_KEY : op.key(), k -> new ArrayList<>()).add(op);
        }
        return byKey;
    }

    /** The map key {@link #byKey} uses for operations that name no key (a single register). */
    public static final Object NO_KEY = new Object() {
        @Override
        public String toString() {
            return "(register)";
        }
    };

    /**
     * Maelstrom's lin-kv and Jepsen's independent checker put the key inside the value:
     * {@code :value [k v]} ({@code [k [from to]]} for cas). When no event names a key and every
     * invocation's value has that shape (and at least one is not a cas, so a plain register's
     * {@code [from to]} is never mistaken for it), the key is taken out of the value.
     */
    static List<HistoryEvent> untuple(List<HistoryEvent> events) {
        TupleTest test = new TupleTest();
        for (HistoryEvent e : events) {
            if (!test.accept(e)) break;
        }
        if (!test.keyInValue()) return events;
        Untuple untuple = new Untuple();
        List<HistoryEvent> plain = new ArrayList<>(events.size());
        for (HistoryEvent e : events) plain.add(untuple.apply(e));
        return plain;
    }

    /** Decides, event by event, whether a history puts its keys inside its values (see {@link #untuple}). */
    static final class TupleTest {
        private boolean sawReadOrWrite;
        private boolean refuted;

        /** @return false once the answer is known to be no (there is no need to read further) */
        boolean accept(HistoryEvent e) {
            if (refuted) return false;
            if (e.key() != null) refuted = true;
            if (refuted || !e.isInvoke()) return !refuted;
            if (!(e.value() instanceof List<?> pair && pair.size() == 2)) {
                refuted = true;
            } else if (e.f() == Fn.CAS) {
                if (!(pair.get(1) instanceof List<?> inner && inner.size() == 2)) refuted = true;
            } else {
                sawReadOrWrite = true;
            }
            return !refuted;
        }

        /** After every event: true when the keys are inside the values. */
        boolean keyInValue() {
            return !refuted && sawReadOrWrite;
        }
    }

    /** Takes the key out of each event's value, as the events stream by; memory: the open operations. */
    static final class Untuple {
        private final Map<Long, Object> keyOfOpen = new HashMap<>();

        HistoryEvent apply(HistoryEvent e) {
            Object key;
            if (e.isInvoke()) {
                key = ((List<?>) e.value()).get(0);
                keyOfOpen.put(e.process(), key);
            } else {
                key = keyOfOpen.remove(e.process());
            }
            Object value = e.value() instanceof List<?> pair && pair.size() == 2 ? pair.get(1) : e.value();
            return new HistoryEvent(e.process(), e.type(), e.f(), key, value, e.time());
        }
    }
}
