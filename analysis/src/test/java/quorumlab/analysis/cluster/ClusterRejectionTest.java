package quorumlab.analysis.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import quorumlab.analysis.cli.Cli;
import quorumlab.analysis.cli.Main;

/**
 * What {@code --runtime cluster} cannot apply is refused before anything starts: one line naming the
 * scenario and the fault, exit 2, no node process started and no run directory written.
 */
class ClusterRejectionTest {
    @TempDir
    Path dir;

    private final StringWriter err = new StringWriter();

    private int quorumlab(String... args) {
        return Cli.execute(new StringWriter(), err, args);
    }

    private static long nodeProcesses() {
        return ProcessHandle.current().descendants().filter(h -> h.info().commandLine().orElse("").contains("NodeMain")).count();
    }

    private void assertRefusedUpFront(int exit, String... expected) {
        assertEquals(Main.EXIT_BAD_INPUT, exit, err.toString());
        String message = err.toString().strip();
        assertFalse(message.contains("\n"), "one line: " + message);
        for (String e : expected) assertTrue(message.contains(e), "names '" + e + "': " + message);
        assertEquals(0, nodeProcesses(), "no node process was started");
        assertFalse(Files.exists(dir.resolve("out")), "nothing was written");
    }

    /** Membership changes: the library scenarios that use them, each with a fault of its own. */
    @ParameterizedTest
    @CsvSource({"grow-3-to-5, add", "shrink-5-to-3, remove", "rolling-upgrade, replace"})
    void aMembershipChangeIsRefusedNamingTheFault(String scenario, String fault) {
        int exit = quorumlab("run", "--runtime", "cluster", "--scenario", scenario, "--protocol", "raft", "--seeds", "1",
                "--out", dir.resolve("out").toString());
        assertRefusedUpFront(exit, scenario, "fault '" + fault + "'", "cannot run under --runtime cluster");
    }

    /** A restarted process recovers only from disk: a restart on the memory store is refused. */
    @Test
    void aRestartOnTheMemoryStoreIsRefused() {
        int exit = quorumlab("compare", "--runtime", "cluster", "--store", "memory", "--scenario", "leader-crash", "--seeds", "1",
                "--out", dir.resolve("out").toString());
        assertRefusedUpFront(exit, "leader-crash", "needs --store disk");
    }

    @Test
    void everyRefusalComesBeforeAProcessStarts() {
        for (String scenario : List.of("remove-leader", "add-during-partition")) {
            int exit = quorumlab("compare", "--runtime", "cluster", "--scenario", scenario, "--seeds", "1",
                    "--out", dir.resolve("out").toString());
            assertRefusedUpFront(exit, scenario, "cannot run under --runtime cluster");
            err.getBuffer().setLength(0);
        }
    }
}
