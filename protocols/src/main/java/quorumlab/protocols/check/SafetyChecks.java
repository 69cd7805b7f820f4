package quorumlab.protocols.check;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import quorumlab.protocols.trace.TraceRecord;

/**
 * Chooses the trace-level safety checkers for a protocol (DESIGN.md, "Checks that run on every
 * trace"): no acknowledged write lost, for every protocol, plus the protocol's own invariants.
 */
public final class SafetyChecks {
    /** One checker: the violations it finds in a trace, one line each; empty means safe. */
    @FunctionalInterface
    public interface Checker {
        List<String> violations(List<TraceRecord> trace);
    }

    /** Each protocol's own invariants; a protocol with none listed gets only the common checks. */
    private static final Map<String, Checker> PROTOCOL_INVARIANTS = Map.of(
            "raft", RaftInvariants::violations,
            "multi-paxos", PaxosInvariants::violations);

    private SafetyChecks() {}

    /** The checkers that apply to {@code protocol}, common ones first. */
    public static List<Checker> forProtocol(String protocol) {
        List<Checker> checkers = new ArrayList<>();
        checkers.add(AcknowledgedWrites::violations);
        Checker own = PROTOCOL_INVARIANTS.get(protocol);
        if (own != null) checkers.add(own);
        return checkers;
    }

    /** Every violation any checker for {@code protocol} finds in {@code trace}. */
    public static List<String> violations(String protocol, List<TraceRecord> trace) {
        List<String> all = new ArrayList<>();
        for (Checker checker : forProtocol(protocol)) {
            all.addAll(checker.violations(trace));
        }
        return all;
    }
}
