package quorumlab.analysis.experiment;

import java.util.List;
import java.util.Optional;

/**
 * What the Raft paper's text quotes of its Figure 16 (Ongaro &amp; Ousterhout, USENIX ATC 2014, §9.3):
 * five servers, broadcast time roughly 15 ms, the leader crashed uniformly at random within its
 * heartbeat interval (half the minimum election timeout), 1,000 trials per setting.
 * Only these values are published as numbers; the rest of the figure is a plot.
 */
final class PaperFigure16 {
    /** A quoted number: which statistic of which setting, in milliseconds, and the paper's words. */
    record Quoted(String setting, String statistic, double valueMs, boolean lowerBound, String source, String words) {}

    static final List<Quoted> QUOTED = List.of(
            new Quoted("150-150", "median", 41_000, false, "thesis",
                    "with no randomness, elections took longer than 10 s: median about 41 s (the thesis's figure)"),
            new Quoted("150-150", "max", 528_000, false, "thesis", "with no randomness, the longest of 100 trials took 528 s"),
            new Quoted("150-155", "median", 287, false, "", "5 ms of randomness: median downtime 287 ms"),
            new Quoted("150-200", "max", 513, false, "", "50 ms of randomness: worst case over 1,000 trials 513 ms"),
            new Quoted("12-24", "mean", 35, false, "", "12-24 ms: 35 ms on average"),
            new Quoted("12-24", "max", 152, false, "", "12-24 ms: the longest trial took 152 ms"));

    /** The top graph: randomness added to a 150 ms minimum timeout. */
    static final List<String> RANDOMNESS_SETTINGS =
            List.of("150-150", "150-151", "150-155", "150-175", "150-200", "150-300");

    /** The bottom graph: the whole range scaled. */
    static final List<String> SCALED_SETTINGS = List.of("12-24", "25-50", "50-100", "100-200", "150-300");

    static List<Quoted> quotedFor(String setting) {
        return QUOTED.stream().filter(q -> q.setting().equals(setting)).toList();
    }

    static Optional<Quoted> quoted(String setting, String statistic) {
        return QUOTED.stream()
                .filter(q -> q.setting().equals(setting) && q.statistic().equals(statistic))
                .findFirst();
    }

    /**
     * The paper ran 100 trials for 150-150 (each took seconds, its elections livelock) and 1,000 for
     * every other setting; so 150-150 runs at most 100 of the trials asked for.
     */
    static int trialsFor(Setting setting, int requested) {
        return setting.toString().equals("150-150") ? Math.min(requested, 100) : requested;
    }

    private PaperFigure16() {}
}
