package quorumlab.analysis.experiment;

import java.util.ArrayList;
import java.util.List;
import quorumlab.analysis.check.CheckStatus;
import quorumlab.analysis.check.Checks;
import quorumlab.analysis.check.History;
import quorumlab.analysis.check.TraceHistory;
import quorumlab.analysis.check.Verdict;
import quorumlab.protocols.trace.TraceRecord;

/**
 * Every check the project runs on a trace, for the experiments that keep their traces in memory:
 * the protocol's invariants, no acknowledged write lost, and linearizability of the clients'
 * history. Shared by the partial-partition and election-cost experiments.
 */
final class TrialChecks {
    /** What the checks found: one line per violation; {@code unknown} when a check could not decide. */
    record Result(List<String> violations, boolean unknown) {}

    static Result run(List<TraceRecord> trace) {
        List<Verdict.Check> checks = new ArrayList<>(Checks.traceChecks(trace));
        if (TraceHistory.hasClients(trace)) {
            History history = TraceHistory.fromTrace("experiment", trace);
            checks.add(Checks.linearizability(history, new Checks.Settings(Checks.Settings.DEFAULT.bound(), null, false), null, "trial"));
        }
        List<String> violations = new ArrayList<>();
        boolean unknown = false;
        for (Verdict.Check c : checks) {
            if (c.status() == CheckStatus.VIOLATION) violations.add(c.name() + ": " + c.summary());
            if (c.status() == CheckStatus.UNKNOWN) unknown = true;
        }
        return new Result(violations, unknown);
    }

    private TrialChecks() {}
}
