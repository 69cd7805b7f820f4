package quorumlab.analysis.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import quorumlab.protocols.Protocol;

/**
 * Multi-Paxos's leaderLease withholds promises; it must never break safety. Every schedule here has
 * the lease on, each of the 72 lease-on option combinations twice, under every fault kind, and each
 * run passes every check the fuzzer makes (safety, linearizability, liveness after the heal, cost).
 * (FuzzVerifyTest's 400 Multi-Paxos schedules draw the lease-on combinations too, with other seeds.)
 */
class LeaderLeaseFuzzTest {
    static final int SCHEDULES = 144;

    @Test
    void everyLeaseOnCombinationTwicePassesEveryCheck() {
        Predicate<Map<String, Object>> leaseOn = options -> Boolean.TRUE.equals(options.get("leaderLease"));
        Fuzzer.Settings settings = new Fuzzer.Settings(SCHEDULES, 17, 0, Runtime.getRuntime().availableProcessors(),
                Shape.SHORT, Set.of(), leaseOn, true, java.nio.file.Path.of("target", "fuzz-counterexamples"));
        Fuzzer fuzzer = new Fuzzer(Protocol.byName("multi-paxos"), settings);
        assertEquals(72, fuzzer.combinations(), "half of multi-paxos's combinations have the lease on");
        Fuzzer.Report report = fuzzer.run(Fuzzer.Listener.NONE);
        assertEquals(SCHEDULES, report.schedulesRun());
        assertEquals(72, report.combinationsRun(), "every lease-on combination ran");
        assertTrue(report.faultKinds().size() > 5, "faults of many kinds were drawn: " + report.faultKinds().keySet());
        assertEquals(0, report.exitCode(), FuzzRuns.describe(report));
    }
}
