package quorumlab.analysis.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import quorumlab.protocols.OptionSpec;
import quorumlab.protocols.Protocol;

@Command(name = "protocols", mixinStandardHelpOptions = true,
        description = "Lists the protocols on the class path, with their options.")
final class ProtocolsCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        for (Protocol protocol : Protocol.all()) {
            System.out.println(protocol.name() + " — " + protocol.description());
            for (OptionSpec option : protocol.options()) {
                System.out.printf("  %-28s %-8s default %-8s %s%n", option.name(),
                        option.type().getSimpleName(), option.defaultValue(), option.description());
            }
        }
        return Main.EXIT_OK;
    }
}
