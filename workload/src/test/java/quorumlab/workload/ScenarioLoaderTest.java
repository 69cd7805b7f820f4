package quorumlab.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ScenarioLoaderTest {
    private static Path bad(String file) throws URISyntaxException {
        return Path.of(ScenarioLoaderTest.class.getResource("/bad/" + file).toURI());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "unknown-field.yaml      | nodez               | unknown field 'nodez'",
        "negative-rate.yaml      | workload.rate       | must be positive, got -5.0",
        "loss-above-one.yaml     | network.loss        | must be a probability between 0 and 1, got 1.5",
        "missing-node.yaml       | faults[0].target    | node n7 does not exist",
        "fault-after-end.yaml    | faults[0].at        | comes after the end of the run",
        "empty-group.yaml        | faults[0].groups[1] | a partition group must not be empty",
        "bad-duration.yaml       | duration            | 'fast' is not a duration",
        "unknown-fault.yaml      | faults[0].type      | unknown fault 'explode'",
        "unknown-delay.yaml      | network.delay       | unknown delay 'gaussian'",
        "malformed-yaml.yaml     | line                | malformed YAML",
        "wrong-type.json         | seeds               | wrong type",
        "unknown-protocol.yaml   | options.paxos-ng    | unknown protocol",
        "option-below-min.yaml   | options.fixed-leader-log | must be at least 1.0",
        "latency-matrix-without-regions.yaml | faults[0].regions | the region matrix is required",
        "unknown-option.yaml     | options.fixed-leader-log | bogusTimeoutMs",
        "unknown-common-option.yaml | options.common.leaseMs | no protocol has an option of that name",
        "negative-think-time.yaml | workload.thinkTime | is not a duration",
        "negative-mix.yaml       | workload.mix.read   | must not be negative",
        "node-in-two-groups.yaml | faults[0].groups[1] | node n2 is in two groups",
        "leader-in-two-groups.yaml | faults[0].groups[1] | 'leader' may appear in one group only",
        "unknown-group-member.yaml | faults[0].groups[0] | 'follower' is not a node name (n1 .. n5), leader, random-follower or others",
        "too-many-group-members.yaml | faults[0].groups | the groups name 4 members, more than the 3 nodes",
    })
    void aMalformedScenarioIsOneLineNamingFileFieldAndReason(String file, String field, String reason) throws Exception {
        ScenarioException e = assertThrows(ScenarioException.class, () -> ScenarioLoader.load(bad(file)));
        String message = e.getMessage();
        assertFalse(message.contains("\n"), message);
        assertTrue(message.startsWith(bad(file).toString() + ": "), message);
        assertTrue(e.field().startsWith(field), "field of: " + message);
        assertTrue(e.reason().contains(reason), "reason of: " + message);
    }

    @Test
    void everyLibraryScenarioLoads() {
        for (String name : ScenarioLibrary.names()) {
            Scenario s = ScenarioLibrary.load(name);
            assertEquals(name, s.name());
            assertTrue(s.description() != null && !s.description().isBlank(), name);
        }
        assertEquals(11, ScenarioLibrary.names().size());
    }

    @Test
    void delayNotation() {
        assertEquals(2_000_000L, DelaySpec.parse("constant(2ms)").mean(), 0);
        assertEquals(10_000_000L, DelaySpec.parse("uniform(5ms,15ms)").mean(), 0);
        assertEquals(5_000_000L, DelaySpec.parse("exponential(5ms)").mean(), 1);
        assertEquals(1_500L, DelaySpec.parse("1500ns").mean(), 0);
        assertThrows(IllegalArgumentException.class, () -> DelaySpec.parse("uniform(5ms)"));
        assertEquals(90_000_000_000L, Durations.parse("1.5m"));
    }
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "overflowing duration | 'duration: 99999999999999999999s'                | duration         | at most 24h",
        "duration over a day  | 'duration: 25h'                                  | duration         | at most 24h",
        "huge think time      | 'workload: {thinkTime: 99999999999h}'             | workload.thinkTime | at most 24h",
        "rate over the cap    | 'workload: {mode: open, rate: 1000000000}'        | workload.rate    | at most 1000000 operations per second",
        "too many clients     | 'workload: {clients: 10001}'                      | workload.clients | at most 10000 clients",
        "too many seeds       | 'seeds: 10001'                                    | seeds            | at most 10000",
    })
    void boundsAreCheckedWithTheReasonAndTheLimit(String what, String body, String field, String reason) {
        ScenarioException e = assertThrows(ScenarioException.class,
                () -> ScenarioLoader.parse("big.yaml", "name: big\n" + body + "\n", false), what);
        assertEquals(field, e.field(), e.getMessage());
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }

    @Test
    void theLimitsThemselvesAreAccepted() {
        Scenario s = ScenarioLoader.parse("edge.yaml", "name: edge\nduration: 24h\nseeds: 10000\n"
                + "workload: {mode: open, rate: 1000000, clients: 10000}\n", false);
        assertEquals(24 * 3600 * 1_000_000_000L, s.durationNanos());
    }

    @Test
    void anOversizedFileIsRefusedByItsSizeBeforeParsing(@org.junit.jupiter.api.io.TempDir Path dir) throws java.io.IOException {
        Path file = dir.resolve("huge.yaml");
        // one 2 MiB scalar: parsing it would take the YAML parser a long time
        java.nio.file.Files.writeString(file, "name: huge\ndescription: " + "x".repeat(2 << 20) + "\n");
        ScenarioException e = assertThrows(ScenarioException.class, () -> ScenarioLoader.load(file));
        assertTrue(e.getMessage().startsWith(file + ": the file is 2048 KiB; a scenario may be at most 1024 KiB"), e.getMessage());
    }
}
