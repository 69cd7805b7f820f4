package quorumlab.analysis.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import quorumlab.workload.Runner;

/**
 * The command-line program. Exit codes: 0 success (all checks ok), 1 a safety or linearizability
 * violation, 2 bad input (scenario, option, trace), 3 a check came back unknown, 70 out of memory or an
 * internal error, 130 interrupted (Ctrl-C or SIGTERM).
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
            quorumlab.analysis.viewer.ViewCommand.class,
            quorumlab.analysis.workers.WorkerCommand.class,
        })
public final class Main {
    public static final int EXIT_OK = 0;
    public static final int EXIT_VIOLATION = 1;
    public static final int EXIT_BAD_INPUT = 2;
    public static final int EXIT_UNKNOWN = 3;
    /** Out of memory or a failure inside quorumlab: never mistaken for a verdict (BSD's EX_SOFTWARE). */
    public static final int EXIT_INTERNAL = 70;
    /** Ctrl-C (the shell's 128 + SIGINT), and SIGTERM too, so that both mean "interrupted". */
    public static final int EXIT_INTERRUPTED = 130;

    public static void main(String[] args) {
        terminateLikeInterrupt();
        int exit;
        try {
            exit = commandLine().execute(args);
        } catch (Throwable e) {
            // errors (out of memory, a stack overflow) pass picocli's handler by: still one line, never a trace
            exit = exitFor(e, new java.io.PrintWriter(System.err, true));
        }
        System.exit(exit);
    }

    /**
     * SIGTERM (kill, a CI job's time-out) stops a run the way Ctrl-C does: the JVM runs the same
     * shutdown hooks, which stop the runs and remove the unfinished one, and the exit is 130 rather
     * than the JVM's 143, so a script sees one code for "interrupted".
     */
    static void terminateLikeInterrupt() {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("TERM"), signal -> System.exit(EXIT_INTERRUPTED));
        } catch (IllegalArgumentException | UnsupportedOperationException noSuchSignal) {
            // a platform without SIGTERM, or a JVM started with -Xrs: its own exit status stands
        }
    }

    /** Checks and reports read a whole trace into memory, so a long run can need more heap than the simulation. */
    static String outOfMemory() {
        return "out of memory (Java heap -Xmx " + (Runtime.getRuntime().maxMemory() >> 20) + " MB); give Java more, e.g."
                + " QUORUMLAB_JAVA_OPTS=-Xmx16g ./quorumlab ... (exit " + EXIT_INTERNAL + ")";
    }

    /** The command line with quorumlab's error handling: one line on stderr, never a stack trace. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        // worker processes a command started end with it, however it ends
        cli.setExecutionStrategy(parseResult -> {
            try {
                return new CommandLine.RunLast().execute(parseResult);
            } finally {
                quorumlab.analysis.workers.WorkerPool.closeAll();
            }
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> exitFor(e, commandLine.getErr()));
        cli.setParameterExceptionHandler((e, args) -> {
            CommandLine c = e.getCommandLine();
            c.getErr().println("quorumlab: " + e.getMessage());
            c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help'.");
            return EXIT_BAD_INPUT;
        });
        return cli;
    }

    /** The exit code for a failure a command threw, after its one line on {@code err}. */
    static int exitFor(Throwable e, java.io.PrintWriter err) {
        // the shutdown hook that removed the unfinished run has said so already
        if (e instanceof Runner.Interrupted) return EXIT_INTERRUPTED;
        if (e instanceof IllegalArgumentException || e instanceof java.io.UncheckedIOException || e instanceof java.io.IOException) {
            err.println("quorumlab: " + oneLine(e));
            return EXIT_BAD_INPUT;
        }
        boolean outOfMemory = e instanceof OutOfMemoryError || e.getCause() instanceof OutOfMemoryError;
        err.println("quorumlab: " + (outOfMemory ? outOfMemory() : internalError(e)));
        return EXIT_INTERNAL;
    }

    static String internalError(Throwable e) {
        return "internal error (" + e.getClass().getSimpleName() + "): " + oneLine(e) + "; please report it";
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
