package quorumlab.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
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
        "wrong-type.json         | seeds               | must be a whole number, got 'many'",
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
        assertEquals(17, ScenarioLibrary.names().size());
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

    private static ScenarioException refused(String text) {
        return assertThrows(ScenarioException.class, () -> ScenarioLoader.parse("s.yaml", text, false));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "'nodes: 3.7'                            | nodes              | must be a whole number, got 3.7",
        "'nodes: \"3\"'                           | nodes              | must be a whole number, got '3'",
        "'nodes: true'                           | nodes              | must be a whole number, got true",
        "'nodes: 100'                            | nodes              | must be between 1 and 99, got 100",
        "'nodes: 0'                              | nodes              | must be between 1 and 99, got 0",
        "'seeds: 2.0'                            | seeds              | must be a whole number, got 2.0",
        "'workload: {clients: 2.5}'              | workload.clients   | must be a whole number, got 2.5",
        "'workload: {clients: 99999999999}'      | workload.clients   | the number 99999999999 is out of range",
        "'workload: {keys: 2000000}'             | workload.keys      | must be between 1 and 1000000, got 2000000",
        "'workload: {valueSize: 0}'              | workload.valueSize | must be between 1 and 1048576, got 0",
        "'workload: {bikes: -1}'                 | workload.bikes     | must be between 1 and 1000000, got -1",
        "'workload: {rate: fast}'                | workload.rate      | must be a number, got 'fast'",
        "'workload: {zipfTheta: 1000}'           | workload.zipfTheta | must be above 0 and below 100",
        "'network: {loss: [0.1]}'                | network.loss       | must be a number, got a list",
        "'network: {loss: .inf}'                 | line 2, column 21  | malformed YAML",
    })
    void aNonIntegerOrOutOfRangeNumberIsRefusedNotTruncated(String body, String field, String reason) {
        ScenarioException e = refused("name: n\n" + body + "\n");
        assertEquals(field, e.field(), e.getMessage());
        assertTrue(e.reason().startsWith(reason), e.getMessage());
    }

    @Test
    void aDuplicateKeyIsRefusedNamingTheKeyAndLine() {
        ScenarioException yaml = refused("name: d\nnodes: 3\nworkload: {clients: 2}\nnodes: 5\n");
        assertTrue(yaml.field().startsWith("line 4,"), yaml.getMessage());
        assertEquals("the key 'nodes' appears twice in the same mapping", yaml.reason());
        ScenarioException nested = refused("name: d\nworkload:\n  clients: 2\n  clients: 3\n");
        assertTrue(nested.getMessage().startsWith("s.yaml: line 4,") && nested.reason().contains("'clients'"), nested.getMessage());
        ScenarioException json = assertThrows(ScenarioException.class,
                () -> ScenarioLoader.parse("s.json", "{\"name\": \"d\",\n \"seeds\": 1,\n \"seeds\": 2}", true));
        assertTrue(json.field().startsWith("line 3,") && json.reason().contains("'seeds' appears twice"), json.getMessage());
    }

    @Test
    void yamlAnchorsAndAliasesAreRefusedInPlainWords() {
        for (String text : List.of("name: a\nw: &base {clients: 2}\n", "name: a\nworkload: &w {clients: 2}\nnetwork: *w\n",
                "name: a\nfaults:\n  - &f {at: 1s, type: crash, target: n1}\n  - *f\n")) {
            ScenarioException e = refused(text);
            assertTrue(e.reason().startsWith("YAML anchors and aliases (&name, *name) are not supported"), e.getMessage());
            assertTrue(e.field().startsWith("line "), e.getMessage());
        }
    }

    @Test
    void syntaxErrorsAreAtLineAndColumnNotAWrongType() {
        ScenarioException unclosed = refused("name: a\nworkload: {clients: 3\n");
        assertTrue(unclosed.field().matches("line \\d+, column \\d+"), unclosed.getMessage());
        assertTrue(unclosed.reason().startsWith("malformed YAML"), unclosed.getMessage());
        ScenarioException json = assertThrows(ScenarioException.class, () -> ScenarioLoader.parse("s.json", "{\"name\": \"a\",", true));
        assertTrue(json.field().startsWith("line 1,") && json.reason().startsWith("malformed JSON"), json.getMessage());
        assertTrue(refused("name: a\n---\nname: b\n").reason().contains("second one"));
        assertEquals("the file is empty", refused("# nothing but a comment\n").reason());
        assertTrue(refused("- just\n- a list\n").reason().startsWith("a scenario is a mapping of fields"));
    }

    @Test
    void everyPairOfRegionsNeedsADelayAndRegionNamesMayHoldHyphens() {
        String placement = "name: geo\nnodes: 3\nnetwork:\n  regions:\n    placement: {us-east: [n1], eu-west: [n2], ap: [n3]}\n";
        ScenarioException e = refused(placement + "    between: {us-east-eu-west: 40ms, us-east-ap: 90ms}\n");
        assertEquals("network.regions.between.eu-west-ap", e.field(), e.getMessage());
        assertTrue(e.reason().startsWith("missing: every pair of regions needs a delay"), e.getMessage());
        Scenario ok = ScenarioLoader.parse("s.yaml", placement + "    between: {us-east-eu-west: 40ms, us-east-ap: 90ms, ap-eu-west: 70ms}\n", false);
        assertEquals(40_000_000L, Runs.regions(ok.network().regions())
                .delay(quorumlab.protocols.NodeId.parse("n2"), quorumlab.protocols.NodeId.parse("n1")).mean(), 0);
        ScenarioException unplaced = refused("name: geo\nnodes: 3\nnetwork:\n  regions:\n    placement: {a: [n1], b: [n2]}\n"
                + "    between: {a-b: 1ms}\n");
        assertEquals("network.regions.placement", unplaced.field());
        assertTrue(unplaced.reason().startsWith("node n3 is in no region"), unplaced.getMessage());
    }
}
