package quorumlab.analysis.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;
import quorumlab.workload.Runner;

/** The options of every command that runs scenarios, mixed into each with {@code @Mixin}. */
final class ScenarioRunOptions {
    @Option(names = "--runtime", defaultValue = "sim", paramLabel = "sim|local",
            description = {"sim: the deterministic simulator;", "local: Pekko actors on this machine.", "Default: ${DEFAULT-VALUE}."})
    String runtime;

    @Option(names = "--out", defaultValue = "results", paramLabel = "DIR", description = "Where run directories go. Default: ${DEFAULT-VALUE}.")
    Path out;

    Runner.RuntimeKind runtimeKind() {
        return Runner.RuntimeKind.parse(runtime);
    }
}
