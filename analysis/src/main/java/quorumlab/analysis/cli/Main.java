package quorumlab.analysis.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The command-line program. Exit codes: 0 success (all checks ok), 1 a safety or linearizability
 * violation, 2 bad input (scenario, option, trace), 3 a check came back unknown.
 */
@Command(
        name = "quorumlab",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "A laboratory that compares Multi-Paxos and Raft.",
        subcommands = {
            ProtocolsCommand.class,
            CompareCommand.class,
            ReportCommand.class,
            SweepCommand.class,
            ScenariosCommand.class,
            RunCommand.class,
            ExportCommand.class,
            BenchCommand.class,
            CheckCommand.class,
            ExperimentCommand.class,
            FuzzCommand.class,
        })
public final class Main {
    public static final int EXIT_OK = 0;
    public static final int EXIT_VIOLATION = 1;
    public static final int EXIT_BAD_INPUT = 2;
    public static final int EXIT_UNKNOWN = 3;

    public static void main(String[] args) {
        int exit;
        try {
            exit = commandLine().execute(args);
        } catch (OutOfMemoryError e) {
            System.err.println("quorumlab: " + outOfMemory());
            exit = 1;
        }
        System.exit(exit);
    }

    /** Checks and reports read a whole trace into memory, so a long run can need more heap than the simulation. */
    static String outOfMemory() {
        return "out of memory (max heap " + (Runtime.getRuntime().maxMemory() >> 20) + " MB): checking and analysing"
                + " read each trace whole; give Java more, e.g. QUORUMLAB_JAVA_OPTS=-Xmx16g ./quorumlab ...";
    }

    /** The command line with quorumlab's error handling: one line on stderr, never a stack trace. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            boolean outOfMemory = e.getCause() instanceof OutOfMemoryError;
            commandLine.getErr().println("quorumlab: " + (outOfMemory ? outOfMemory() : oneLine(e)));
            return e instanceof IllegalArgumentException || e instanceof java.io.UncheckedIOException
                            || e instanceof java.io.IOException
                    ? EXIT_BAD_INPUT
                    : 1;
        });
        cli.setParameterExceptionHandler((e, args) -> {
            CommandLine c = e.getCommandLine();
            c.getErr().println("quorumlab: " + e.getMessage());
            c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help'.");
            return EXIT_BAD_INPUT;
        });
        return cli;
    }

    static String oneLine(Throwable e) {
        String message = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        return message.replaceAll("\\s*\\R\\s*", " ");
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"quorumlab " + (v != null ? v : "0.1.0-SNAPSHOT")};
        }
    }
}
