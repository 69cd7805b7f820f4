package quorumlab.analysis.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine;
import quorumlab.protocols.Protocol;

/**
 * The first thing a new user reads: {@code ./quorumlab --help} and every command's {@code --help}
 * print no warning, each command's first line is a whole sentence (the top-level list shows only
 * that line), and no sentence is cut by the wrapping at the usage width.
 */
// swaps System.out/err, so no other test class may run (and print) meanwhile
@Isolated
class HelpTest {
    /** What {@code --help} printed on stdout, and everything else that reached stderr. */
    record Help(int exit, String out, String err) {}

    static Stream<String> commands() {
        return Main.commandLine().getSubcommands().keySet().stream();
    }

    /** Runs the command line as {@code main} would, with picocli's own tracer output (System.err) caught too. */
    static Help help(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        ByteArrayOutputStream systemErr = new ByteArrayOutputStream();
        PrintStream originalErr = System.err;
        int exit;
        System.setErr(new PrintStream(systemErr, true, StandardCharsets.UTF_8));
        try {
            CommandLine cli = Main.commandLine();
            cli.setOut(new PrintWriter(out, true));
            cli.setErr(new PrintWriter(err, true));
            exit = cli.execute(args);
        } finally {
            System.setErr(originalErr);
        }
        return new Help(exit, out.toString(), err + systemErr.toString(StandardCharsets.UTF_8));
    }

    static void assertNoWarning(Help help, String what) {
        assertEquals(Main.EXIT_OK, help.exit(), what + ": " + help.err());
        assertEquals("", help.err(), what + " wrote to stderr");
        String lower = help.out().toLowerCase();
        assertFalse(lower.contains("warn"), what + " warns:\n" + help.out());
        assertFalse(help.out().contains("%n") || help.out().contains("%%"), what + " shows a raw format string:\n" + help.out());
    }

    /** The rendered text of a description line: picocli formats it, so {@code %%} prints as {@code %}. */
    static String rendered(String line) {
        return line.replace("%%", "%");
    }

    @Test
    void theTopLevelHelpListsEveryCommandWithItsWholeFirstSentence() {
        Help help = help("--help");
        assertNoWarning(help, "quorumlab --help");
        List<String> lines = help.out().lines().toList();
        for (var entry : Main.commandLine().getSubcommands().entrySet()) {
            String first = rendered(entry.getValue().getCommandSpec().usageMessage().description()[0]);
            assertTrue(first.endsWith("."), entry.getKey() + "'s first line is not a whole sentence: " + first);
            String listed = "  " + entry.getKey();
            assertTrue(lines.stream().anyMatch(l -> l.startsWith(listed) && l.strip().endsWith(first)),
                    entry.getKey() + "'s first line is cut or wrapped in the top-level help:\n" + help.out());
        }
    }

    @ParameterizedTest(name = "{0} --help")
    @MethodSource("commands")
    void aCommandsHelpHasNoWarningAndNoLineCutMidPhrase(String command) {
        Help help = help(command, "--help");
        assertNoWarning(help, command + " --help");
        List<String> lines = help.out().lines().map(String::strip).toList();
        CommandSpec spec = Main.commandLine().getSubcommands().get(command).getCommandSpec();
        String[] description = spec.usageMessage().description();
        assertTrue(description.length > 0 && rendered(description[0]).endsWith("."), command + ": " + List.of(description));
        // each line of the command's and of its options' descriptions is printed whole: picocli wrapped none of them
        List<String> written = new ArrayList<>();
        for (String line : description) written.add(rendered(line));
        for (OptionSpec option : spec.options()) written.addAll(List.of(option.description()));
        for (String line : written) {
            assertTrue(lines.stream().anyMatch(l -> l.endsWith(line.strip())),
                    command + " --help wraps \"" + line + "\" in the middle:\n" + help.out());
        }
    }

    @Test
    void everyOptionThatTakesAProtocolListsTheProtocols() {
        List<String> names = Protocol.all().stream().map(Protocol::name).toList();
        int checked = 0;
        for (var entry : Main.commandLine().getSubcommands().entrySet()) {
            for (OptionSpec option : entry.getValue().getCommandSpec().options()) {
                if (!option.longestName().startsWith("--protocol")) continue;
                checked++;
                String text = String.join(" ", option.description());
                for (String name : names) {
                    assertTrue(text.contains(name), entry.getKey() + " " + option.longestName() + " does not list " + name + ": " + text);
                }
            }
        }
        assertTrue(checked >= 5, "the commands with --protocol or --protocols: " + checked);
    }
}
