package quorumlab.analysis.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import quorumlab.protocols.Protocol;

/**
 * At least 400 short fuzz schedules per protocol, every option combination among them, every fault
 * kind drawn (membership changes too: at least {@link #MEMBERSHIP_SCHEDULES} schedules change the
 * membership); each run checked for safety, linearizability, liveness and cost. Any failure fails
 * the build with the fuzzer's shrunk counterexample in the message.
 */
class FuzzVerifyTest {
    static final int SCHEDULES = 400;
    static final int MEMBERSHIP_SCHEDULES = 200;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"raft", "multi-paxos"})
    void fourHundredSchedulesPassEveryCheck(String name) {
        Protocol protocol = Protocol.byName(name);
        Set<String> excluded = Set.of();
        Predicate<Map<String, Object>> allowed = options -> true;
        Fuzzer.Settings settings = new Fuzzer.Settings(SCHEDULES, 2026, 0, Runtime.getRuntime().availableProcessors(),
                Shape.SHORT, excluded, allowed, true, java.nio.file.Path.of("target", "fuzz-counterexamples"));
        Fuzzer fuzzer = new Fuzzer(protocol, settings);
        assertTrue(fuzzer.combinations() <= SCHEDULES, fuzzer.combinations() + " combinations");
        Fuzzer.Report report = fuzzer.run(Fuzzer.Listener.NONE);
        System.out.print(FuzzRuns.describe(report));
        assertEquals(SCHEDULES, report.schedulesRun());
        assertEquals(fuzzer.combinations(), report.combinationsRun(), "every option combination ran");
        assertTrue(protocol.supportsMembershipChange(), name + " changes its membership");
        Set<String> kinds = new java.util.TreeSet<>(ScheduleGenerator.KINDS);
        kinds.removeAll(excluded);
        assertEquals(kinds, fuzzer.kinds(), "the membership kinds are drawn for " + name);
        assertEquals(kinds, report.faultKinds().keySet(), "every fault kind was drawn");
        assertTrue(report.membershipSchedules() >= MEMBERSHIP_SCHEDULES, report.membershipSchedules() + " schedules changed the membership");
        assertEquals(0, report.exitCode(), FuzzRuns.describe(report));
    }
}
