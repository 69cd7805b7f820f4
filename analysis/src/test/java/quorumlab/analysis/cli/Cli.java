package quorumlab.analysis.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs the program's command line in this JVM, as a test would type it, and collects what it says. */
public final class Cli {
    private Cli() {}

    /**
     * {@code quorumlab args...}: its standard error into {@code err}, its standard output into
     * {@code out} (or to {@code System.out} when {@code out} is null); returns the exit code.
     */
    public static int execute(StringWriter out, StringWriter err, String... args) {
        CommandLine cli = Main.commandLine();
        if (out != null) cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }
}
