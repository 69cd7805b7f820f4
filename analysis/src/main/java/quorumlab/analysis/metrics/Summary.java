package quorumlab.analysis.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import org.HdrHistogram.Histogram;
import quorumlab.protocols.MessageCategory;

/**
 * One protocol's runs of one scenario summarised: every field of summary.json, in the order
 * results/README.md documents them. Most fields are computed per seed, then summarised across
 * seeds (mean, bootstrap interval); the event fields (elections, unavailability, outages seen by
 * clients, catch-ups) pool the events of every seed first, since one seed holds few of them.
 */
public record Summary(String protocol, int seeds, Map<String, Stat> fields, List<String> violations, String linearizable) {

    /** How one field is computed: per seed, or as a quantile of events pooled over seeds. */
    public record Field(ToDoubleFunction<RunMetrics> perSeed, Function<RunMetrics, List<Double>> events, double q, String basis) {
        Stat compute(List<RunMetrics> runs) {
            if (perSeed != null) return Stat.of(runs.stream().mapToDouble(perSeed).toArray());
            double[] pooled = runs.stream().flatMap(m -> events.apply(m).stream()).mapToDouble(Double::doubleValue).toArray();
            return Stat.pooled(pooled, q, basis);
        }

        public boolean pooled() {
            return perSeed == null;
        }
    }

    public static final Map<String, Field> FIELDS = new LinkedHashMap<>();

    private static void seed(String name, ToDoubleFunction<RunMetrics> f) {
        FIELDS.put(name, new Field(f, null, 0, "seeds"));
    }

    private static void pooled(String name, Function<RunMetrics, List<Double>> events, double q, String basis) {
        FIELDS.put(name, new Field(null, events, q, basis));
    }

