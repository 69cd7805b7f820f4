package quorumlab.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import quorumlab.protocols.Protocol;
import quorumlab.protocols.check.SafetyChecks;
import quorumlab.protocols.trace.TraceCompression;
import quorumlab.protocols.trace.TraceReader;

/**
 * Speed work on the simulator, the stores and the trace writer must not change what a run does: the
 * same seed gives the same trace and history, byte for byte, as the build these digests were taken
 * from (commit 70d64ef, before that work). A run at trace level {@code full} covers every record kind
 * a fault-free run writes; {@code leader-crash} adds a crash, an election and retries.
 *
 * <p>A change that is meant to change behaviour (a protocol fix, a new trace field) changes these
 * digests too: check that the change is the intended one, then put the new digests (the failure
 * message prints them) here.
 */
class TraceDigestTest {
    private static final Runner.Listener QUIET = new Runner.Listener() {
        @Override
        public void started(int total) {}

        @Override
        public void finished(Runner.SeedRun run) {}
    };

    /** The bench's run (5 nodes, open loop at 1,000 ops/s over 100 keys), shortened to 1 virtual second. */
    private static Scenario bench() {
        String yaml = """
                name: digest
                description: x
                nodes: 5
                duration: 1s
                traceLevel: full
                network:
                  delay: uniform(1ms,3ms)
                workload:
                  mode: open
                  rate: 1000
                  arrivals: constant
                  keys: 100
                """;
        return ScenarioLoader.parse("digest.yaml", yaml, false);
    }

    @ParameterizedTest
    @CsvSource({
        "digest, raft, 64b77aa873c4e2d9b26ae595c193c72306bb7d5686a17a7ad2d7fdf3df1fca43",
        "digest, multi-paxos, 7b75f51c2b4e87d2924ad968e3642b9d64825a1a0d4d33850a4c123bf3dfb7dd",
        "leader-crash, raft, 176e2b65bd486bf11bf077d41e7b8bd5d7bee97ca6c4329dad007c92647f10c1",
        "leader-crash, multi-paxos, 72f523a8080f59f19f8e9d723baf619c787f3aa33b25ef27ae9c233930e8d2ca",
    })
    void theSameSeedWritesTheSameTraceAndHistoryAsBefore(String scenario, String protocol, String expected, @TempDir Path out)
            throws IOException {
        Scenario s = scenario.equals("digest") ? bench() : ScenarioLibrary.load(scenario);
        Runner.Result r = new Runner().threads(1).run(s, List.of(protocol), 1, 1, Runner.RuntimeKind.SIM, out, QUIET);
        Path dir = r.runs().get(0).dir();
        Path trace = Runner.traceIn(dir);
        assertTrue(r.runs().get(0).completedOperations() > 0, "no operation completed");
        assertEquals(List.of(), SafetyChecks.violations(Protocol.byName(protocol), TraceReader.readAll(trace)));
        MessageDigest sha = sha256();
        try (InputStream in = TraceCompression.open(trace)) {
            sha.update(in.readAllBytes());
        }
        sha.update(Files.readAllBytes(dir.resolve(Runner.HISTORY_FILE)));
        assertEquals(expected, HexFormat.of().formatHex(sha.digest()),
                scenario + " on " + protocol + ": the trace or history differs from the recorded run's");
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
