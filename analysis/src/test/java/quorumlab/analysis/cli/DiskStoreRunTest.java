package quorumlab.analysis.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import quorumlab.protocols.trace.TraceReader;
import quorumlab.protocols.trace.TraceRecord;
import quorumlab.workload.Runner;

/**
 * {@code run --runtime local --store disk}: the leader crashes and restarts, recovering from its
 * files, and every check passes (invariants, no acknowledged write lost, linearizability).
 */
@Order(9)
class DiskStoreRunTest {
    @TempDir
    Path dir;

    private final StringWriter err = new StringWriter();
    private final StringWriter out = new StringWriter();

    private int quorumlab(String... args) {
        return Cli.execute(out, err, args);
    }

    @ParameterizedTest
    @ValueSource(strings = {"raft", "multi-paxos"})
    void theLeaderCrashesAndRestartsFromItsDiskAndEveryCheckPasses(String protocol) throws IOException {
        Path file = dir.resolve("leader-crash-disk.yaml");
        // real time: the crash comes 2 s in, so that a build machine busy enough to slow the first
        // election (at load average 17 it once took longer than 1.2 s) still has a leader to crash
        Files.writeString(file, String.join("\n",
                "name: leader-crash-disk", "nodes: 3", "duration: 3300ms", "traceLevel: full",
                "network:", "  delay: uniform(1ms,3ms)",
                "workload: {clients: 3, thinkTime: 5ms, keys: 3, timeout: 200ms, giveUpAfter: 500ms}",
                "faults: [{at: 2000ms, type: crash, target: leader, duration: 500ms}]", ""));
        Path results = dir.resolve("out");
        int exit = quorumlab("run", "--scenario", file.toString(), "--protocol", protocol, "--seeds", "1",
                "--runtime", "local", "--store", "disk", "--out", results.toString());
        assertEquals(Main.EXIT_OK, exit, "every check passes; stderr: " + err);

        Path seed;
        try (Stream<Path> runs = Files.list(results.resolve("leader-crash-disk"))) {
            seed = runs.findFirst().orElseThrow().resolve(protocol).resolve("seed-1");
        }
        assertTrue(Files.readString(seed.resolve("run.json")).contains("\"store\" : \"disk\""));
        for (String node : List.of("n1", "n2", "n3")) {
            assertTrue(Files.exists(seed.resolve("store").resolve(node).resolve("CURRENT")), node + " kept its state on disk");
        }
        List<TraceRecord> trace = TraceReader.readAll(Runner.traceIn(seed));
        List<TraceRecord.Fault> faults = trace.stream().filter(r -> r instanceof TraceRecord.Fault).map(r -> (TraceRecord.Fault) r).toList();
        assertEquals(List.of("crash", "restart"), faults.stream().map(TraceRecord.Fault::fault).toList(), faults.toString());
        assertEquals(1, faults.get(0).nodes().size(), "the crash found a leader: " + faults);
        assertEquals(faults.get(0).nodes(), faults.get(1).nodes(), "the crashed leader restarted from its store");
        long ok = trace.stream().filter(r -> r instanceof TraceRecord.Complete c && c.outcome().equals("ok")).count();
        assertTrue(ok > 20, "clients were served: " + ok);
    }

    @Test
    void theSimulatorHasNoDiskStore() {
        int exit = quorumlab("run", "--scenario", "leader-crash", "--protocol", "raft", "--seeds", "1", "--store", "disk",
                "--out", dir.resolve("out").toString());
        assertEquals(Main.EXIT_BAD_INPUT, exit);
        String message = err.toString().strip();
        assertFalse(message.contains("\n"), message);
        assertTrue(message.contains("--store disk needs --runtime local"), message);
    }
}
