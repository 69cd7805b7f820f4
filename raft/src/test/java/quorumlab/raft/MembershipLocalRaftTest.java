package quorumlab.raft;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import quorumlab.protocols.ClusterConfig;
import quorumlab.protocols.MembershipChange;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.Protocol;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.check.SafetyChecks;
import quorumlab.protocols.local.PekkoLocalRuntime;
import quorumlab.protocols.testing.RetryingClient;
import quorumlab.protocols.testing.SimCluster;
import quorumlab.protocols.trace.InMemoryTrace;
import quorumlab.protocols.trace.TraceLevel;

/** Membership change on the Pekko local runtime, while clients write: add a server, then remove the leader. */
class MembershipLocalRaftTest {
    static final Duration WAIT = Duration.ofSeconds(20);
    static final NodeId N4 = NodeId.of(4);

    @Test
    void addAServerThenRemoveTheLeaderWhileClientsWrite() {
        Protocol raft = Protocol.byName("raft");
        InMemoryTrace trace = new InMemoryTrace();
        PekkoLocalRuntime runtime = PekkoLocalRuntime.builder().seed(21).cluster(ClusterConfig.ofSize(3))
                .protocol(raft, raft.resolveOptions(Map.of("checkQuorum", true))).trace(trace, TraceLevel.EVENTS).build();
        List<RetryingClient> clients = new ArrayList<>();
        try {
            runtime.start();
            assertTrue(runtime.awaitUntil(() -> runtime.leader().isPresent(), WAIT), "a leader is elected");
            for (int i = 1; i <= 4; i++) clients.add(new RetryingClient(runtime, i, 300 + i, 200 * SimCluster.MS));
            clients.forEach(RetryingClient::start);
            assertTrue(runtime.awaitUntil(() -> acknowledged(clients) >= 20, WAIT));

            runtime.addNode(N4);
            runtime.requestMembershipChange(runtime.leader().orElseThrow(), new MembershipChange(1, MembershipChange.Kind.ADD, N4));
            assertTrue(runtime.awaitUntil(() -> runtime.membershipOutcome(1).isPresent(), WAIT));
            assertInstanceOf(ProtocolEvent.MembershipChangeCommitted.class, runtime.membershipOutcome(1).orElseThrow());

            NodeId leader = runtime.leader().orElseThrow();
            runtime.requestMembershipChange(leader, new MembershipChange(2, MembershipChange.Kind.REMOVE, leader));
            assertTrue(runtime.awaitUntil(() -> runtime.membershipOutcome(2).isPresent(), WAIT));
            ProtocolEvent.MembershipChangeCommitted removed =
                    assertInstanceOf(ProtocolEvent.MembershipChangeCommitted.class, runtime.membershipOutcome(2).orElseThrow());
            assertFalse(removed.voters().contains(leader));
            assertTrue(runtime.awaitUntil(() -> runtime.leader().filter(l -> !l.equals(leader)).isPresent(), WAIT),
                    "a voter of the new configuration leads");
            int before = acknowledged(clients);
            assertTrue(runtime.awaitUntil(() -> acknowledged(clients) >= before + 20, WAIT), "writes go on");
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
