package quorumlab.analysis.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import quorumlab.protocols.Protocol;
import quorumlab.workload.Scenario;
import quorumlab.workload.ScenarioLoader;

/**
 * The fuzzer finds planted bugs (a safety bug and a liveness bug), shrinks each to a few faults,
 * and writes a scenario file that loads and, replayed, fails the same check.
 */
class FuzzerTest {
    @TempDir
    Path out;

    private Fuzzer.Report fuzz(Protocol protocol, int schedules) {
        Fuzzer.Settings settings = new Fuzzer.Settings(schedules, 1, 0, 2, Shape.SHORT, Set.of(), options -> true, true, out);
        return new Fuzzer(protocol, settings).run(Fuzzer.Listener.NONE);
    }

    private static void assertShrunkAndReplayable(Protocol protocol, Fuzzer.Failure f, int maxFaults) {
        assertTrue(f.shrunk().faultCount() <= maxFaults, "shrunk to " + f.shrunk().faultCount() + " faults: "
                + FuzzRuns.describeFaults(f.shrunk().faults()));
        assertTrue(f.shrunk().faultCount() <= f.schedule().faultCount());
        assertTrue(f.shrunk().base().nodeCount() <= f.schedule().base().nodeCount());
        assertNotNull(f.file());
        assertTrue(f.replay().contains("--replay " + f.file()) && f.replay().contains("--seed " + f.seed()), f.replay());
        // The file is a scenario as `quorumlab run` reads it, and replaying it fails the same check.
        Scenario loaded = ScenarioLoader.load(f.file());
        assertEquals(f.shrunk().faultCount(), loaded.faultList().size());
        FuzzRuns.Replay replay = FuzzRuns.replay(loaded, protocol, f.seed());
        assertTrue(replay.outcome().fails(f.finding().check()), replay.describe());
    }

    @Test
    void aCandidateThatCountsAVoteTwiceIsFoundAndShrunkToAFewFaults() throws Exception {
        Protocol buggy = PlantedBugs.doubleVote();
        Fuzzer.Report report = fuzz(buggy, 40);
        assertEquals(1, report.exitCode(), FuzzRuns.describe(report));
        Fuzzer.Failure f = report.failures().stream().filter(x -> x.finding().kind() == Judge.Kind.SAFETY).findFirst().orElseThrow();
        assertShrunkAndReplayable(buggy, f, 3);
        String text = Files.readString(f.file());
        assertTrue(text.startsWith("# quorumlab fuzz counterexample: " + f.finding().check()), text);
    }

    @Test
    void nodesThatStartNoTimerAfterARestartAreALivenessFailure() {
        Protocol buggy = PlantedBugs.noTimersAfterRestart();
        Fuzzer.Report report = fuzz(buggy, 60);
        assertEquals(4, report.exitCode(), FuzzRuns.describe(report));
        Fuzzer.Failure f = report.failures().stream().filter(x -> x.finding().check().equals(Judge.LIVENESS)).findFirst().orElseThrow();
        assertShrunkAndReplayable(buggy, f, 3);
        // A restart is needed to show the bug, so the shrunk schedule still crashes a majority.
        assertTrue(f.shrunk().faults().stream().anyMatch(x -> x.type().equals("crash")), FuzzRuns.describeFaults(f.shrunk().faults()));
    }

    @Test
    void durableStateThatIsNotDurableLosesAcknowledgedWrites() {
        Protocol buggy = PlantedBugs.volatileStore();
        Fuzzer.Settings settings = new Fuzzer.Settings(12, 1, 0, 2, Shape.SHORT, Set.of(), options -> true, false, null);
        Fuzzer.Report report = new Fuzzer(buggy, settings).run(Fuzzer.Listener.NONE);
        assertTrue(report.failures().stream().anyMatch(f -> f.finding().check().equals("acknowledged-writes")),
                FuzzRuns.describe(report));
    }

    @Test
    void theSameSeedDrawsTheSameSchedulesAndEveryCombinationInTurn() {
        Protocol raft = Protocol.byName("raft");
        Fuzzer a = new Fuzzer(raft, Fuzzer.Settings.of(10, 42));
        Fuzzer b = new Fuzzer(raft, Fuzzer.Settings.of(10, 42));
        assertEquals(a.schedule(7).schedule().toScenario(raft), b.schedule(7).schedule().toScenario(raft));
        assertFalse(a.schedule(7).schedule().toScenario(raft).equals(a.schedule(8).schedule().toScenario(raft)));
        OptionSpace space = OptionSpace.of(raft);
        assertEquals(384, space.size(), "3 timeouts x 5 switches x 2 replication x 2 snapshot settings");
        assertEquals(space.values(5), a.schedule(5).schedule().base().optionsOrEmpty().get("raft"));
    }

    @Test
    void everyScheduleHealsBeforeItsQuietPeriodAndIsAValidScenario() {
        Protocol paxos = Protocol.byName("multi-paxos");
        Fuzzer fuzzer = new Fuzzer(paxos, Fuzzer.Settings.of(200, 3));
        for (int i = 0; i < 200; i++) {
            Schedule s = fuzzer.schedule(i).schedule();
            Scenario scenario = s.toScenario(paxos);
            // Written out and read back strictly, as a counterexample file would be.
            Scenario reread = ScenarioLoader.parse("schedule " + i, yaml(scenario), false);
            assertEquals(scenario.faultList().size(), reread.faultList().size());
            long heal = s.lastHeal();
            assertTrue(scenario.durationNanos() >= heal + Schedule.livenessBound(scenario, paxos), "schedule " + i);
            for (List<Scenario.Fault> group : s.groups()) {
                // a membership change is not a fault to undo: the cluster it makes is the one the quiet period
                // runs; an expired timer and a burst of writes are instants, with nothing left to undo
                boolean instant = group.stream().allMatch(f -> List.of("add", "remove", "replace", "expire-timer", "client-burst").contains(f.type()));
                boolean undone = instant || group.stream().allMatch(f -> f.duration() != null)
                        || group.stream().anyMatch(f -> List.of("restart", "resume", "heal").contains(f.type()));
                assertTrue(undone, "schedule " + i + " has a fault that is never undone: " + group);
            }
        }
    }

    @Test
    void fewerNodesDropsTheFaultsOnNodesThatAreGone() {
        Scenario.Fault crash5 = ScheduleGenerator.fault("100ms", "crash", "n5", null, null, null, null, null, null);
        Scenario.Fault restart5 = ScheduleGenerator.fault("200ms", "restart", "n5", null, null, null, null, null, null);
        Scenario.Fault split = ScheduleGenerator.fault("50ms", "partition", null,
                List.of(List.of("n1", "n4"), List.of("n2", "n3", "n5")), null, null, null, null, "100ms");
        Scenario.Fault cut = ScheduleGenerator.fault("60ms", "one-way", null, null, "n4", "n1", null, null, "10ms");
        Scenario base = new Scenario("t", null, 5, null, null, null, "defaults", Map.of(), null, null, null);
        Schedule s = new Schedule(base, List.of(List.of(crash5, restart5), List.of(split), List.of(cut)), 0);
        Schedule three = Shrinker.fewerNodes(s, 3);
        assertEquals(3, three.base().nodeCount());
        assertEquals(1, three.faultCount(), FuzzRuns.describeFaults(three.faults()));
        assertEquals(List.of(List.of("n1"), List.of("n2", "n3")), three.faults().get(0).groups());
    }

    private static String yaml(Scenario s) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
                    .writeValueAsString(s);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
