package quorumlab.analysis.check;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import quorumlab.analysis.check.HistoryEvent.Fn;
import quorumlab.analysis.check.HistoryEvent.Type;

/** Turns a history's events into operations, and splits operations by key. */
public final class Histories {
    private Histories() {}

    /** Builds the exception for a bad event, given its position in the history and the reason. */
    @FunctionalInterface
    interface ErrorAt {
        RuntimeException at(int eventIndex, String reason);
    }

    /**
     * Pairs each invocation with its process's next completion.
     *
     * @throws IllegalArgumentException naming the event (0-based position) and the reason when a
     *     process invokes while it has an operation open, completes what it never invoked, or
     *     completes a different function or key than it invoked
     */
    public static List<ClientOp> operations(List<HistoryEvent> events) {
        return operations(events, i -> "event " + i,
                (i, reason) -> new IllegalArgumentException("event " + i + ": " + reason));
    }

    /** @param place names an event in messages ("event 3", or "line 4" for a file) */
    static List<ClientOp> operations(List<HistoryEvent> events, IntFunction<String> place, ErrorAt error) {
        record Open(int event, HistoryEvent invoke, int slot) {}
        Map<Long, Open> open = new HashMap<>();
        List<ClientOp> ops = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            HistoryEvent e = events.get(i);
            Open pending = open.get(e.process());
            if (e.type() == Type.INVOKE) {
                if (pending != null) {
                    throw error.at(i, "process " + e.process() + " invokes " + e.f().label()
                            + " while its " + pending.invoke().f().label() + " invoked "
                            + "at " + place.apply(pending.event()) + " has not completed");
                }
                checkArgument(e, i, error);
                open.put(e.process(), new Open(i, e, ops.size()));
                ops.add(null); // filled in when the operation completes, or at the end
                continue;
            }
            if (pending == null) {
                throw error.at(i, "process " + e.process() + " completes (" + e.type().label() + " "
                        + e.f().label() + ") an operation it never invoked");
            }
            HistoryEvent inv = pending.invoke();
            if (inv.f() != e.f()) {
                throw error.at(i, "process " + e.process() + " invoked " + inv.f().label() + " "
                        + "at " + place.apply(pending.event()) + " but completes " + e.f().label());
            }
            if (e.key() != null && !e.key().equals(inv.key())) {
                throw error.at(i, "process " + e.process() + " invoked on key " + Values.show(inv.key())
                        + " " + "at " + place.apply(pending.event()) + " but completes on key " + Values.show(e.key()));
            }
            Object result = e.type() == Type.OK && e.f() == Fn.READ ? e.value() : null;
            ops.set(pending.slot(), new ClientOp(pending.slot(), e.process(), inv.f(), inv.key(),
                    argumentOf(inv), e.type(), result, pending.event(), i, inv.time(), e.time()));
            open.remove(e.process());
        }
        for (Open pending : open.values()) {
            HistoryEvent inv = pending.invoke();
            ops.set(pending.slot(), new ClientOp(pending.slot(), inv.process(), inv.f(), inv.key(),
                    argumentOf(inv), Type.INFO, null, pending.event(), -1, inv.time(), HistoryEvent.NO_TIME));
        }
        return ops;
    }

    private static void checkArgument(HistoryEvent e, int i, ErrorAt error) {
        if (e.f() == Fn.CAS && !(e.value() instanceof List<?> pair && pair.size() == 2)) {
            throw error.at(i, "a cas invocation's value must be [from, to], got " + Values.show(e.value()));
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
        boolean sawReadOrWrite = false;
        for (HistoryEvent e : events) {
            if (e.key() != null) return events;
            if (!e.isInvoke()) continue;
            if (!(e.value() instanceof List<?> pair && pair.size() == 2)) return events;
            if (e.f() == Fn.CAS) {
                if (!(pair.get(1) instanceof List<?> inner && inner.size() == 2)) return events;
            } else {
                sawReadOrWrite = true;
            }
        }
        if (!sawReadOrWrite) return events;
        Map<Long, Object> keyOfOpen = new HashMap<>();
        List<HistoryEvent> plain = new ArrayList<>(events.size());
        for (HistoryEvent e : events) {
            Object key;
            if (e.isInvoke()) {
                key = ((List<?>) e.value()).get(0);
                keyOfOpen.put(e.process(), key);
            } else {
                key = keyOfOpen.remove(e.process());
            }
            Object value = e.value() instanceof List<?> pair && pair.size() == 2 ? pair.get(1) : e.value();
            plain.add(new HistoryEvent(e.process(), e.type(), e.f(), key, value, e.time()));
        }
        return plain;
    }
}
