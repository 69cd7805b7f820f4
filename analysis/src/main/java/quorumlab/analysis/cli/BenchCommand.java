package quorumlab.analysis.cli;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import quorumlab.workload.Runner;
import quorumlab.workload.Scenario;
import quorumlab.workload.ScenarioLoader;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measures the simulator's speed and peak memory.",
            "Prints simulated deliveries per second and peak heap for 5 nodes",
            "at 1,000 ops/s with trace level events, for each of --minutes;",
            "then the raw simulator throughput."})
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--minutes", split = ",", defaultValue = "1,10,60", paramLabel = "M,M,...",
            description = "Virtual run lengths in minutes (default: ${DEFAULT-VALUE}).")
    List<Integer> minutes;

    @Option(names = "--protocol", defaultValue = "raft", paramLabel = "NAME", completionCandidates = ProtocolNames.class,
            description = {"One of: ${COMPLETION-CANDIDATES}.", "Default: ${DEFAULT-VALUE}."})
    String protocol;

    @Option(names = "--checker", description = "Also run the linearizability checker's benchmark.")
    boolean checker;

    @Override
    public Integer call() throws Exception {
        System.out.printf(Locale.ROOT, "max heap %,d MB; %s, 5 nodes, open loop 1,000 ops/s, trace level events%n",
                Runtime.getRuntime().maxMemory() >> 20, protocol);
        Path out = Files.createTempDirectory("quorumlab-bench");
        try {
            for (int m : minutes) {
                Scenario s = ScenarioLoader.parse("bench-" + m + "min", scenario(m), false);
                System.gc();
                resetPeaks();
                Runner.Result r = new Runner().threads(1).run(s, List.of(protocol), 1, 1, Runner.RuntimeKind.SIM, out,
                        new Runner.Listener() {
                            public void started(int total) {}

                            public void finished(Runner.SeedRun run) {}
                        });
                Runner.SeedRun run = r.runs().get(0);
                System.out.printf(Locale.ROOT,
                        "%3d virtual min: %,12d deliveries in %7.1f s wall = %,10.0f deliveries/s; %,10d ops completed; peak heap %,5d MB%n",
                        m, run.messagesDelivered(), run.wallSeconds(), run.messagesDelivered() / run.wallSeconds(),
                        run.completedOperations(), peakHeap() >> 20);
                Runner.deleteRecursively(r.dir());
            }
        } finally {
            Runner.deleteRecursively(out);
        }
        System.out.println("raw simulator: " + quorumlab.protocols.sim.SimBenchmark.run());
        if (checker) quorumlab.analysis.check.CheckerBenchmark.run(System.out);
        return Main.EXIT_OK;
    }

    private static String scenario(int minutes) {
        return String.join("\n",
                "name: bench-" + minutes + "min",
                "description: throughput and memory benchmark",
                "nodes: 5",
                "duration: " + minutes * 60 + "s",
                "traceLevel: events",
                "network:",
                "  delay: uniform(1ms,3ms)",
                "workload:",
                "  mode: open",
                "  rate: 1000",
                "  arrivals: constant",
                "  keys: 100",
                "");
    }

    private static void resetPeaks() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) pool.resetPeakUsage();
        }
    }

    private static long peakHeap() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) sum += pool.getPeakUsage().getUsed();
        }
        return sum;
    }
}
