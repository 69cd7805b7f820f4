package quorumlab.analysis.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code ./quorumlab run} and {@code export}: bad scenarios stop with one line and no results; good runs land checked. */
class RunCommandTest {
    @TempDir
    Path dir;

    private final StringWriter err = new StringWriter();

    private int quorumlab(String... args) {
        return Cli.execute(null, err, args);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "unknown field       | nodez: 3                                                                    | nodez",
        "negative rate       | 'workload: {mode: open, rate: -5}'                                          | workload.rate",
        "loss above one      | 'network: {loss: 1.5}'                                                      | network.loss",
        "missing node        | 'faults: [{at: 1s, type: crash, target: n9}]'                               | faults[0].target",
        "fault after end     | 'duration: 2s\nfaults: [{at: 3s, type: crash, target: n1}]'                 | faults[0].at",
        "empty group         | 'faults: [{at: 1s, type: partition, groups: [[n1, n2], []]}]'               | faults[0].groups[1]",
        "unknown option      | 'options: {raft: {electionTimeoutMs: 5}}'                                   | options.raft",
        "unknown fault type  | 'faults: [{at: 1s, type: meteor}]'                                          | faults[0].type",
        "bad delay           | 'network: {delay: \"gaussian(3ms)\"}'                                       | network.delay",
        "bad duration        | 'duration: soon'                                                            | duration",
        "negative clients    | 'workload: {clients: -1}'                                                   | workload.clients",
    })
    void aMalformedScenarioIsOneLineAndWritesNothing(String what, String body, String field) throws IOException {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, "name: bad\n" + body.replace("\\n", "\n") + "\n");
        Path out = dir.resolve("out");
        int exit = quorumlab("run", "--scenario", file.toString(), "--protocol", "raft", "--seeds", "1", "--out", out.toString());
        String message = err.toString().strip();
        assertEquals(Main.EXIT_BAD_INPUT, exit, message);
        assertFalse(message.contains("\n"), what + ": more than one line: " + message);
        assertTrue(message.startsWith("quorumlab: " + file + ": " + field), what + ": " + message);
        assertFalse(message.contains("Exception") || message.contains("\tat "), message);
        assertFalse(Files.exists(out.resolve("bad")), "a result directory was written");
    }

    @Test
    void aRunLandsWithAVerdictPerSeedAndExportsEdn() throws IOException {
        Path file = dir.resolve("tiny.yaml");
        Files.writeString(file, String.join("\n",
                "name: tiny", "nodes: 3", "duration: 1500ms",
                "workload: {clients: 2, thinkTime: 10ms, keys: 2}",
                "faults: [{at: 800ms, type: crash, target: leader, duration: 300ms}]", ""));
        Path out = dir.resolve("out");
        assertEquals(Main.EXIT_OK, quorumlab("run", "--scenario", file.toString(), "--protocol", "raft", "--seeds", "2",
                "--out", out.toString()), err.toString());
        List<Path> runs;
        try (Stream<Path> s = Files.list(out.resolve("tiny"))) {
            runs = s.toList();
        }
        assertEquals(1, runs.size(), "one run, no temporary directory left: " + runs);
        Path run = runs.get(0);
        for (String seed : List.of("seed-1", "seed-2")) {
            assertTrue(Files.exists(run.resolve("raft").resolve(seed).resolve("verdict.json")), seed);
        }
        assertEquals(Main.EXIT_OK, quorumlab("export", "--edn", run.toString()), err.toString());
        String edn = Files.readString(run.resolve("raft/seed-1/history.edn"));
        long jsonLines = Files.readAllLines(run.resolve("raft/seed-1/history.jsonl")).size();
        assertEquals(jsonLines, edn.lines().count());
        assertTrue(edn.startsWith("{:type :invoke, :f :"), edn.substring(0, 60));
    }
}
