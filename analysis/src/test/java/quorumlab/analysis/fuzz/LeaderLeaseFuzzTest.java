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
 * the lease on, across every other option combination and fault kind, and each run passes every
 * check the fuzzer makes (safety, linearizability, liveness after the heal, cost).
 */
class LeaderLeaseFuzzTest {
    @Test
    void threeHundredSchedulesWithTheLeaseOnPassEveryCheck() {
        Predicate<Map<String, Object>> leaseOn = options -> Boolean.TRUE.equals(options.get("leaderLease"));
        Fuzzer.Settings settings = new Fuzzer.Settings(300, 17, 0, Runtime.getRuntime().availableProcessors(),
                Shape.SHORT, Set.of(), leaseOn, true, java.nio.file.Path.of("target", "fuzz-counterexamples"));
        Fuzzer fuzzer = new Fuzzer(Protocol.byName("multi-paxos"), settings);
        assertEquals(72, fuzzer.combinations(), "half of multi-paxos's combinations have the lease on");
        Fuzzer.Report report = fuzzer.run(Fuzzer.Listener.NONE);
        assertEquals(300, report.schedulesRun());
        assertTrue(report.faultKinds().size() > 5, "faults of many kinds were drawn: " + report.faultKinds().keySet());
        assertEquals(0, report.exitCode(), FuzzRuns.describe(report));
    }
}
