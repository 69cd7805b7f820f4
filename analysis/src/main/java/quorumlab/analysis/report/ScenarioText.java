package quorumlab.analysis.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import quorumlab.workload.Scenario;
import quorumlab.workload.ScenarioLibrary;
import quorumlab.workload.ScenarioLoader;

/** A scenario's text edited field by field (for sweeps), then parsed and validated by the workload's loader. */
public final class ScenarioText {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();

    private ScenarioText() {}

    /** The scenario's tree: a library name or a file. */
    public static ObjectNode tree(String nameOrFile) {
        ScenarioLoader.load(nameOrFile); // a malformed file is refused here, in the loader's words
        try {
            String text = ScenarioLibrary.names().contains(nameOrFile)
                    ? ScenarioLibrary.text(nameOrFile) : Files.readString(Path.of(nameOrFile));
            return (ObjectNode) (nameOrFile.endsWith(".json") ? JSON : YAML).readTree(text);
        } catch (IOException | ClassCastException e) {
            throw new IllegalArgumentException(nameOrFile + ": cannot read the scenario: " + e.getMessage());
        }
    }

    /**
     * {@code tree} with the field at dotted {@code path} (e.g. {@code nodes}, {@code network.loss},
     * {@code options.raft.electionTimeoutMinMs}) set to {@code value} (a number if it parses as one).
     */
    public static Scenario with(ObjectNode tree, String path, String value, String nameSuffix) {
        ObjectNode copy = tree.deepCopy();
        String[] parts = path.split("\\.");
        ObjectNode node = copy;
        for (int i = 0; i < parts.length - 1; i++) {
            JsonNode next = node.get(parts[i]);
            if (next == null || next.isNull()) next = node.putObject(parts[i]);
            if (!(next instanceof ObjectNode o)) throw new IllegalArgumentException("--param " + path + ": '" + parts[i] + "' is not an object");
            node = o;
        }
        String last = parts[parts.length - 1];
        try {
            if (value.matches("-?\\d+")) node.put(last, Long.parseLong(value));
            else if (value.matches("-?\\d*\\.\\d+([eE]-?\\d+)?")) node.put(last, Double.parseDouble(value));
            else node.put(last, value);
        } catch (NumberFormatException e) {
            node.put(last, value);
        }
        if (nameSuffix != null) copy.put("name", copy.path("name").asText("scenario") + nameSuffix);
        try {
            return ScenarioLoader.parse("--param " + path + "=" + value, JSON.writeValueAsString(copy), true);
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }
}
