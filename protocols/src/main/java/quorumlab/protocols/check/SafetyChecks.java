package quorumlab.protocols.check;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import quorumlab.protocols.Protocol;
import quorumlab.protocols.trace.TraceRecord;

/**
 * Chooses the trace-level safety checkers for a protocol (DESIGN.md, "Checks that run on every
 * trace"): no acknowledged write lost, for every protocol, plus the invariants the protocol's own
 * module registers through {@link Protocol#invariants()}. This module names no protocol.
 *
 * <p>Checkers read a trace as a stream, one record at a time, and keep only what a later record can
 * still contradict, so a trace of any length is checked in bounded memory. A trace held in memory is
 * just a short stream ({@link #violations(Supplier, Iterable)}).
 */
public final class SafetyChecks {
    /**
     * One checker for one trace, made fresh per trace by its factory: it is fed the trace's records
     * in order, then asked for the violations it found, one line each (empty means safe).
     */
    public interface Checker {
        void accept(TraceRecord record);

        List<String> finish();
    }

    private SafetyChecks() {}

    /** The checker factories that apply to {@code protocol}, common ones first. */
    public static List<Supplier<Checker>> forProtocol(Protocol protocol) {
        List<Supplier<Checker>> checkers = new ArrayList<>();
        checkers.add(AcknowledgedWrites::new);
        checkers.addAll(protocol.invariants());
        return checkers;
    }

    /**
     * The checker factories for the protocol named {@code name} (say, in a trace's meta record). A
     * name that no protocol on the class path answers to gets the common checks only.
     */
    public static List<Supplier<Checker>> forProtocol(String name) {
        return Protocol.all().stream().filter(p -> p.name().equals(name)).findFirst()
                .map(SafetyChecks::forProtocol)
                .orElseGet(() -> List.of(AcknowledgedWrites::new));
    }

    /** Every violation any checker for {@code protocol} finds in {@code trace}. */
    public static List<String> violations(Protocol protocol, Iterable<TraceRecord> trace) {
        return violations(forProtocol(protocol), trace);
    }

    /** Every violation any checker for the protocol named {@code name} finds in {@code trace}. */
    public static List<String> violations(String name, Iterable<TraceRecord> trace) {
        return violations(forProtocol(name), trace);
    }

    /** The violations one fresh checker from {@code factory} finds in {@code trace}. */
    public static List<String> violations(Supplier<Checker> factory, Iterable<TraceRecord> trace) {
        Checker checker = factory.get();
        for (TraceRecord r : trace) checker.accept(r);
        return checker.finish();
    }

    private static List<String> violations(List<Supplier<Checker>> factories, Iterable<TraceRecord> trace) {
        List<Checker> checkers = factories.stream().map(Supplier::get).toList();
        for (TraceRecord r : trace) {
            for (Checker c : checkers) c.accept(r);
        }
        List<String> all = new ArrayList<>();
        for (Checker c : checkers) all.addAll(c.finish());
        return all;
    }
}
