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
}
