package quorumlab.analysis.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** Failures map to exit codes that keep their meaning: an internal failure is never the violation code 1. */
class MainExitTest {
    private final StringWriter err = new StringWriter();

    private int exitFor(Throwable e) {
        return Main.exitFor(e, new PrintWriter(err, true));
    }

    @Test
    void outOfMemoryIsTheInternalCodeWithOneLineNamingTheHeap() {
        assertEquals(Main.EXIT_INTERNAL, exitFor(new OutOfMemoryError("Java heap space")));
        String line = err.toString().strip();
        assertFalse(line.contains("\n"), line);
        assertTrue(line.contains("-Xmx") && line.contains("QUORUMLAB_JAVA_OPTS"), line);
    }

    @Test
    void anInternalFailureIsTheInternalCodeNotAViolation() {
        assertEquals(Main.EXIT_INTERNAL, exitFor(new IllegalStateException("no generator for fault kind x")));
        assertTrue(err.toString().startsWith("quorumlab: internal error (IllegalStateException): no generator"), err.toString());
        assertEquals(Main.EXIT_INTERNAL, exitFor(new RuntimeException(new OutOfMemoryError())));
    }

    @Test
    void badInputStaysTwo() {
        assertEquals(Main.EXIT_BAD_INPUT, exitFor(new IllegalArgumentException("x.yaml: seeds: at most 10000")));
        assertEquals("quorumlab: x.yaml: seeds: at most 10000", err.toString().strip());
    }

    @picocli.CommandLine.Command(name = "boom")
    static final class Boom implements java.util.concurrent.Callable<Integer> {
        @Override
        public Integer call() {
            throw new IllegalStateException("a bug");
        }
    }

    @Test
    void theCommandLineUsesTheMapping() {
        picocli.CommandLine cli = new picocli.CommandLine(new Boom());
        cli.setExecutionExceptionHandler(Main.commandLine().getExecutionExceptionHandler());
        cli.setErr(new PrintWriter(err, true));
        assertEquals(Main.EXIT_INTERNAL, cli.execute());
    }
}
