package quorumlab.protocols.sim;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import quorumlab.protocols.ClientRequest;
import quorumlab.protocols.ClusterConfig;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.Operation;
import quorumlab.protocols.runtime.ClientPort;
import quorumlab.protocols.runtime.Delay;
import quorumlab.protocols.trace.InMemoryTrace;
import quorumlab.protocols.runtime.NetworkModel;
import quorumlab.protocols.trace.TraceLevel;
import quorumlab.protocols.testing.EchoProtocol;
import quorumlab.protocols.testing.FixedLeaderLogProtocol;
import quorumlab.protocols.testing.TraceBytes;
import quorumlab.protocols.trace.TraceRecord;

/** Same seed and inputs give a byte-identical trace; another seed gives another trace. */
class DeterminismTest {
    static final long MS = 1_000_000L;

    /** Echo on a lossy, duplicating, reordering network, with node randomness and faults. */
    static byte[] echoRun(long seed) {
        EchoProtocol echo = new EchoProtocol();
        NetworkModel net = new NetworkModel()
                .setDelay(Delay.uniform(MS / 2, 3 * MS))
                .setDropProbability(0.05)
                .setDuplicateProbability(0.05)
                .setReordering(0.1, Delay.exponential(2 * MS));
        InMemoryTrace trace = new InMemoryTrace();
        Simulation sim = Simulation.builder().seed(seed).cluster(ClusterConfig.ofSize(5))
                .protocol(echo, echo.resolveOptions(Map.of("tickMs", 5, "jitterNs", 2 * MS)))
                .network(net).trace(trace, TraceLevel.FULL).scenario("determinism").build();
        NodeId n1 = NodeId.of(1);
        NodeId n2 = NodeId.of(2);
        sim.schedule(100 * MS, () -> {
            sim.network().partition(List.of(Set.of(n1, n2)));
            sim.recordFault("partition", List.of(n1, n2), "{n1,n2} | rest");
        });
        sim.schedule(200 * MS, () -> sim.crash(NodeId.of(3)));
        sim.schedule(250 * MS, () -> sim.pause(NodeId.of(4)));
        sim.schedule(300 * MS, () -> {
            sim.network().heal();
            sim.restart(NodeId.of(3));
            sim.resume(NodeId.of(4));
            sim.setTimerDrift(NodeId.of(5), 1.3);
        });
        sim.runUntil(500 * MS);
        return TraceBytes.of(trace.records());
    }

    /** The fixed-leader log with clients, uniform delays, duplication and a follower crash. */
    static byte[] logRun(long seed) {
        FixedLeaderLogProtocol log = new FixedLeaderLogProtocol();
        NetworkModel net = new NetworkModel().setDelay(Delay.uniform(MS / 2, 4 * MS)).setDuplicateProbability(0.2);
        InMemoryTrace trace = new InMemoryTrace();
        Simulation sim = Simulation.builder().seed(seed).cluster(ClusterConfig.ofSize(3)).protocol(log, null)
                .network(net).clientDelay(Delay.exponential(MS)).trace(trace, TraceLevel.FULL).build();
        for (long c = 1; c <= 3; c++) {
            long clientId = c;
            ClientPort[] port = new ClientPort[1];
            long[] seq = {0};
            port[0] = sim.addClient(clientId, (from, reply) -> {
                if (seq[0] < 20) {
                    seq[0]++;
                    port[0].submit(NodeId.of(1), new ClientRequest(clientId, seq[0], new Operation.Put("k" + clientId, "v" + seq[0])), port[0].now());
                }
            });
            port[0].schedule(c * MS, () -> {
                seq[0] = 1;
                port[0].submit(NodeId.of(1), new ClientRequest(clientId, 1, new Operation.Put("k" + clientId, "v1")), port[0].now());
            });
        }
        sim.schedule(40 * MS, () -> sim.crash(NodeId.of(3)));
        sim.schedule(80 * MS, () -> sim.restart(NodeId.of(3)));
        sim.runUntil(300 * MS);
        return TraceBytes.of(trace.records());
    }

    @Test
    void theSameSeedGivesAByteIdenticalTrace() {
        byte[] first = echoRun(11);
        byte[] second = echoRun(11);
        assertTrue(first.length > 100_000, "a substantial trace: " + first.length + " bytes");
        assertArrayEquals(first, second);
        assertArrayEquals(logRun(5), logRun(5));
    }

    @Test
    void aDifferentSeedGivesADifferentTrace() {
        assertFalse(java.util.Arrays.equals(echoRun(11), echoRun(12)));
        assertFalse(java.util.Arrays.equals(logRun(5), logRun(6)));
    }

    @Test
    void theLogRunCommitsEveryRequestDespiteDuplicatesAndACrash() {
        FixedLeaderLogProtocol log = new FixedLeaderLogProtocol();
        // Replays logRun's trace, checking it did real work (so the byte comparison is not vacuous).
        List<TraceRecord> records = new java.util.ArrayList<>();
        try (var reader = quorumlab.protocols.trace.TraceReader.from(new java.io.ByteArrayInputStream(logRun(5)), "logRun")) {
            reader.forEachRemaining(records::add);
        }
        long ok = records.stream().filter(r -> r instanceof TraceRecord.Complete c && c.outcome().equals("ok")).count();
        assertEquals(60, ok);
        assertTrue(records.stream().anyMatch(r -> r instanceof TraceRecord.Drop d && d.reason().equals("crashed")));
        assertNotNull(log.name());
    }
}
