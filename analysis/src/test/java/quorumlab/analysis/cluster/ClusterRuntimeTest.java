package quorumlab.analysis.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Order;
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
import quorumlab.protocols.cluster.ClusterHosts;
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
@Order(1)
class ClusterRuntimeTest {
    private static final long MS = 1_000_000L;
    /** Slower timers than the defaults, so a busy build machine does not elect all the time. */
    private static final Map<String, Object> PATIENT = Map.of("electionTimeoutMinMs", 600, "electionTimeoutMaxMs", 1200,
            "heartbeatIntervalMs", 100);

    @TempDir
    Path dir;

    private final List<Long> pids = new ArrayList<>();

    private PekkoClusterRuntime start(String protocol, TraceWriter trace, ClusterHosts hosts) {
        Protocol p = Protocol.byName(protocol);
        PekkoClusterRuntime rt = PekkoClusterRuntime.builder().seed(7).cluster(ClusterConfig.ofSize(3))
                .protocol(p, p.resolveOptions(PATIENT)).network(new NetworkModel().setDelay(Delay.constant(0)))
                .trace(trace, TraceLevel.EVENTS).store("disk", dir.resolve("store")).hosts(hosts).build();
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

    /**
     * Raft on places from a hosts file (docs/cluster-runtime.md, multi-host): two "hosts", the
     * coordinator's and the nodes', both 127.0.0.1 on ports of the file, the nodes started through a
     * launcher that hands the quoted java command to a shell, as {@code ssh host} does.
     *
     * <p>One protocol: the runtime (processes, SIGKILL, restart from disk, the trace merge) is the same
     * for every protocol, a node JVM costs seconds of CPU on the 2-core build machine, and what is each
     * protocol's own on the wire, its messages, {@code WireRoundTripTest} sends through the nodes'
     * serializer for every message type of every protocol.
     */
    @Test
    void raftOnAHostsFileCommitsAThousandCommandsThroughASigkillOfItsLeaderAndTheRestartedNodeRejoinsFromDisk() throws IOException {
        String hostsFile = String.join("\n",
                "coordinator: 127.0.0.1:" + freePort(),
                "nodes: {n1: 127.0.0.1:" + freePort() + ", n2: 127.0.0.1:" + freePort() + ", n3: 127.0.0.1:" + freePort() + "}",
                "launcher: [sh, -c, 'eval exec \"$@\"', '{host}']", "");
        ClusterHosts hosts = ClusterHosts.fromTree(new ObjectMapper(new YAMLFactory()).readTree(hostsFile), "hosts.yaml");
        killTheLeaderInTheMiddleOfAThousandWritesAndReadEveryAcknowledgedOneBack("raft", hosts);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /**
     * One cluster serves both of issue #19's cases (its start-up is most of the cost): 1,000 writes are
     * committed across a SIGKILL of the leader in the middle of the burst; the killed node is restarted
     * (a new process, its store read back from disk) and serves again; then every write acknowledged,
     * before the kill and after, is read back through the cluster it is part of again.
     */
    private void killTheLeaderInTheMiddleOfAThousandWritesAndReadEveryAcknowledgedOneBack(String protocol, ClusterHosts hosts) {
        try (TraceWriter trace = TraceWriter.open(dir.resolve("trace.jsonl"))) {
            try (PekkoClusterRuntime rt = start(protocol, trace, hosts)) {
                Burst burst = new Burst(rt, 3_000 * MS);
                burst.start(1, 32, writes("a", 1000));
                await("the burst is under way", () -> burst.acknowledged.size() >= 300, rt);
                await("a leader is known", () -> rt.leader().isPresent(), rt);
                NodeId leader = rt.leader().orElseThrow();
                long leaderPid = rt.pid(leader);
                rt.crash(leader);
                assertFalse(ProcessHandle.of(leaderPid).map(ProcessHandle::isAlive).orElse(false), "the leader's process was killed");
                assertTrue(burst.acknowledged.size() < 1000, "the kill came in the middle of the burst");
                rt.restart(leader);
                assertNotEquals(leaderPid, rt.pid(leader), "a new process");
                pids.add(rt.pid(leader));

                // the two others elect a new leader and commit the rest; the restarted node rejoins from its store
                await("1,000 writes acknowledged", () -> burst.acknowledged.size() == 1000, rt);
                await("the restarted node serves", () -> rt.isServing(leader), rt);

                List<Operation> reads = new ArrayList<>();
                burst.acknowledged.keySet().forEach(k -> reads.add(new Operation.Get(k)));
                // the warm-up's writes went to rehearsal instances that were thrown away: none is in the run's state
                reads.add(new Operation.Get("rehearsal"));
                Burst check = new Burst(rt, 3_000 * MS);
                check.start(1001, 32, reads);
                await("every acknowledged key read back", () -> check.read.size() == 1001, rt);
                burst.acknowledged.forEach((k, v) -> assertEquals(v, check.read.get(k), "acknowledged write of " + k));
                assertEquals("<absent>", check.read.get("rehearsal"), "a rehearsal write reached the run's state");
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