    static {
        seed("phase.warmup_ms", m -> m.phases.warmupMs());
        seed("phase.window_ms", m -> m.phases.windowMs());
        seed("phase.drain_ms", m -> m.phases.drainMs());
        seed("latency_ms.p50", m -> percentileMs(m.latency, 50));
        seed("latency_ms.p99", m -> percentileMs(m.latency, 99));
        seed("latency_ms.p999", m -> percentileMs(m.latency, 99.9));
        seed("latency_ms.max", m -> percentileMs(m.latency, 100));
        for (String type : List.of("read", "write", "cas")) {
            seed("latency_ms." + type + ".p50", m -> percentileMs(m.latencyByType.get(type), 50));
            seed("latency_ms." + type + ".p99", m -> percentileMs(m.latencyByType.get(type), 99));
        }
        seed("throughput_ops_s", RunMetrics::throughputOpsPerSecond);
        seed("committed", m -> m.committed);
        seed("client.timeouts", m -> m.clientTimeouts);
        seed("client.redirects", m -> m.clientRedirects);
        seed("client.rejections", m -> m.clientRejections);
        seed("client.refusals", m -> m.clientRefusals);
        seed("client.failures", m -> m.clientFailures);
        seed("leader_changes", m -> m.leaderChanges.size());
        seed("leader_changes.spontaneous", m -> m.leaderChanges.stream().filter(c -> c.cause().equals("spontaneous")).count());
        pooled("election_ms.median", RunMetrics::electionMs, 0.5, "elections");
        pooled("election_ms.p99", RunMetrics::electionMs, 0.99, "elections");
        pooled("election_ms.max", RunMetrics::electionMs, 1.0, "elections");
        pooled("unavailability_ms.median", m -> m.unavailabilityMs, 0.5, "leader changes");
        pooled("unavailability_ms.max", m -> m.unavailabilityMs, 1.0, "leader changes");
        pooled("client_outage_ms.median", m -> m.clientOutageMs, 0.5, "leader changes");
        pooled("client_outage_ms.max", m -> m.clientOutageMs, 1.0, "leader changes");
        seed("outages", m -> m.outages.size());
        seed("outages.spontaneous", m -> m.outages.stream().filter(o -> o.cause().equals("spontaneous")).count());
        seed("outage_ms.total", m -> m.outages.stream().mapToDouble(RunMetrics.Outage::lengthMs).sum());
        seed("outage_ms.max", m -> m.outages.stream().mapToDouble(RunMetrics.Outage::lengthMs).max().orElse(0));
        seed("terms_tried", m -> m.termsTried);
        seed("split_votes", m -> m.splitVotes);
        seed("candidacies_failed", m -> m.candidaciesFailed);
        seed("gaps.out_of_order", m -> m.outOfOrder);
        seed("gaps.max_width", m -> m.maxGapWidth);
        seed("gaps.lifetime_ms.max", m -> m.maxGapLifetimeMs);
        seed("choose_to_apply_ms.p99", m -> percentileMs(m.chooseToApply, 99));
        seed("append_to_commit_ms.p50", m -> percentileMs(m.appendToCommit, 50));
        seed("append_to_commit_ms.p99", m -> percentileMs(m.appendToCommit, 99));
        seed("commit_lag_ms.p99", m -> percentileMs(m.commitLag, 99));
        pooled("catch_up_ms.median", Summary::catchUpMs, 0.5, "catch-ups");
        pooled("catch_up_ms.max", Summary::catchUpMs, 1.0, "catch-ups");
        pooled("catch_up_entries.median", m -> m.catchUps.stream().map(c -> (double) c.entries()).toList(), 0.5, "catch-ups");
        seed("noops", m -> m.noOps);
        seed("entries_truncated", m -> m.entriesTruncated);
        seed("appends_rejected", m -> m.appendsRejected);
        seed("messages_per_commit", RunMetrics::messagesPerCommit);
        seed("bytes_per_commit", RunMetrics::bytesPerCommit);
        for (MessageCategory c : MessageCategory.values()) {
            seed("messages_per_commit." + c.label(), m -> m.messagesPerCommit(c.label()));
        }
        seed("leader_message_share", RunMetrics::leaderMessageShare);
        seed("busiest_node_messages_s", RunMetrics::busiestNodeMessagesPerSecond);
        seed("membership.changes_requested", m -> m.membershipChanges.size());
        seed("membership.changes_refused", m -> m.membershipRefused);
        seed("membership.changes_timed_out", m -> m.membershipTimedOut);
        pooled("membership.request_to_commit_ms.median", m -> membership(m, RunMetrics.MembershipChange::requestToCommitMs), 0.5, "changes");
        pooled("membership.request_to_commit_ms.max", m -> membership(m, RunMetrics.MembershipChange::requestToCommitMs), 1.0, "changes");
        pooled("membership.longest_no_commit_ms.median", m -> membership(m, RunMetrics.MembershipChange::longestNoCommitMs), 0.5, "changes");
        pooled("membership.longest_no_commit_ms.max", m -> membership(m, RunMetrics.MembershipChange::longestNoCommitMs), 1.0, "changes");
        pooled("membership.new_node_catch_up_ms.median", m -> membership(m, RunMetrics.MembershipChange::catchUpMs), 0.5, "new nodes");
        pooled("membership.new_node_catch_up_ms.max", m -> membership(m, RunMetrics.MembershipChange::catchUpMs), 1.0, "new nodes");
        pooled("membership.new_node_entries_sent.median", m -> membership(m, c -> c.entriesSent() < 0 ? Double.NaN : c.entriesSent()), 0.5,
                "new nodes");
        seed("membership.leader_changes_caused", m -> m.membershipLeaderChanges);
    }

    public static Summary of(String protocol, List<RunMetrics> runs, List<String> violations, String linearizable) {
        Map<String, Stat> fields = new LinkedHashMap<>();
        FIELDS.forEach((name, f) -> fields.put(name, f.compute(runs)));
        return new Summary(protocol, runs.size(), fields, List.copyOf(violations), linearizable);
    }

    /** A percentile of a histogram in ms; NaN when it holds nothing. */
    static double percentileMs(Histogram h, double p) {
        if (h == null || h.getTotalCount() == 0) return Double.NaN;
        return (p >= 100 ? h.getMaxValue() : h.getValueAtPercentile(p)) / 1e6;
    }

    /** One value per membership change; NaN (left out by {@link Stat}) where it is undefined. */
    private static List<Double> membership(RunMetrics m, ToDoubleFunction<RunMetrics.MembershipChange> f) {
        return m.membershipChanges.stream().map(c -> f.applyAsDouble(c)).toList();
    }

    private static List<Double> catchUpMs(RunMetrics m) {
        List<Double> out = new ArrayList<>();
        m.catchUps.forEach(c -> out.add(c.endMs() - c.startMs()));
        return out;
    }
}
