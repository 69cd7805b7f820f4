package quorumlab.analysis.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;
import quorumlab.workload.Runner;

/** The options of every command that runs scenarios, mixed into each with {@code @Mixin}. */
final class ScenarioRunOptions {
    @Option(names = "--runtime", defaultValue = "sim", paramLabel = "sim|local",
            description = {"sim: the deterministic simulator;", "local: Pekko actors on this machine.", "Default: ${DEFAULT-VALUE}."})
    String runtime;

    @Option(names = "--store", defaultValue = "memory", paramLabel = "memory|disk",
            description = {"Where nodes keep their durable state: memory,", "or disk (RocksDB under the run's directory,",
                    "one fsync per handler; --runtime local only;", "docs/durable-store.md).", "Default: ${DEFAULT-VALUE}."})
    String store;

    @Option(names = "--out", defaultValue = "results", paramLabel = "DIR", description = "Where run directories go. Default: ${DEFAULT-VALUE}.")
    Path out;

    Runner.RuntimeKind runtimeKind() {
        return Runner.RuntimeKind.parse(runtime);
    }

    Runner.StoreKind storeKind() {
        return Runner.StoreKind.parse(store);
    }
}
