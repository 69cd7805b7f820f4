package quorumlab.analysis.fuzz;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import quorumlab.protocols.Protocol;
import quorumlab.workload.Scenario;

/**
 * Writes a shrunk failing schedule as a scenario file (docs/scenario-format.md), which
 * {@code quorumlab run --scenario FILE} loads, with a comment saying what failed and the one-line
 * command that replays it with every fuzz check.
 */
final class Counterexamples {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

    record Written(Path file, String replay) {}

    private Counterexamples() {}

    static Written write(Path dir, Protocol protocol, Schedule schedule, long seed, Judge.Finding finding) {
        String name = protocol.name() + "-" + finding.check() + "-" + Long.toUnsignedString(seed, 36);
        Scenario s = schedule.toScenario(protocol);
        Map<String, Map<String, Object>> options = s.options();
        if (options != null && options.containsKey(protocol.name())
                && Protocol.all().stream().noneMatch(p -> p.name().equals(protocol.name()))) {
            // A protocol the scenario loader cannot find (one a test built): its options go under common.
            options = Map.of("common", options.get(protocol.name()));
        }
        Scenario named = new Scenario(name, "shrunk by quorumlab fuzz: fails " + finding.check() + " on seed " + seed,
                s.nodes(), s.duration(), 1, s.traceLevel(), s.profile(), options, s.network(), s.workload(), s.faults());
        Path file = dir.resolve(name + ".yaml");
        String replay = "./quorumlab fuzz --replay " + file + " --protocol " + protocol.name() + " --seed " + seed;
        try {
            Files.createDirectories(dir);
            String header = "# quorumlab fuzz counterexample: " + finding.check() + " (" + finding.kind().name().toLowerCase() + ")\n"
                    + "# " + finding.summary().replaceAll("\\R", " ") + "\n"
                    + "# replay: " + replay + "\n";
            Files.writeString(file, header + YAML.writeValueAsString(named));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
        return new Written(file, replay);
    }
}
