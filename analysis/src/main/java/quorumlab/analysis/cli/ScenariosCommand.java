package quorumlab.analysis.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import quorumlab.workload.ScenarioLibrary;

@Command(name = "scenarios", mixinStandardHelpOptions = true,
        description = "Lists the shipped scenarios, or prints one to copy and edit.")
final class ScenariosCommand implements Callable<Integer> {
    @Option(names = "--show", paramLabel = "NAME", description = "Print the scenario file NAME.")
    String show;

    @Override
    public Integer call() {
        if (show != null) {
            System.out.print(ScenarioLibrary.text(show));
            return Main.EXIT_OK;
        }
        for (String name : ScenarioLibrary.names()) {
            System.out.printf("%-20s %s%n", name, ScenarioLibrary.load(name).description());
        }
        return Main.EXIT_OK;
    }
}
