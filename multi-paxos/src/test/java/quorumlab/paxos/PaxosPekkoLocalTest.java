package quorumlab.paxos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import quorumlab.protocols.ClusterConfig;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.Protocol;
import quorumlab.protocols.check.SafetyChecks;
import quorumlab.protocols.local.PekkoLocalRuntime;
import quorumlab.protocols.trace.InMemoryTrace;
import quorumlab.protocols.trace.TraceLevel;
import quorumlab.protocols.testing.RetryingClient;
import quorumlab.protocols.testing.SimCluster;

/**
 * The same Multi-Paxos node on the Pekko local runtime (real time, one actor per node). Waits are
 * bounded; assertions are about what happened, never about how fast.
 */
class PaxosPekkoLocalTest {
    static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void electsCommitsAThousandCommandsFromConcurrentClientsAndSurvivesTheLeadersCrash() {
        Protocol paxos = Protocol.byName("multi-paxos");
        InMemoryTrace trace = new InMemoryTrace();
        PekkoLocalRuntime runtime = PekkoLocalRuntime.builder().seed(11).cluster(ClusterConfig.ofSize(3))
                .protocol(paxos, paxos.resolveOptions(Map.of())).trace(trace, TraceLevel.EVENTS).build();
        List<RetryingClient> clients = new ArrayList<>();
        try {
            runtime.start();
            assertTrue(runtime.awaitUntil(() -> runtime.leader().isPresent(), WAIT), "a leader is established");
            for (int i = 1; i <= 8; i++) clients.add(new RetryingClient(runtime, i, 200 + i, 500 * SimCluster.MS));
            clients.forEach(RetryingClient::start);
            assertTrue(runtime.awaitUntil(() -> acknowledged(clients) >= 1_000, WAIT),
                    "1,000 commands chosen and applied, got " + acknowledged(clients));

            NodeId first = runtime.leader().orElseThrow();
            runtime.crash(first);
            runtime.recordFault("crash", List.of(first), "leader");
            int beforeCrash = acknowledged(clients);
            assertTrue(runtime.awaitUntil(() -> runtime.leader().filter(l -> !l.equals(first)).isPresent(), WAIT),
                    "another proposer completes phase 1");
            assertTrue(runtime.awaitUntil(() -> acknowledged(clients) >= beforeCrash + 200, WAIT),
                    "commands are chosen again after the crash");
            clients.forEach(RetryingClient::stop);
        } finally {
            runtime.close();
        }
        assertEquals(List.of(), runtime.failures(), "no handler failed");
        assertEquals(List.of(), SafetyChecks.violations("multi-paxos", trace.records()));
    }

    private static int acknowledged(List<RetryingClient> clients) {
        return clients.stream().mapToInt(RetryingClient::acknowledged).sum();
    }
}
