package quorumlab.protocols.local;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import quorumlab.protocols.ClusterConfig;
import quorumlab.protocols.MembershipChange;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.testing.EchoProtocol;
import quorumlab.protocols.testing.MembershipEcho;
import quorumlab.protocols.trace.InMemoryTrace;
import quorumlab.protocols.trace.TraceLevel;
import quorumlab.protocols.trace.TraceRecord;

/** A node added at run time in the Pekko runtime: its own actor, traced, counted, crashable; membership requests reach it. */
class AddedNodeLocalTest {
    static final NodeId N1 = NodeId.of(1), N6 = NodeId.of(6);
    static final Duration WAIT = Duration.ofSeconds(10);

    private PekkoLocalRuntime runtime;
    private final InMemoryTrace trace = new InMemoryTrace();

    @AfterEach
    void stop() {
        if (runtime != null) {
            runtime.close();
            assertEquals(List.of(), runtime.failures(), "no handler failed");
        }
    }

    @Test
    void anAddedNodeRunsInItsOwnActorAndTakesMembershipRequests() {
        MembershipEcho protocol = new MembershipEcho();
        runtime = PekkoLocalRuntime.builder().seed(1).cluster(ClusterConfig.ofSize(3))
                .protocol(protocol, protocol.resolveOptions(Map.of("tickMs", 5))).trace(trace, TraceLevel.FULL).build();
        runtime.start();
        runtime.addNode(N6);
        assertTrue(runtime.isUp(N6));
        assertEquals(List.of(N1, NodeId.of(2), NodeId.of(3), N6), runtime.nodes());
        assertTrue(runtime.awaitUntil(() -> trace.records(TraceRecord.Deliver.class).stream()
                .anyMatch(d -> d.from().equals(N1) && d.to().equals(N6)), WAIT), "n1 answers n6's pings");
        runtime.requestMembershipChange(N6, new MembershipChange(7, MembershipChange.Kind.ADD, NodeId.of(7)));
        assertTrue(runtime.awaitUntil(() -> runtime.membershipOutcome(7).isPresent(), WAIT));
        assertEquals(new ProtocolEvent.MembershipChangeCommitted(7, List.of(N6, NodeId.of(7))), runtime.membershipOutcome(7).orElseThrow());

        runtime.crash(N6);
        assertFalse(runtime.isUp(N6));
        runtime.requestMembershipChange(N6, new MembershipChange(8, MembershipChange.Kind.REMOVE, N1));
        assertEquals("n6 is down", ((ProtocolEvent.MembershipChangeRefused) runtime.membershipOutcome(8).orElseThrow()).reason());
        runtime.restart(N6);
        assertTrue(runtime.awaitUntil(() -> runtime.inspect(N6, v -> v.node() != null), WAIT));
        assertEquals(2L, (Long) runtime.inspect(N6, v -> v.store().get("boots")));
        runtime.close();
        assertTrue(trace.records(TraceRecord.MessageCounts.class).stream().anyMatch(c -> c.from().equals(N6)));
        runtime = null;
    }
}
