package quorumlab.analysis.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C (SIGINT) or SIGTERM during a long {@code compare}, sent to a real child JVM: nothing is left
 * behind and the exit is 130 for both.
 */
@Order(10)
class InterruptTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "SIG{0}")
    @ValueSource(strings = {"INT", "TERM"})
    void anInterruptStopsTheRunsAndRemovesTheUnfinishedRun(String signal) throws Exception {
        Path out = dir.resolve("out");
        Path stderr = dir.resolve("stderr.txt");
        List<String> command = new ArrayList<>(ChildJvm.command("512m", System.getProperty("java.class.path")));
        command.addAll(List.of("quorumlab.analysis.cli.Main", "compare", "--scenario", "leader-crash", "--seeds", "2000",
                "--out", out.toString()));
        Process child = new ProcessBuilder(command)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(stderr.toFile())
                .start();
        try {
            // a ceiling, not a pause: the loop ends as soon as a seed has finished (seconds on an idle machine)
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
            while (!someSeedFinished(out) && System.nanoTime() < deadline && child.isAlive()) Thread.sleep(50);
            assertTrue(someSeedFinished(out), "no seed run appeared in the temporary directory: " + read(stderr));
            new ProcessBuilder("kill", "-" + signal, Long.toString(child.pid())).inheritIO().start().waitFor();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "still running 30 s after SIG" + signal);
            String message = read(stderr);
            assertEquals(Main.EXIT_INTERRUPTED, child.exitValue(), message);
            assertTrue(message.contains("quorumlab: interrupted; stopped the runs and removed"), message);
            List<Path> left = leftUnder(out);
            assertTrue(left.isEmpty(), "left behind: " + left);
        } finally {
            child.destroyForcibly();
        }
    }

    /** A finished seed's run.json inside the hidden temporary directory: the run is well under way. */
    private static boolean someSeedFinished(Path out) throws IOException {
        if (!Files.exists(out)) return false;
        try (Stream<Path> files = Files.walk(out)) {
            return files.anyMatch(p -> p.toString().contains(".tmp") && p.getFileName().toString().equals("run.json")
                    && p.getParent().getFileName().toString().startsWith("seed-"));
        } catch (java.io.UncheckedIOException raced) {
            return false;
        }
    }

    private static List<Path> leftUnder(Path out) throws IOException {
        if (!Files.exists(out)) return List.of();
        try (Stream<Path> all = Files.walk(out)) {
            return all.filter(p -> Files.isRegularFile(p) || p.getFileName().toString().startsWith(".")).toList();
        }
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }
}
