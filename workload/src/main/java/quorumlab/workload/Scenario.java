package quorumlab.workload;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;
import java.util.Map;

/**
 * A scenario file, as written (docs/scenario-format.md). Absent fields take the defaults below;
 * {@link ScenarioLoader} rejects unknown fields and impossible values with the file, the field path
 * and the reason. Durations are strings such as {@code 150ms}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Scenario(
        String name,
        String description,
        Integer nodes,
        String duration,
        Integer seeds,
        String traceLevel,
        String profile,
        Map<String, Map<String, Object>> options,
        Network network,
        Workload workload,
        List<Fault> faults) {

    /** The network every peer message crosses. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Network(
            String delay,
            Double loss,
            Double duplicate,
            Double reorder,
            String clientDelay,
            Regions regions) {}

    /** Nodes placed in regions, with a one-way delay within a region and between each pair. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Regions(Map<String, List<String>> placement, String within, Map<String, String> between) {
        /**
         * The two regions a {@code between} key {@code A-B} names. Region names may hold '-'
         * themselves ({@code us-east-eu-west}), so the key is split where both halves are placed
         * regions; null when no split is.
         */
        public String[] pair(String key) {
            for (int i = key.indexOf('-'); i >= 0; i = key.indexOf('-', i + 1)) {
                String a = key.substring(0, i);
                String b = key.substring(i + 1);
                if (placement != null && placement.containsKey(a) && placement.containsKey(b)) return new String[] {a, b};
            }
            return null;
        }
    }

    /**
     * The clients. {@code mode} closed: each client waits for a reply, then thinks; open: arrivals at {@code rate}.
     * {@code bikes}: instead of the key-value mix, each client books bikes {@code bike-0..} (a cas from
     * {@code free} to its user name), all clients in the same order, so users compete for the same bike.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Workload(
            String mode,
            Integer clients,
            String thinkTime,
            Double rate,
            String arrivals,
            Integer keys,
            String keyDistribution,
            Double zipfTheta,
            Double hotFraction,
            Mix mix,
            Integer valueSize,
            String warmup,
            String timeout,
            String giveUpAfter,
            Integer bikes) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Mix(Double read, Double write, Double cas) {}

    /**
     * One entry of the fault timeline. Which fields apply depends on {@code type}; {@code with} is the
     * new node of a {@code replace}.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Fault(
            String at,
            String type,
            String target,
            List<List<String>> groups,
            String from,
            String to,
            Double value,
            String delay,
            String duration,
            Regions regions,
            String with,
            Integer count) {
        @com.fasterxml.jackson.annotation.JsonCreator
        public Fault {}

        /** A fault that is not a {@code client-burst}. */
        public Fault(String at, String type, String target, List<List<String>> groups, String from, String to, Double value,
                String delay, String duration, Regions regions, String with) {
            this(at, type, target, groups, from, to, value, delay, duration, regions, with, null);
        }

        /** A fault that is neither a {@code replace} nor a {@code client-burst}. */
        public Fault(String at, String type, String target, List<List<String>> groups, String from, String to, Double value,
                String delay, String duration, Regions regions) {
            this(at, type, target, groups, from, to, value, delay, duration, regions, null, null);
        }
    }

    static final int DEFAULT_NODES = 5;
    static final String DEFAULT_DURATION = "5s";
    static final int DEFAULT_SEEDS = 3;

    @JsonIgnore
    public int nodeCount() {
        return nodes != null ? nodes : DEFAULT_NODES;
    }

    @JsonIgnore
    public long durationNanos() {
        return Durations.parse(duration != null ? duration : DEFAULT_DURATION);
    }

    @JsonIgnore
    public int seedCount() {
        return seeds != null ? seeds : DEFAULT_SEEDS;
    }

    @JsonIgnore
    public String traceLevelName() {
        return traceLevel != null ? traceLevel : "events";
    }

    @JsonIgnore
    public List<Fault> faultList() {
        return faults != null ? faults : List.of();
    }

    @JsonIgnore
    public Network networkOrDefault() {
        return network != null ? network : new Network(null, null, null, null, null, null);
    }

    @JsonIgnore
    public Workload workloadOrDefault() {
        return workload != null ? workload
                : new Workload(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    /** A copy with {@code nodes} replaced (for sweeps). */
    public Scenario withNodes(int n) {
        return new Scenario(name, description, n, duration, seeds, traceLevel, profile, options, network, workload, faults);
    }

    /**
     * {@code matched} (the default): every protocol starts from the settings a fair comparison holds
     * equal ({@link quorumlab.protocols.MatchedSettings}); {@code defaults}: from each protocol's own
     * defaults. Options the scenario sets apply on top of either.
     */
    @JsonIgnore
    public String profileName() {
        return profile != null ? profile : "matched";
    }

    @JsonIgnore
    public Map<String, Map<String, Object>> optionsOrEmpty() {
        return options != null ? options : Map.of();
    }
}
