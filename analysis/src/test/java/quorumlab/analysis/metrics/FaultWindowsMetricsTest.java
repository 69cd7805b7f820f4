package quorumlab.analysis.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static quorumlab.analysis.metrics.RunMetricsTest.N2;
import static quorumlab.analysis.metrics.RunMetricsTest.fault;
import static quorumlab.analysis.metrics.RunMetricsTest.meta;
import static quorumlab.analysis.metrics.RunMetricsTest.sorted;
import static quorumlab.analysis.metrics.RunMetricsTest.steady;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import quorumlab.protocols.trace.TraceRecord;

/**
 * Windows compose (docs/scenario-format.md): the end of an inner window closes that window only,
 * so the time the report shades under a fault is the union of the windows, not cut short by the
 * first end.
 */
class FaultWindowsMetricsTest {
    @Test
    void theEndOfANestedWindowLeavesTheOuterOneOpen() {
        List<TraceRecord> t = new ArrayList<>();
        t.add(meta("raft", 3, 0, 1000));
        steady(t, 1, 1, 10, 1000, 10, 2);
        t.add(fault(200, "loss"));
        t.add(fault(300, "loss"));
        t.add(fault(400, "loss-end"));
        t.add(fault(800, "loss-end"));
        t.add(fault(100, "crash", N2));
        t.add(fault(150, "crash", N2));
        t.add(fault(250, "crash-end", N2));
        t.add(fault(600, "restart", N2));
        RunMetrics m = RunMetrics.of(sorted(t));
        List<RunMetrics.Window> loss = windows(m, "loss");
        assertEquals(2, loss.size());
        assertEquals(200, loss.get(0).startMs(), 1e-9);
        assertEquals(800, loss.stream().mapToDouble(RunMetrics.Window::endMs).max().orElseThrow(), 1e-9,
                "the outer loss window lasts to its own end");
        List<RunMetrics.Window> crash = windows(m, "crash");
        assertEquals(2, crash.size());
        assertEquals(600, crash.stream().mapToDouble(RunMetrics.Window::endMs).max().orElseThrow(), 1e-9,
                "n2 stays down until the restart, not the inner window's end");
    }

    private static List<RunMetrics.Window> windows(RunMetrics m, String fault) {
        return m.faultWindows.stream().filter(w -> w.fault().equals(fault))
                .sorted(Comparator.comparingDouble(RunMetrics.Window::startMs)).toList();
    }
}
