package quorumlab.analysis.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;
import quorumlab.workload.Runner;

/** The options of every command that runs scenarios, mixed into each with {@code @Mixin}. */
final class ScenarioRunOptions {
    @Option(names = "--runtime", defaultValue = "sim", paramLabel = "sim|local", description = "Default: ${DEFAULT-VALUE}.")
    String runtime;

    @Option(names = "--out", defaultValue = "results", paramLabel = "DIR", description = "Default: ${DEFAULT-VALUE}.")
    Path out;

    Runner.RuntimeKind runtimeKind() {
        return Runner.RuntimeKind.parse(runtime);
    }
}
