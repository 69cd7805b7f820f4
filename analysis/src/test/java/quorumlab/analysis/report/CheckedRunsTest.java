package quorumlab.analysis.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import quorumlab.analysis.check.CheckStatus;
import quorumlab.analysis.check.Checks;
import quorumlab.analysis.check.Verdict;
import quorumlab.analysis.metrics.Summary;
import quorumlab.workload.Runner;
import quorumlab.workload.Scenario;
import quorumlab.workload.ScenarioLoader;

/**
 * Checking and analysing a run in one pass over each trace gives the same verdicts and the same
 * numbers as checking it and then analysing it from its files, and does not read the trace again.
 */
class CheckedRunsTest {
    private static final Runner.Listener QUIET = new Runner.Listener() {
        @Override
        public void started(int total) {}

        @Override
        public void finished(Runner.SeedRun run) {}
    };

    @TempDir
    Path dir;

    @Test
    void onePassAgreesWithCheckingThenAnalysingAndReadsEachTraceOnce() throws IOException {
        Scenario s = ScenarioLoader.parse("small-crash.yaml", String.join("\n", "name: small-crash", "nodes: 3", "duration: 1500ms",
                "traceLevel: full", "workload: {clients: 2, keys: 2}", "faults:", "  - {at: 600ms, type: crash, target: leader, duration: 400ms}", ""), false);
        CheckedRuns checked = new CheckedRuns();
        Map<String, Verdict> onePass = new ConcurrentHashMap<>();
        Runner.Result r = new Runner().afterEachRun((d, run) -> onePass.put(run.protocol(), checked.checkAndMeasure(d, run)))
                .run(s, List.of("raft"), 1, 1, Runner.RuntimeKind.SIM, dir, QUIET);

        // the two-pass way, on the landed files: check again, then analyse from the traces
        Report.Section twoPasses = Report.analyse(r.dir());
        for (Runner.SeedRun run : r.runs()) {
            Verdict again = Checks.checkRun(run.dir());
            assertEquals(withoutTimes(again), withoutTimes(onePass.get(run.protocol())), run.protocol() + ": the same verdicts");
            assertEquals(CheckStatus.OK, again.status(), run.protocol() + ": " + again);
        }
        Report.Section single = Report.analyse(r.dir(), checked);
        assertSameNumbers(twoPasses, single);

        // the metrics measured while checking are what analyse uses: a damaged trace is not read again
        for (Runner.SeedRun run : r.runs()) Files.write(Runner.traceIn(run.dir()), "not a trace\n".getBytes());
        assertSameNumbers(twoPasses, Report.analyse(r.dir(), checked));
        assertThrows(IllegalArgumentException.class, () -> Report.analyse(r.dir()), "reading the damaged trace fails");
    }

    /** The checks, their summaries without the time the search took. */
    private static List<String> withoutTimes(Verdict v) {
        return v.checks().stream().map(c -> c.toString().replaceAll(" in [0-9.]+ s\\)", ")")).toList();
    }

    private static void assertSameNumbers(Report.Section expected, Report.Section actual) {
        assertEquals(expected.summaries().keySet(), actual.summaries().keySet());
        for (String protocol : expected.summaries().keySet()) {
            Summary e = expected.summaries().get(protocol);
            Summary a = actual.summaries().get(protocol);
            assertTrue(e.fields().get("throughput_ops_s").value() > 0, protocol + " committed in the window");
            assertEquals(e.fields(), a.fields(), protocol + ": every summary field");
            assertEquals(e.violations(), a.violations());
            assertEquals(e.linearizable(), a.linearizable());
            assertEquals(expected.verdictLines().get(protocol), actual.verdictLines().get(protocol));
        }
    }
}
