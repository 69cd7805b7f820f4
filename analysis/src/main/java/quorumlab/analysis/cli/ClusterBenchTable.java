package quorumlab.analysis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import quorumlab.protocols.Protocol;
import quorumlab.protocols.cluster.ClusterBench;
import quorumlab.workload.Runner;

/**
 * {@code bench --runtime cluster}: the cluster runtime's throughput and latency table (issue #19),
 * then Apache Ratis measured the same way in the same run, and the ratio of the two.
 */
final class ClusterBenchTable {
    static final List<Integer> OUTSTANDING = List.of(1, 64, 256);
    static final List<String> STORES = List.of("memory", "disk");

    static int run(String protocol, int warmup, int seconds, PrintStream out) throws IOException {
        List<String> protocols = protocol != null ? List.of(Protocol.byName(protocol).name()) : List.of("raft", "multi-paxos");
        out.printf(Locale.ROOT, "%d cores; 3 node processes on 127.0.0.1, no added delay, matched settings, closed-loop writes of 100 bytes,"
                + " %d s warm-up, %d s measured%n", Runtime.getRuntime().availableProcessors(), warmup, seconds);
        // ratis-bench/run starts its JVM with RATIS_BENCH_JAVA_OPTS, -Xmx2g when unset (the JIT in full)
        String ratisOptions = System.getenv().getOrDefault("RATIS_BENCH_JAVA_OPTS", "-Xmx2g");
        out.printf(Locale.ROOT, "node JVMs: %s; the coordinator (this JVM) warmed once before the first configuration;"
                + " Ratis: its servers in one JVM of its own: %s%n", String.join(" ", ClusterBench.nodeJvmOptions()), ratisOptions);
        out.printf(Locale.ROOT, ROW_HEADER, "protocol", "store", "outstanding", "operations", "ops/s", "p50 ms", "p99 ms");
        List<ClusterBench.Row> ours = new ArrayList<>();
        Path dir = Files.createTempDirectory("quorumlab-cluster-bench");
        try {
            for (String p : protocols) {
                for (String store : STORES) {
                    for (int n : OUTSTANDING) {
                        ClusterBench.Row r = ClusterBench.measure(Protocol.byName(p), store, n, Duration.ofSeconds(warmup), Duration.ofSeconds(seconds), dir);
                        print(r, out);
                        ours.add(r);
                    }
                }
            }
        } finally {
            Runner.deleteRecursively(dir);
        }
        List<ClusterBench.Row> ratis = ratis(warmup, seconds, out);
        if (!ratis.isEmpty()) ratios(ours, ratis, out);
        return Main.EXIT_OK;
    }

    private static final String ROW_HEADER = "%-12s %-7s %12s %11s %10s %9s %9s%n";

    private static void print(ClusterBench.Row r, PrintStream out) {
        out.printf(Locale.ROOT, "%-12s %-7s %12d %11d %10.0f %9.2f %9.2f%n", r.protocol(), r.store(), r.outstanding(),
                r.operations(), r.opsPerSecond(), r.p50Ms(), r.p99Ms());
    }

    /**
     * Apache Ratis measured the same way in the same run (docs/cluster-runtime-bench.md): {@code
     * ratis-bench/run} of the repository this program runs from, one JSON line per transport and
     * concurrency. Empty, with a line saying why, if it is not there or fails.
     */
    private static List<ClusterBench.Row> ratis(int warmup, int seconds, PrintStream out) {
        Path script = Path.of("ratis-bench", "run");
        if (!Files.isExecutable(script)) {
            out.println("Apache Ratis: not measured (no ratis-bench/run in the current directory: run from the repository root)");
            return List.of();
        }
        String outstanding = OUTSTANDING.stream().map(String::valueOf).collect(Collectors.joining(","));
        ProcessBuilder pb = new ProcessBuilder(script.toString(), "--seconds", Integer.toString(seconds), "--warmup", Integer.toString(warmup),
                "--bytes", "100", "--outstanding", outstanding).redirectError(ProcessBuilder.Redirect.DISCARD);
        List<ClusterBench.Row> rows = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        try {
            Process ratis = pb.start();
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(ratis.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    if (!line.startsWith("{")) continue;
                    JsonNode r = json.readTree(line);
                    ClusterBench.Row row = new ClusterBench.Row("ratis-" + r.path("transport").asText(), "memory", r.path("outstanding").asInt(),
                            r.path("ops").asLong(), r.path("seconds").asDouble(), r.path("p50Ms").asDouble(), r.path("p99Ms").asDouble());
                    print(row, out);
                    rows.add(row);
                }
            }
            int exit = ratis.waitFor();
            if (exit != 0) out.println("Apache Ratis: ratis-bench/run ended with exit status " + exit + " after " + rows.size() + " rows");
        } catch (IOException e) {
            out.println("Apache Ratis: not measured (" + e.getMessage() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return rows;
    }

    /** Ours / Ratis's throughput per concurrency, for each of our protocols and stores against each Ratis transport. */
    private static void ratios(List<ClusterBench.Row> ours, List<ClusterBench.Row> ratis, PrintStream out) {
        out.println();
        out.println("throughput, ours / Apache Ratis (memory log), per outstanding writes");
        out.printf(Locale.ROOT, "%-12s %-7s %-12s", "protocol", "store", "vs");
        for (int n : OUTSTANDING) out.printf(Locale.ROOT, " %8d", n);
        out.println();
        for (ClusterBench.Row o : ours) {
            if (o.outstanding() != OUTSTANDING.get(0)) continue;
            for (String transport : ratis.stream().map(ClusterBench.Row::protocol).distinct().toList()) {
                out.printf(Locale.ROOT, "%-12s %-7s %-12s", o.protocol(), o.store(), transport);
                for (int n : OUTSTANDING) {
                    double mine = find(ours, o.protocol(), o.store(), n);
                    double theirs = find(ratis, transport, "memory", n);
                    out.printf(Locale.ROOT, " %8s", theirs > 0 && mine >= 0 ? String.format(Locale.ROOT, "%.2f", mine / theirs) : "n/a");
                }
                out.println();
            }
        }
    }

    private static double find(List<ClusterBench.Row> rows, String protocol, String store, int outstanding) {
        for (ClusterBench.Row r : rows) {
            if (r.protocol().equals(protocol) && r.store().equals(store) && r.outstanding() == outstanding) return r.opsPerSecond();
        }
        return -1;
    }

    private ClusterBenchTable() {}
}
