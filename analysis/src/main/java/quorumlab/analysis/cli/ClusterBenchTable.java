package quorumlab.analysis.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import quorumlab.protocols.Protocol;
import quorumlab.protocols.cluster.ClusterBench;
import quorumlab.workload.Runner;

/** {@code bench --runtime cluster}: the cluster runtime's throughput and latency table (issue #19). */
final class ClusterBenchTable {
    static final List<Integer> OUTSTANDING = List.of(1, 64, 256);
    static final List<String> STORES = List.of("memory", "disk");

    static int run(String protocol, int seconds, PrintStream out) throws IOException {
        List<String> protocols = protocol != null ? List.of(Protocol.byName(protocol).name()) : List.of("raft", "multi-paxos");
        out.printf(Locale.ROOT, "%d cores; 3 node processes on 127.0.0.1, no added delay, matched settings, closed-loop writes of 100 bytes,"
                + " 2 s warm-up, %d s measured%n", Runtime.getRuntime().availableProcessors(), seconds);
        out.printf(Locale.ROOT, "%-12s %-7s %12s %11s %10s %9s %9s%n", "protocol", "store", "outstanding", "operations", "ops/s", "p50 ms", "p99 ms");
        Path dir = Files.createTempDirectory("quorumlab-cluster-bench");
        try {
            for (String p : protocols) {
                for (String store : STORES) {
                    for (int n : OUTSTANDING) {
                        ClusterBench.Row r = ClusterBench.measure(Protocol.byName(p), store, n, Duration.ofSeconds(2), Duration.ofSeconds(seconds), dir);
                        out.printf(Locale.ROOT, "%-12s %-7s %12d %11d %10.0f %9.2f %9.2f%n", r.protocol(), r.store(), r.outstanding(),
                                r.operations(), r.opsPerSecond(), r.p50Ms(), r.p99Ms());
                    }
                }
            }
        } finally {
            Runner.deleteRecursively(dir);
        }
        return Main.EXIT_OK;
    }

    private ClusterBenchTable() {}
}
