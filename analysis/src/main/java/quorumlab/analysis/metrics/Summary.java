package quorumlab.analysis.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * One protocol's runs of one scenario summarised across seeds: every field of summary.json, in the
 * order results/README.md documents them.
 */
public record Summary(String protocol, int seeds, Map<String, Stat> fields, List<String> violations, String linearizable) {

    /** The summary fields, each computed per seed then summarised across seeds. */
    public static final Map<String, ToDoubleFunction<RunMetrics>> FIELDS = new LinkedHashMap<>();

    static {
        FIELDS.put("latency_ms.p50", m -> percentileMs(m, 50));
        FIELDS.put("latency_ms.p99", m -> percentileMs(m, 99));
        FIELDS.put("latency_ms.p999", m -> percentileMs(m, 99.9));
        FIELDS.put("latency_ms.max", m -> m.latency.getTotalCount() == 0 ? Double.NaN : m.latency.getMaxValue() / 1e6);
        FIELDS.put("throughput_ops_s", RunMetrics::throughputOpsPerSecond);
        FIELDS.put("committed", m -> m.committed);
        FIELDS.put("election_ms.median", m -> quantile(m.electionMs, 0.5));
        FIELDS.put("election_ms.p99", m -> quantile(m.electionMs, 0.99));
        FIELDS.put("election_ms.max", m -> quantile(m.electionMs, 1.0));
        FIELDS.put("unavailability_ms.median", m -> quantile(m.unavailabilityMs, 0.5));
        FIELDS.put("terms_tried", m -> m.termsTried);
        FIELDS.put("split_votes", m -> m.splitVotes);
        FIELDS.put("gaps.out_of_order", m -> m.outOfOrder);
        FIELDS.put("gaps.max_width", m -> m.maxGapWidth);
        FIELDS.put("gaps.lifetime_ms.max", m -> quantile(m.gapLifetimesMs, 1.0));
        FIELDS.put("choose_to_apply_ms.p99", m -> m.chooseToApply.getTotalCount() == 0
                ? Double.NaN : m.chooseToApply.getValueAtPercentile(99) / 1e6);
        FIELDS.put("noops", m -> m.noOps);
        FIELDS.put("entries_truncated", m -> m.entriesTruncated);
        FIELDS.put("appends_rejected", m -> m.appendsRejected);
        FIELDS.put("messages_per_commit", m -> orNaN(m.messagesPerCommit()));
        FIELDS.put("bytes_per_commit", m -> orNaN(m.bytesPerCommit()));
    }

    public static Summary of(String protocol, List<RunMetrics> runs, List<String> violations, String linearizable) {
        Map<String, Stat> fields = new LinkedHashMap<>();
        FIELDS.forEach((name, f) -> fields.put(name, Stat.of(runs.stream().mapToDouble(f).toArray())));
        return new Summary(protocol, runs.size(), fields, List.copyOf(violations), linearizable);
    }

    static double percentileMs(RunMetrics m, double p) {
        return m.latency.getTotalCount() == 0 ? Double.NaN : m.latency.getValueAtPercentile(p) / 1e6;
    }

    /** Nearest-rank quantile of one seed's values; NaN when there are none. */
    static double quantile(List<Double> values, double q) {
        if (values.isEmpty()) return Double.NaN;
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int rank = (int) Math.ceil(q * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    private static double orNaN(Double d) {
        return d == null ? Double.NaN : d;
    }
}
