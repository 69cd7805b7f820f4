package quorumlab.analysis.check;

import java.util.ArrayList;
import java.util.List;
import quorumlab.analysis.check.HistoryEvent.Fn;
import quorumlab.analysis.check.HistoryEvent.Type;

/** Builds small histories for tests, one event per call, with times 10, 20, 30, ... */
final class Hist {
    private final List<HistoryEvent> events = new ArrayList<>();
    private final Object key;

    private Hist(Object key) {
        this.key = key;
    }

    /** A history of one register (no keys). */
    static Hist register() {
        return new Hist(null);
    }

    static Hist onKey(String key) {
        return new Hist(key);
    }

    Hist add(long process, Type type, Fn f, Object key, Object value) {
        events.add(new HistoryEvent(process, type, f, key, value, 10L * (events.size() + 1)));
        return this;
    }

    Hist invokeWrite(long p, Object v) {
        return add(p, Type.INVOKE, Fn.WRITE, key, v);
    }

    Hist invokeRead(long p) {
        return add(p, Type.INVOKE, Fn.READ, key, null);
    }

    Hist invokeCas(long p, Object from, Object to) {
        return add(p, Type.INVOKE, Fn.CAS, key, java.util.Arrays.asList(from, to));
    }

    /** Completes process {@code p}'s open operation ({@code f}) with {@code type}. */
    Hist complete(long p, Type type, Fn f, Object value) {
        return add(p, type, f, null, value);
    }

    Hist okWrite(long p, Object v) {
        return complete(p, Type.OK, Fn.WRITE, v);
    }

    Hist okRead(long p, Object v) {
        return complete(p, Type.OK, Fn.READ, v);
    }

    Hist okCas(long p, Object from, Object to) {
        return complete(p, Type.OK, Fn.CAS, java.util.Arrays.asList(from, to));
    }

    Hist infoWrite(long p, Object v) {
        return complete(p, Type.INFO, Fn.WRITE, v);
    }

    Hist failWrite(long p, Object v) {
        return complete(p, Type.FAIL, Fn.WRITE, v);
    }

    /** An ok write by {@code p}, invoked and completed at once. */
    Hist write(long p, Object v) {
        return invokeWrite(p, v).okWrite(p, v);
    }

    Hist read(long p, Object v) {
        return invokeRead(p).okRead(p, v);
    }

    List<HistoryEvent> events() {
        return events;
    }

    History history() {
        return History.of("test", events);
    }

    LinearizabilityChecker.Result check() {
        return LinearizabilityChecker.check(history());
    }
}
