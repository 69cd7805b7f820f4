package quorumlab.analysis.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * Malformed scenario files through {@code run --scenario FILE}, in-process through the exit-code
 * entry point: each is refused with exit 2 and one line on stderr that names the file and says
 * what is wrong without Java type names or parser internals, and no results directory is left.
 */
class MalformedScenarioTest {
    private static final Pattern INTERNALS = Pattern.compile("java\\.|jackson|Exception|JsonToken|\\bclass\\b|Cannot construct");

    @TempDir
    Path dir;

    static Stream<Arguments> files() {
        byte[] garbage = new byte[512];
        new Random(15).nextBytes(garbage);
        return Stream.of(
                // wrong types at every level
                text("nodes-float.yaml", "name: a\nnodes: 3.7\n", "nodes: must be a whole number, got 3.7"),
                text("nodes-word.yaml", "name: a\nnodes: three\n", "nodes: must be a whole number, got 'three'"),
                text("nodes-list.yaml", "name: a\nnodes: [3]\n", "nodes: must be a whole number, got a list"),
                text("nodes-map.yaml", "name: a\nnodes: {n: 3}\n", "nodes: must be a whole number, got a mapping"),
                text("seeds-bool.json", "{\"name\": \"a\", \"seeds\": true}", "seeds: must be a whole number, got true"),
                text("name-list.yaml", "name: [a, b]\n", "name: must be a text value, got a list"),
                text("workload-list.yaml", "name: a\nworkload: [1, 2]\n", "workload: must be a mapping of fields, got a list"),
                text("workload-word.yaml", "name: a\nworkload: fast\n", "workload: must be a mapping of fields, got 'fast'"),
                text("clients-word.yaml", "name: a\nworkload: {clients: abc}\n", "workload.clients: must be a whole number, got 'abc'"),
                text("clients-float.yaml", "name: a\nworkload: {clients: 2.5}\n", "workload.clients: must be a whole number, got 2.5"),
                text("mix-number.yaml", "name: a\nworkload: {mix: 0.5}\n", "workload.mix: must be a mapping of fields, got 0.5"),
                text("loss-word.yaml", "name: a\nnetwork: {loss: high}\n", "network.loss: must be a number, got 'high'"),
                text("options-number.yaml", "name: a\noptions: {raft: 5}\n", "options.raft: must be a mapping of fields, got 5"),
                text("option-float.yaml", "name: a\noptions: {raft: {electionTimeoutMinMs: 1.5}}\n", "must be a whole number, got 1.5"),
                text("faults-map.yaml", "name: a\nfaults: {at: 1s}\n", "faults: must be a list, got a mapping"),
                text("fault-list.yaml", "name: a\nfaults: [[1, 2]]\n", "faults[0]: must be a mapping of fields, got a list"),
                text("groups-word.yaml", "name: a\nfaults: [{at: 1s, type: partition, groups: n1}]\n", "faults[0].groups: must be a list, got 'n1'"),
                text("top-list.yaml", "- name: a\n", "a scenario is a mapping of fields"),
                text("top-number.json", "42", "a scenario is a mapping of fields (name: ..., nodes: ..., ...), got 42"),
                // syntax: line and column, not a type
                text("unclosed-brace.yaml", "name: a\nworkload: {clients: 3\n", "line 3, column 1: malformed YAML"),
                text("unclosed-bracket.yaml", "name: a\nfaults: [{at: 1s, type: crash, target: n1}\n", ": malformed YAML"),
                text("unclosed-brace.json", "{\"name\": \"a\", \"workload\": {\"clients\": 3}\n", "line 2, column 1: malformed JSON"),
                text("tab-indent.yaml", "name: a\nworkload:\n\tclients: 3\n", "line 3, column 1: malformed YAML"),
                text("two-objects.json", "{\"name\": \"a\"} {\"name\": \"b\"}", "a scenario file holds one JSON object"),
                text("two-documents.yaml", "name: a\n---\nname: b\n", "line 3, column 1: a scenario file holds one YAML document"),
                text("duplicate.yaml", "name: a\nnodes: 3\nnodes: 5\n", "line 3, column 6: the key 'nodes' appears twice"),
                text("duplicate.json", "{\"name\": \"a\",\n\"name\": \"b\"}", "line 2, column 7: the key 'name' appears twice"),
                text("anchor.yaml", "name: a\nworkload: &w {clients: 2}\nnetwork: *w\n", "YAML anchors and aliases"),
                text("empty.yaml", "", "the file is empty"),
                text("empty.json", "", "the file is empty"),
                text("comment-only.yaml", "# a scenario\n", "the file is empty"),
                bytes("garbage.yaml", garbage, "not a text file (it is not UTF-8)"),
                text("control-chars.yaml", "name: a\u0001\u0002\n", "malformed YAML"),
                // unknown names
                text("unknown-field.yaml", "name: a\nnodez: 3\n", "nodez: unknown field 'nodez'"),
                text("unknown-nested.yaml", "name: a\nworkload: {clientz: 3}\n", "workload.clientz: unknown field 'clientz'"),
                text("unknown-fault-field.yaml", "name: a\nfaults: [{at: 1s, type: crash, target: n1, when: now}]\n",
                        "faults[0].when: unknown field 'when'"),
                text("unknown-fault.yaml", "name: a\nfaults: [{at: 1s, type: explode}]\n", "faults[0].type: unknown fault 'explode'"),
                text("unknown-protocol.yaml", "name: a\noptions: {paxos-ng: {x: 1}}\n", "options.paxos-ng: unknown protocol"),
                // impossible values
                text("negative-duration.yaml", "name: a\nduration: -5s\n", "duration: '-5s' is not a duration"),
                text("negative-fault-duration.yaml", "name: a\nfaults: [{at: 1s, type: crash, target: n1, duration: -1s}]\n",
                        "faults[0].duration: '-1s' is not a duration"),
                text("huge-duration.yaml", "name: a\nduration: 99999999999999999999s\n", "duration: '99999999999999999999s' is too long"),
                text("huge-clients.yaml", "name: a\nworkload: {clients: 99999999999999999999}\n",
                        "workload.clients: the number 99999999999999999999 is out of range"),
                text("huge-rate.yaml", "name: a\nworkload: {mode: open, rate: 1000000000000}\n", "workload.rate: at most 1000000"),
                text("no-name.yaml", "nodes: 3\n", "name: a scenario needs a name"),
                text("region-pair.yaml", "name: a\nnodes: 2\nnetwork:\n  regions:\n    placement: {us-east: [n1], eu-west: [n2]}\n",
                        "network.regions.between.us-east-eu-west: missing"));
    }

    private static Arguments text(String name, String content, String says) {
        return Arguments.of(name, content.getBytes(StandardCharsets.UTF_8), says);
    }

    private static Arguments bytes(String name, byte[] content, String says) {
        return Arguments.of(name, content, says);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("files")
    void refusedWithOneLineInTheUsersWords(String name, byte[] content, String says) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, content);
        Path out = dir.resolve("results");
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute("run", "--scenario", file.toString(), "--seeds", "1", "--out", out.toString());
        String text = err.toString();
        assertEquals(Main.EXIT_BAD_INPUT, exit, text);
        String[] lines = text.split("\\R");
        assertEquals(1, lines.length, "exactly one line: " + text);
        assertTrue(lines[0].startsWith("quorumlab: " + file + ": "), "names the file: " + text);
        assertTrue(lines[0].contains(says), "says '" + says + "': " + text);
        assertFalse(INTERNALS.matcher(lines[0]).find(), "no Java or parser internals: " + text);
        assertFalse(Files.exists(out), "no results directory: " + out);
    }
}
