package quorumlab.raft;

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
import quorumlab.protocols.trace.TraceRecord;

/**
 * Randomized fault schedules: crashes, restarts, partitions, isolation, loss, duplication and
 * reordering, under retrying clients that write and read. Every trace is checked with
 * {@link SafetyChecks} (election safety, log matching, leader completeness, state machine safety,
 * no acknowledged write lost) and for stale reads ({@link StaleReads}), and after the faults stop
 * the cluster must make progress again.
 */
class RandomFaultScheduleTest {
    /** A quarter of the clients' operations are gets, so the stale-read check has reads to judge. */
    private static final double READS = 0.25;

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void safeUnderRandomFaults(RandomFaults.Case variant) {
        RandomFaults.Totals totals = RandomFaults.runMany("raft", variant, READS, RandomFaultScheduleTest::check);
        int installed = totals.events(ProtocolEvent.SnapshotInstalled.class);
        System.out.printf("%s, %d reads answered, %d snapshots installed%n",
                totals.summary(), totals.reads(), installed);
        int schedules = totals.schedules();
        if (variant.options().containsKey("snapshotEveryEntries")) {
            assertTrue(installed > schedules / 2, "lagging followers installed snapshots " + installed + " times");
        }
        assertTrue(totals.writes() > schedules * 5, "clients got " + totals.writes() + " writes acknowledged");
        assertTrue(totals.reads() > schedules,
                "clients got " + totals.reads() + " reads answered, so the stale-read check saw reads");
    }

    static Stream<RandomFaults.Case> variants() {
        return RandomFaults.cases(
                Map.entry("paper defaults", Map.of()),
                Map.entry("every option on", Map.of("fastBacktrack", true, "preVote", true, "checkQuorum", true,
                        "pipelining", 4, "maxEntriesPerAppend", 3, "noOpOnElection", true, "readIndex", true,
                        "snapshotEveryEntries", 16)),
                Map.entry("snapshot every 5 entries", Map.of("snapshotEveryEntries", 5)));
    }

    @Test
    void theSameSeedGivesTheSameTrace() {
        RandomFaults.assertReplays("raft", READS, RandomFaultScheduleTest::check);
    }

    private static void check(RandomFaults.Schedule schedule) {
        List<TraceRecord> trace = schedule.trace().records();
        String where = "seed " + schedule.seed() + ", " + schedule.size() + " nodes, options " + schedule.options();
        assertEquals(List.of(), SafetyChecks.violations("raft", trace), where);
        assertEquals(List.of(), StaleReads.violations(trace), where);
        assertTrue(schedule.progressedAfterHealing(), where + ": no write acknowledged after the faults stopped");
    }
}
