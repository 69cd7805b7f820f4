package quorumlab.workload;

import java.util.LinkedHashMap;
import java.util.Map;
import quorumlab.protocols.MatchedSettings;
import quorumlab.protocols.Options;
import quorumlab.protocols.Protocol;

/**
 * A protocol's options in a scenario: the profile ({@code matched} unless the scenario says
 * {@code defaults}), then the {@code common} section, then the protocol's own section.
 */
public final class ScenarioOptions {
    public static Options forProtocol(Scenario scenario, Protocol protocol) {
        Map<String, Object> merged = new LinkedHashMap<>();
        if (scenario.profileName().equals("matched")) merged.putAll(protocol.matchedOptions(MatchedSettings.DEFAULT));
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
