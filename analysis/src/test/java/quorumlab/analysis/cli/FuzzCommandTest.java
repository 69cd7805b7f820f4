package quorumlab.analysis.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code quorumlab fuzz}: bad flags are one line and exit 2; a run prints its coverage; a replay checks one file. */
// swaps System.out/err, so no other test class may run (and print) meanwhile
@Isolated
class FuzzCommandTest {
    @TempDir
    Path dir;

    private final StringWriter err = new StringWriter();

    private int quorumlab(String... args) {
        return Cli.execute(null, err, args);
    }

    private String stdout(Runnable r) {
        PrintStream old = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setOut(old);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "no schedules     | --schedules=0            | --schedules must be at least 1",
        "unknown protocol | --protocol=zab           | unknown protocol 'zab'",
        "bad budget       | --time-budget=soon       | 'soon' is not a duration",
        "missing replay   | --replay=/no/such.yaml   | no such file",
    })
    void badInputIsOneLineAndExitTwo(String what, String flag, String reason) {
        int exit = quorumlab("fuzz", flag, "--out", dir.toString());
        String message = err.toString().strip();
        assertEquals(Main.EXIT_BAD_INPUT, exit, message);
        assertFalse(message.contains("\n") || message.contains("Exception"), what + ": " + message);
        assertTrue(message.contains(reason), what + ": " + message);
    }

    @Test
    void aRunPrintsWhatItCoveredAndAReplayChecksOneFile() throws Exception {
        int[] exit = new int[1];
        String out = stdout(() -> exit[0] = quorumlab("fuzz", "--protocol", "multi-paxos", "--schedules", "12", "--seed", "5",
                "--out", dir.toString()));
        assertEquals(0, exit[0], out + err);
        assertTrue(out.contains("fuzz multi-paxos: 12 of 12 schedules run"), out);
        assertTrue(out.contains("option combinations: 12 of 144"), out);
        assertTrue(out.contains("fault kinds (schedules with each): "), out);
        assertTrue(out.contains("failing schedules: 0"), out);

        Path file = dir.resolve("lost-leader.yaml");
        Files.writeString(file, """
                name: lost-leader
                nodes: 3
                duration: 3s
                options: {common: {electionTimeoutMinMs: 50, electionTimeoutMaxMs: 100, heartbeatIntervalMs: 15}}
                workload: {clients: 1, timeout: 100ms, giveUpAfter: 300ms}
                faults:
                  - {at: 200ms, type: crash, target: leader, duration: 300ms}
                """);
        String replay = stdout(() -> exit[0] = quorumlab("fuzz", "--replay", file.toString(), "--protocol", "raft", "--seed", "3"));
        assertEquals(0, exit[0], replay + err);
        assertTrue(replay.startsWith("raft seed 3: every check passed"), replay);

        // The same cluster with every node crashed and never restarted cannot commit again.
        Files.writeString(file, Files.readString(file).replace("target: leader, duration: 300ms}",
                "target: n1}\n  - {at: 200ms, type: crash, target: n2}\n  - {at: 200ms, type: crash, target: n3}"));
        String dead = stdout(() -> exit[0] = quorumlab("fuzz", "--replay", file.toString(), "--protocol", "raft", "--seed", "3"));
        assertEquals(FuzzCommand.EXIT_LIVENESS_OR_COST, exit[0], dead + err);
        assertTrue(dead.contains("liveness (liveness): no client request committed"), dead);
    }
}
