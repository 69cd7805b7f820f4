package quorumlab.analysis.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import quorumlab.protocols.Protocol;
import quorumlab.workload.ScenarioLoader;

/**
 * Every counterexample the fuzzer found and a later fix removed, replayed on its seed with every
 * fuzz check, as {@code quorumlab fuzz --replay} does: each must now pass. The files are the
 * shrunk scenarios as the fuzzer wrote them; the header's replay line names protocol and seed.
 */
class FuzzRegressionTest {
    private static final Path DIR = Path.of("src/test/resources/quorumlab/analysis/fuzz/regressions");
    private static final Pattern REPLAY = Pattern.compile("^# replay: .* --protocol (\\S+) --seed (-?\\d+)$", Pattern.MULTILINE);

    static Stream<Path> counterexamples() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(DIR)) {
            files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertFalse(files.isEmpty(), "no counterexamples in " + DIR.toAbsolutePath());
        return files.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("counterexamples")
    void aFixedCounterexamplePassesEveryFuzzCheck(Path file) throws IOException {
        Matcher m = REPLAY.matcher(Files.readString(file));
        if (!m.find()) throw new AssertionError(file + ": no '# replay: ... --protocol P --seed S' line");
        FuzzRuns.Replay replay = FuzzRuns.replay(ScenarioLoader.load(file), Protocol.byName(m.group(1)), Long.parseLong(m.group(2)));
        assertEquals(List.of(), replay.outcome().findings(), replay.describe());
    }
}
