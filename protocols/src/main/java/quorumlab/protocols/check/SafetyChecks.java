package quorumlab.protocols.check;

import java.util.ArrayList;
import java.util.List;
import quorumlab.protocols.Protocol;
import quorumlab.protocols.trace.TraceRecord;

/**
 * Chooses the trace-level safety checkers for a protocol (DESIGN.md, "Checks that run on every
 * trace"): no acknowledged write lost, for every protocol, plus the invariants the protocol's own
 * module registers through {@link Protocol#invariants()}. This module names no protocol.
 */
public final class SafetyChecks {
    /** One checker: the violations it finds in a trace, one line each; empty means safe. */
    @FunctionalInterface
    public interface Checker {
        List<String> violations(List<TraceRecord> trace);
    }

    private SafetyChecks() {}

    /** The checkers that apply to {@code protocol}, common ones first. */
    public static List<Checker> forProtocol(Protocol protocol) {
        List<Checker> checkers = new ArrayList<>();
        checkers.add(AcknowledgedWrites::violations);
        checkers.addAll(protocol.invariants());
        return checkers;
    }

    /**
     * The checkers for the protocol named {@code name} (say, in a trace's meta record). A name that
     * no protocol on the class path answers to gets the common checks only.
     */
    public static List<Checker> forProtocol(String name) {
        return Protocol.all().stream().filter(p -> p.name().equals(name)).findFirst()
                .map(SafetyChecks::forProtocol)
                .orElseGet(() -> List.of(AcknowledgedWrites::violations));
    }

    /** Every violation any checker for {@code protocol} finds in {@code trace}. */
    public static List<String> violations(Protocol protocol, List<TraceRecord> trace) {
        return violations(forProtocol(protocol), trace);
    }

    /** Every violation any checker for the protocol named {@code name} finds in {@code trace}. */
    public static List<String> violations(String name, List<TraceRecord> trace) {
        return violations(forProtocol(name), trace);
    }

    private static List<String> violations(List<Checker> checkers, List<TraceRecord> trace) {
        List<String> all = new ArrayList<>();
        for (Checker checker : checkers) {
            all.addAll(checker.violations(trace));
        }
        return all;
    }
}
