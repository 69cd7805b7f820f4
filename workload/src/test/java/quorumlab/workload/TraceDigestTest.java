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
 * from (first at commit 70d64ef; taken again when links became FIFO). A run at trace level {@code full} covers every record kind
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
        "digest, raft, 4ba732b127caa5bd0fb85d08e4146a3b8d8b6cba82b37a41e699b39173b28a0c",
        "digest, multi-paxos, dc3ed33f552ef591504de6960fbdc12dd3404374eff91f1595ee60fe800154fe",
        "leader-crash, raft, 743a02dc0eb52d2f9d1a24ca3000fa8a806cf89a9e22c3a64e4e48ca185e45b4",
        "leader-crash, multi-paxos, 64fd3c9661c17d7bfaaf0c7208ab5aa18607e90b79683d53e2d8ea662d00a78f",
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
