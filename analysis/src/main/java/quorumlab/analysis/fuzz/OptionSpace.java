package quorumlab.analysis.fuzz;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import quorumlab.protocols.OptionSpec;
import quorumlab.protocols.Protocol;

/**
 * The option combinations the fuzzer covers for a protocol: the product of a few dimensions, each a
 * short list of settings. A dimension applies when the protocol has every option it names, so a
 * protocol is covered by what it understands (a test protocol wrapping Raft gets Raft's space).
 * Combination {@code i} is a mixed-radix number over the dimensions; the fuzzer walks them in turn,
 * so {@link #size()} schedules cover every combination once.
 */
final class OptionSpace {
    /** One setting of a dimension: a label for coverage and the option values it sets. */
    record Setting(String label, Map<String, Object> values) {}

    record Dimension(String name, List<Setting> settings) {}

    /** Every dimension the fuzzer knows; each protocol uses those whose options it has. */
    static final List<Dimension> ALL = List.of(
            // Election timeouts from tight (a few heartbeats, delays near the timeout) to the paper's.
            new Dimension("timeouts", List.of(
                    setting("tight 20-40ms", "electionTimeoutMinMs", 20L, "electionTimeoutMaxMs", 40L, "heartbeatIntervalMs", 5L),
                    setting("medium 50-100ms", "electionTimeoutMinMs", 50L, "electionTimeoutMaxMs", 100L, "heartbeatIntervalMs", 15L),
                    setting("paper 150-300ms", "electionTimeoutMinMs", 150L, "electionTimeoutMaxMs", 300L, "heartbeatIntervalMs", 50L))),
            bool("preVote"),
            bool("checkQuorum"),
            bool("readIndex"),
            bool("noOpOnElection"),
            bool("fastBacktrack"),
            bool("leaderLease"),
            new Dimension("replication", List.of(
                    setting("one append in flight, batch 64", "pipelining", 1L, "maxEntriesPerAppend", 64L),
                    setting("pipelining 4, one entry per append", "pipelining", 4L, "maxEntriesPerAppend", 1L))),
            new Dimension("pipelineWindow", List.of(
                    setting("window 1", "pipelineWindow", 1L),
                    setting("window 8", "pipelineWindow", 8L),
                    setting("window 64", "pipelineWindow", 64L))),
            new Dimension("maxBatch", List.of(setting("batch 1", "maxBatch", 1L), setting("batch 8", "maxBatch", 8L))),
            new Dimension("retransmitMs", List.of(setting("retransmit 20ms", "retransmitMs", 20L),
                    setting("retransmit 100ms", "retransmitMs", 100L))),
            new Dimension("snapshotEveryEntries", List.of(setting("no snapshots", "snapshotEveryEntries", 0L),
                    setting("snapshot every 5", "snapshotEveryEntries", 5L))));

    private final List<Dimension> dimensions;
    private final List<Integer> combinations;

    private OptionSpace(List<Dimension> dimensions, Predicate<Map<String, Object>> allowed) {
        this.dimensions = List.copyOf(dimensions);
        List<Integer> kept = new ArrayList<>();
        int all = 1;
        for (Dimension d : dimensions) all *= d.settings().size();
        for (int i = 0; i < all; i++) {
            if (allowed.test(valuesOf(i))) kept.add(i);
        }
        this.combinations = List.copyOf(kept);
    }

    /** The space for {@code protocol}: every dimension whose options it has. */
    static OptionSpace of(Protocol protocol) {
        return of(protocol, values -> true);
    }

    /** As {@link #of(Protocol)}, keeping only the combinations {@code allowed} accepts. */
    static OptionSpace of(Protocol protocol, Predicate<Map<String, Object>> allowed) {
        Set<String> known = protocol.options().stream().map(OptionSpec::name).collect(Collectors.toSet());
        List<Dimension> mine = new ArrayList<>();
        for (Dimension d : ALL) {
            if (d.settings().stream().allMatch(s -> known.containsAll(s.values().keySet()))) mine.add(d);
        }
        return new OptionSpace(mine, allowed);
    }

    int size() {
        return combinations.size();
    }

    List<Dimension> dimensions() {
        return dimensions;
    }

    /** The option values of combination {@code k} (0 .. size-1), in dimension order. */
    Map<String, Object> values(int k) {
        return valuesOf(combinations.get(Math.floorMod(k, combinations.size())));
    }

    /** One label per dimension for combination {@code k}, e.g. {@code "preVote on, snapshot every 5"}. */
    String describe(int k) {
        int rest = combinations.get(Math.floorMod(k, combinations.size()));
        List<String> parts = new ArrayList<>();
        for (Dimension d : dimensions) {
            parts.add(d.settings().get(rest % d.settings().size()).label());
            rest /= d.settings().size();
        }
        return String.join(", ", parts);
    }

    private Map<String, Object> valuesOf(int index) {
        Map<String, Object> values = new LinkedHashMap<>();
        int rest = index;
        for (Dimension d : dimensions) {
            values.putAll(d.settings().get(rest % d.settings().size()).values());
            rest /= d.settings().size();
        }
        return values;
    }

    private static Dimension bool(String option) {
        return new Dimension(option, List.of(setting(option + " off", option, false), setting(option + " on", option, true)));
    }

    private static Setting setting(String label, Object... pairs) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) values.put((String) pairs[i], pairs[i + 1]);
        return new Setting(label, values);
    }
}
