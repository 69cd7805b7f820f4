package quorumlab.raft;

import static org.junit.jupiter.api.Assertions.*;

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
 * The same Raft node on the Pekko local runtime (real time, real threads). Waits are bounded;
 * assertions are about what happened, never about how fast.
 */
class PekkoLocalRaftTest {
    static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void electsCommitsAThousandCommandsFromConcurrentClientsAndSurvivesTheLeadersCrash() {
        Protocol raft = Protocol.byName("raft");
        InMemoryTrace trace = new InMemoryTrace();
        PekkoLocalRuntime runtime = PekkoLocalRuntime.builder().seed(9).cluster(ClusterConfig.ofSize(3))
                .protocol(raft, raft.resolveOptions(Map.of())).trace(trace, TraceLevel.EVENTS).build();
        List<RetryingClient> clients = new ArrayList<>();
        try {
            runtime.start();
            assertTrue(runtime.awaitUntil(() -> runtime.leader().isPresent(), WAIT), "a leader is elected");
            for (int i = 1; i <= 8; i++) clients.add(new RetryingClient(runtime, i, 100 + i, 500 * SimCluster.MS));
            clients.forEach(RetryingClient::start);
            assertTrue(runtime.awaitUntil(() -> acknowledged(clients) >= 1_000, WAIT),
                    "1,000 commands committed, got " + acknowledged(clients));

            NodeId first = runtime.leader().orElseThrow();
            runtime.crash(first);
            runtime.recordFault("crash", List.of(first), "leader");
            int beforeCrash = acknowledged(clients);
            assertTrue(runtime.awaitUntil(() -> runtime.leader().filter(l -> !l.equals(first)).isPresent(), WAIT),
                    "another leader is elected");
            assertTrue(runtime.awaitUntil(() -> acknowledged(clients) >= beforeCrash + 200, WAIT),
                    "commits resume after the crash");
            clients.forEach(RetryingClient::stop);
        } finally {
            runtime.close();
        }
        assertEquals(List.of(), runtime.failures(), "no handler failed");
        assertEquals(List.of(), SafetyChecks.violations("raft", trace.records()));
    }

    private static int acknowledged(List<RetryingClient> clients) {
        return clients.stream().mapToInt(RetryingClient::acknowledged).sum();
    }
}
