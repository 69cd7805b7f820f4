package quorumlab.analysis.report;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import quorumlab.analysis.metrics.RunMetrics;

/**
 * Analyses a run directory (every metric and chart, the report written beside it) and prints the
 * wall time, the peak heap and a few numbers; run in a JVM of its own with a small {@code -Xmx}.
 */
public final class AnalyseInSmallHeap {
    private AnalyseInSmallHeap() {}

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        long start = System.nanoTime();
        Report.Section s = Report.analyse(dir);
        Report.write(List.of(s), dir);
        double seconds = (System.nanoTime() - start) / 1e9;
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) peak += pool.getPeakUsage().getUsed();
        }
        s.runs().forEach((protocol, runs) -> {
            RunMetrics m = runs.get(0);
            System.out.printf(Locale.ROOT, "%s: committed %d, window %.0f ms, latency p50 %.3f ms p99 %.3f ms, leader changes %d, outages %d%n",
                    protocol, m.committed, m.phases.windowMs(), m.latency.getValueAtPercentile(50) / 1e6,
                    m.latency.getValueAtPercentile(99) / 1e6, m.leaderChanges.size(), m.outages.size());
        });
        System.out.printf(Locale.ROOT, "analysed in %.1f s; peak heap %d MB of %d MB%n", seconds, peak >> 20,
                Runtime.getRuntime().maxMemory() >> 20);
    }
}
