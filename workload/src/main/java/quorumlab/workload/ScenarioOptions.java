package quorumlab.workload;

import java.util.LinkedHashMap;
import java.util.Map;
import quorumlab.protocols.Options;
import quorumlab.protocols.Protocol;

/** A protocol's options in a scenario: the {@code common} section, overridden by its own section. */
public final class ScenarioOptions {
    public static Options forProtocol(Scenario scenario, Protocol protocol) {
        Map<String, Object> merged = new LinkedHashMap<>();
        Map<String, Object> common = scenario.optionsOrEmpty().getOrDefault("common", Map.of());
        // Common options apply where the protocol knows them, so one file serves both protocols.
        common.forEach((k, v) -> {
            if (protocol.options().stream().anyMatch(o -> o.name().equals(k))) merged.put(k, v);
        });
        Map<String, Object> own = scenario.optionsOrEmpty().getOrDefault(protocol.name(), Map.of());
        merged.putAll(own);
        return protocol.resolveOptions(merged);
    }

    private ScenarioOptions() {}
}
