package quorumlab.paxos;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.check.SafetyChecks;
import quorumlab.protocols.testing.RandomFaults;

/**
 * Randomized fault schedules: crashes, restarts, partitions, isolation, loss, duplication and
 * reordering, under retrying clients. Every trace is checked with {@link SafetyChecks} (at most one
 * value chosen per slot, the same command applied at each index, no acknowledged write lost), and
 * after the faults stop the cluster must make progress again.
 */
class RandomFaultScheduleTest {
    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void safeUnderRandomFaults(RandomFaults.Case variant) {
        RandomFaults.Totals totals = RandomFaults.runMany("multi-paxos", variant, 0, RandomFaultScheduleTest::check);
        int forgotten = totals.events(ProtocolEvent.SlotsForgotten.class);
        int restored = totals.events(ProtocolEvent.StateMachineRestored.class);
        System.out.printf("%s, %d compactions, %d restores from a snapshot%n", totals.summary(), forgotten, restored);
        int schedules = totals.schedules();
        assertTrue(totals.writes() > schedules * 5, "clients got " + totals.writes() + " writes acknowledged");
        if (variant.options().containsKey("snapshotEveryEntries")) {
            assertTrue(forgotten > schedules && restored > schedules / 2,
                    "compaction ran (" + forgotten + ") and restarts restored snapshots (" + restored + ")");
        }
    }

    static Stream<RandomFaults.Case> variants() {
        return RandomFaults.cases(
                Map.entry("paper defaults", Map.of()),
                Map.entry("batched and narrow window", Map.of("maxBatch", 4, "pipelineWindow", 3, "retransmitMs", 40)),
                Map.entry("snapshot every 5 slots", Map.of("snapshotEveryEntries", 5)));
    }

    @Test
    void theSameSeedGivesTheSameTrace() {
        RandomFaults.assertReplays("multi-paxos", 0, RandomFaultScheduleTest::check);
    }

    private static void check(RandomFaults.Schedule schedule) {
        String where = "seed " + schedule.seed() + ", " + schedule.size() + " nodes, options " + schedule.options();
        assertEquals(List.of(), SafetyChecks.violations("multi-paxos", schedule.trace().records()), where);
        assertTrue(schedule.progressedAfterHealing(), where + ": no write acknowledged after the faults stopped");
    }
}
