package quorumlab.analysis.experiment;

import java.util.List;

/**
 * What Ongaro's thesis (Stanford 2014, ch. 9, the AvailSim simulations) reports of its wide-area
 * election run: five servers, one-way network delay uniform in 30-40 ms, election timeouts 300-600 ms,
 * 10,000 elections per case. Raft only: the thesis simulated no other protocol.
 */
final class ThesisWideArea {
    record Quoted(String key, String statistic, double valueMs, String words) {}

    static final List<Quoted> QUOTED = List.of(
            new Quoted("300-600", "mean", 475, "one server failed: the mean election took about 475 ms"),
            new Quoted("300-600", "p99.9", 1_500, "one server failed: 99.9% of elections finished within 1.5 s"),
            new Quoted("300-600/2-failed", "mean", 650, "two servers failed: the mean was about 650 ms"),
            new Quoted("300-600/2-failed", "p99.9", 3_000, "two servers failed: 99.9% within 3 s"));

    static List<Quoted> quotedFor(String key) {
        return QUOTED.stream().filter(q -> q.key().equals(key)).toList();
    }

    private ThesisWideArea() {}
}
