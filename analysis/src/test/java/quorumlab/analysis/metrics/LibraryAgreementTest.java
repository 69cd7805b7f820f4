package quorumlab.analysis.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import quorumlab.analysis.check.CheckStatus;
import quorumlab.analysis.check.Checks;
import quorumlab.analysis.check.TraceHistory;
import quorumlab.analysis.check.Verdict;
import quorumlab.protocols.Protocol;
import quorumlab.protocols.trace.TraceRecord;
import quorumlab.workload.InMemoryRun;
import quorumlab.workload.Scenario;
import quorumlab.workload.ScenarioLibrary;

/**
 * Every library scenario, both protocols, two seeds: the one-pass metrics equal the whole-trace
 * reference field by field. The traces are checked too (invariants, no lost write, linearizability).
 */
class LibraryAgreementTest {
    static Stream<Arguments> runs() {
        return ScenarioLibrary.names().stream().flatMap(name -> Stream.of("raft", "multi-paxos").map(p -> Arguments.of(name, p)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("runs")
    void streamingEqualsTheWholeTraceReference(String name, String protocol) {
        Scenario scenario = ScenarioLibrary.load(name);
        for (long seed = 1; seed <= 2; seed++) {
            List<TraceRecord> trace = InMemoryRun.run(scenario, Protocol.byName(protocol), seed, 0, Long.MAX_VALUE / 4).trace();
            for (Verdict.Check c : Checks.traceChecks(trace)) assertEquals(CheckStatus.OK, c.status(), c.name() + ": " + c.summary());
            Verdict.Check lin = Checks.linearizability(TraceHistory.fromTrace(name, trace), Checks.Settings.DEFAULT, null, name);
            assertTrue(lin.status() != CheckStatus.VIOLATION, lin.summary());
            RunMetrics m = RunMetrics.of(trace);
            Agreement.assertAgree(quorumlab.analysis.metrics.legacy.RunMetrics.of(trace), m, name + " " + protocol + " seed " + seed + ": ");
            assertTrue(m.committed > 0, "the scenario served clients");
        }
    }
}
