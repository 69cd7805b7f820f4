package quorumlab.analysis.check;

import java.util.List;

/**
 * Everything the checks found about one file (or one run's directory): one {@link Check} per
 * check that applies.
 */
public record Verdict(String file, List<Check> checks) {
    public Verdict {
        checks = List.copyOf(checks);
    }

    /**
     * One check's outcome.
     *
     * @param name {@code linearizability}, {@code acknowledged-writes}, {@code raft-invariants}, ...
     * @param summary one line for people
     * @param details the violations, one line each (a counterexample's operations, an invariant's
     *     broken instances), empty when ok
     * @param pictures files that show a counterexample (SVG, and the HTML page embedding it)
     */
    public record Check(String name, CheckStatus status, String summary, List<String> details, List<String> pictures) {
        public Check {
            details = List.copyOf(details);
            pictures = List.copyOf(pictures);
        }
    }

    /** The worst of the checks' outcomes: a violation over unknown over ok (ok when there are none). */
    public CheckStatus status() {
        CheckStatus worst = CheckStatus.OK;
        for (Check c : checks) worst = worst.worst(c.status());
        return worst;
    }
}
