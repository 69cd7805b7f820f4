package quorumlab.analysis.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import quorumlab.analysis.check.CheckStatus;
import quorumlab.analysis.check.Checks;
import quorumlab.analysis.check.Verdict;
import quorumlab.protocols.ClusterConfig;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.Operation;
import quorumlab.protocols.Protocol;
import quorumlab.protocols.cluster.PekkoClusterRuntime;
import quorumlab.protocols.runtime.Delay;
import quorumlab.protocols.runtime.NetworkModel;
import quorumlab.protocols.trace.TraceLevel;
import quorumlab.protocols.trace.TraceWriter;

/**
 * The cluster runtime with real processes: three node JVMs on loopback, each with its store on disk.
 * Every trace goes through every check (the protocol's invariants, no acknowledged write lost,
 * linearizability), and no node process outlives its test.
 */
class ClusterRuntimeTest {
    private static final long MS = 1_000_000L;
    /** Slower timers than the defaults, so a busy build machine does not elect all the time. */
    private static final Map<String, Object> PATIENT = Map.of("electionTimeoutMinMs", 600, "electionTimeoutMaxMs", 1200,
            "heartbeatIntervalMs", 100);

    @TempDir
    Path dir;

    private final List<Long> pids = new ArrayList<>();

    private PekkoClusterRuntime start(String protocol, TraceWriter trace) {
        Protocol p = Protocol.byName(protocol);
        PekkoClusterRuntime rt = PekkoClusterRuntime.builder().seed(7).cluster(ClusterConfig.ofSize(3))
                .protocol(p, p.resolveOptions(PATIENT)).network(new NetworkModel().setDelay(Delay.constant(0)))
                .trace(trace, TraceLevel.EVENTS).store("disk", dir.resolve("store")).build();
        for (NodeId n : rt.cluster().members()) pids.add(rt.pid(n));
        rt.start();
        return rt;
    }

    /** Waits for {@code condition}; the limit is for a machine that other builds keep busy, not what the test takes. */
    private static void await(String what, java.util.function.BooleanSupplier condition, PekkoClusterRuntime rt) {
        assertTrue(rt.awaitUntil(condition, Duration.ofSeconds(120)), what + "; failures: " + rt.failures());
    }

    private static List<Operation> writes(String prefix, int count) {
        List<Operation> ops = new ArrayList<>();
        for (int i = 0; i < count; i++) ops.add(Burst.write(prefix + i));
        return ops;
    }

    private void assertEveryCheckPasses() {
        Verdict verdict = Checks.checkRun(dir);
        assertFalse(verdict.checks().isEmpty());
        for (Verdict.Check c : verdict.checks()) {
            assertEquals(CheckStatus.OK, c.status(), c.name() + ": " + c.summary() + " " + c.details());
        }
    }

    @Test
    void raftCommitsAThousandCommandsSurvivesASigkillOfItsLeaderAndTheRestartRecoversFromDisk() {
        try (TraceWriter trace = TraceWriter.open(dir.resolve("trace.jsonl"))) {
            NodeId leader;
            long leaderPid;
            try (PekkoClusterRuntime rt = start("raft", trace)) {
                Burst burst = new Burst(rt, 3_000 * MS);
                burst.start(1, 32, writes("a", 1000));
                await("1,000 writes acknowledged", () -> burst.acknowledged.size() == 1000, rt);

                await("a leader is known", () -> rt.leader().isPresent(), rt);
                leader = rt.leader().orElseThrow();
                leaderPid = rt.pid(leader);
                rt.crash(leader);
                assertFalse(ProcessHandle.of(leaderPid).map(ProcessHandle::isAlive).orElse(false), "the leader's process was killed");
                rt.restart(leader);
                assertNotEquals(leaderPid, rt.pid(leader), "a new process");
                pids.add(rt.pid(leader));

                // the two others elect a new leader and serve; the restarted node rejoins from its store
                Burst after = new Burst(rt, 3_000 * MS);
                after.start(101, 8, writes("b", 100));
                await("100 more writes acknowledged", () -> after.acknowledged.size() == 100, rt);
                assertEquals(List.of(), rt.failures());
            }
        }
        assertEveryCheckPasses();
    }

    @Test
    void multiPaxosLosesNoAcknowledgedWriteWhenItsLeaderIsKilledInTheMiddleOfABurst() {
        try (TraceWriter trace = TraceWriter.open(dir.resolve("trace.jsonl"))) {
            try (PekkoClusterRuntime rt = start("multi-paxos", trace)) {
                Burst burst = new Burst(rt, 3_000 * MS);
                burst.start(1, 32, writes("a", 400));
                await("the burst is under way", () -> burst.acknowledged.size() >= 100, rt);
                await("a leader is known", () -> rt.leader().isPresent(), rt);
                NodeId leader = rt.leader().orElseThrow();
                rt.crash(leader);
                burst.stop();
                Map<String, String> acknowledged = Map.copyOf(burst.acknowledged);
                assertTrue(acknowledged.size() < 400, "the kill came in the middle of the burst");
                rt.restart(leader);
                pids.add(rt.pid(leader));
                await("the restarted node serves", () -> rt.isServing(leader), rt);

                // read back every write acknowledged before the kill, through the cluster the restarted node is part of again
                List<Operation> reads = new ArrayList<>();
                acknowledged.keySet().forEach(k -> reads.add(new Operation.Get(k)));
                Burst check = new Burst(rt, 3_000 * MS);
                check.start(1001, 32, reads);
                await("every acknowledged key read back (" + acknowledged.size() + ")", () -> check.read.size() == acknowledged.size(), rt);
                acknowledged.forEach((k, v) -> assertEquals(v, check.read.get(k), "acknowledged write of " + k));
                assertEquals(List.of(), rt.failures());
            }
        }
        assertEveryCheckPasses();
    }

    /** The suite leaves no process behind: every node JVM a test started is gone when it ends. */
    @AfterEach
    void noNodeProcessOutlivesItsTest() {
        for (long pid : pids) {
            Optional<ProcessHandle> p = ProcessHandle.of(pid);
            assertFalse(p.isPresent() && p.get().isAlive(), "node process " + pid + " is still running");
        }
        assertEquals(List.of(), ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                .map(h -> h.pid() + " " + h.info().commandLine().orElse("?")).filter(s -> s.contains("NodeMain")).toList());
    }
}
