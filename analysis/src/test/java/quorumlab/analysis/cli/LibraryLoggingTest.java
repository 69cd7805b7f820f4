package quorumlab.analysis.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Library logging never reaches the program's output: {@code compare --runtime local} in a child JVM
 * with the program's own class path (so its logback.xml, not a test one) prints its table on stdout and
 * its progress on stderr, and nothing from Pekko or SLF4J on either.
 */
@Order(5)
class LibraryLoggingTest {
    @TempDir
    Path dir;

    /** The class path of the tests without the test classes: what {@code ./quorumlab} runs with. */
    static String programClassPath() {
        String full = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return Arrays.stream(full.split(File.pathSeparator))
                .filter(entry -> !entry.contains("test-classes") && !entry.endsWith("-tests.jar"))
                .collect(Collectors.joining(File.pathSeparator));
    }

    @Test
    void compareOnTheLocalRuntimePrintsNoLibraryLogging() throws IOException, InterruptedException {
        Path scenario = dir.resolve("tiny.yaml");
        Files.writeString(scenario, String.join("\n",
                "name: tiny", "nodes: 3", "duration: 1s", "workload: {clients: 2, thinkTime: 10ms, keys: 2}", ""));
        List<String> command = new ArrayList<>(ChildJvm.command("512m", programClassPath()));
        // one protocol is enough: each run on the local runtime starts its own actor system, and so its logging
        command.addAll(List.of(Main.class.getName(), "compare", "--scenario", scenario.toString(), "--seeds", "1",
                "--protocols", "raft", "--runtime", "local", "--out", dir.resolve("out").toString()));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(dir.resolve("stdout.txt").toFile())
                .redirectError(dir.resolve("stderr.txt").toFile());
        builder.environment().remove("QUORUMLAB_LOG_LEVEL");
        Process process = builder.start();
        assertTrue(process.waitFor(180, TimeUnit.SECONDS), "compare did not finish");
        String out = Files.readString(dir.resolve("stdout.txt"), StandardCharsets.UTF_8);
        String err = Files.readString(dir.resolve("stderr.txt"), StandardCharsets.UTF_8);
        assertEquals(Main.EXIT_OK, process.exitValue(), "stdout:\n" + out + "\nstderr:\n" + err);
        assertTrue(out.contains("linearizable") && out.contains("raft"), "compare printed no table:\n" + out);
        for (String stream : List.of(out, err)) {
            for (String chatter : List.of("Slf4jLogger", "SLF4J", "INFO", "pekko")) {
                assertFalse(stream.contains(chatter), "library logging (" + chatter + ") in the output:\n" + stream);
            }
        }
    }
}
