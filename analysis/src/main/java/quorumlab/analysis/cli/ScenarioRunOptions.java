package quorumlab.analysis.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;
import quorumlab.workload.Runner;

/** The options of every command that runs scenarios, mixed into each with {@code @Mixin}. */
final class ScenarioRunOptions {
    @Option(names = "--runtime", defaultValue = "sim", paramLabel = "sim|local|cluster",
            description = {"sim: the deterministic simulator;", "local: Pekko actors on this machine;",
                "cluster: a process per node, joined by", "Pekko Cluster (docs/cluster-runtime.md).", "Default: ${DEFAULT-VALUE}."})
    String runtime;

    @Option(names = "--store", paramLabel = "memory|disk",
            description = {"Where the nodes keep their durable state", "(--runtime local or cluster):", "memory, or disk (RocksDB under the run's directory,",
                    "fsynced before a node answers;", "docs/durable-store.md).", "Default: disk for cluster (a restarted process", "recovers from it), else memory."})
    String store;

    @Option(names = "--hosts", paramLabel = "FILE",
            description = {"--runtime cluster: where the nodes run", "(docs/cluster-runtime.md).", "Default: all on 127.0.0.1."})
    Path hosts;

    @Option(names = "--out", defaultValue = "results", paramLabel = "DIR", description = "Where run directories go. Default: ${DEFAULT-VALUE}.")
    Path out;

    Runner.RuntimeKind runtimeKind() {
        return Runner.RuntimeKind.parse(runtime);
    }

    /** A runner with this command line's store and hosts. */
    Runner runner() {
        Runner runner = new Runner().store(storeKind());
        return hosts != null ? runner.hosts(hosts) : runner;
    }

    Runner.StoreKind storeKind() {
        if (store == null) return runtimeKind() == Runner.RuntimeKind.CLUSTER ? Runner.StoreKind.DISK : Runner.StoreKind.MEMORY;
        return Runner.StoreKind.parse(store);
    }
}
