package quorumlab.protocols.sim;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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

/** A node added at run time (n6 in a 3-node run) is a node like the others to the simulator. */
class AddedNodeTest {
    static final long MS = 1_000_000L;
    static final NodeId N1 = NodeId.of(1), N2 = NodeId.of(2), N3 = NodeId.of(3), N6 = NodeId.of(6);

    private final InMemoryTrace trace = new InMemoryTrace();

    private Simulation sim(quorumlab.protocols.Protocol protocol) {
        return Simulation.builder().seed(4).cluster(ClusterConfig.ofSize(3))
                .protocol(protocol, protocol.resolveOptions(Map.of("tickMs", 10))).trace(trace, TraceLevel.FULL).build();
    }

    private long delivered(NodeId from, NodeId to) {
        return trace.records(TraceRecord.Deliver.class).stream().filter(d -> d.from().equals(from) && d.to().equals(to)).count();
    }

    @Test
    void anAddedNodeStartsEmptyTalksIsCountedAndCrashesLikeAMember() {
        Simulation sim = sim(new EchoProtocol());
        sim.runUntil(25 * MS);
        sim.addNode(N6);
        assertTrue(sim.isUp(N6));
        assertEquals(List.of(N1, N2, N3, N6), sim.nodes());
        assertEquals(1L, (Long) sim.store(N6).get("boots"), "it started once, from an empty store");
        sim.runUntil(100 * MS);
        EchoProtocol.EchoNode six = (EchoProtocol.EchoNode) sim.node(N6);
        // its pings reach the bootstrap members and their pongs come back
        assertTrue(six.pongsReceived() >= 3 * 6, "pongs: " + six.pongsReceived());
        assertTrue(delivered(N1, N6) > 0 && delivered(N6, N1) > 0);
        sim.close();
        long counted = trace.records(TraceRecord.MessageCounts.class).stream().filter(c -> c.from().equals(N6)).mapToLong(TraceRecord.MessageCounts::count).sum();
        long sent = trace.records(TraceRecord.Send.class).stream().filter(s -> s.from().equals(N6)).count();
        assertEquals(sent, counted, "n6's messages are counted as they are sent");

        sim.crash(N6);
        assertFalse(sim.isUp(N6));
        sim.runUntil(150 * MS);
        sim.restart(N6);
        assertEquals(2L, (Long) sim.store(N6).get("boots"), "the store outlived the crash");
        sim.pause(N6);
        assertTrue(sim.isPaused(N6));
        sim.resume(N6);
        assertThrows(IllegalArgumentException.class, () -> sim.addNode(N6));
        assertThrows(IllegalArgumentException.class, () -> sim.addNode(N2));
    }

    @Test
    void anAddedNodeJoinsTheSideOfTheNodeItIsPlacedLikeInAnOpenPartition() {
        Simulation sim = sim(new EchoProtocol());
        sim.runUntil(5 * MS);
        Object window = new Object();
        sim.network().partition(window, List.of(Set.of(N1), Set.of(N2, N3)));
        sim.addNode(N6);
        sim.network().placeLike(N6, N1);
        sim.runUntil(60 * MS);
        assertTrue(delivered(N6, N1) > 0, "n6 is on n1's side");
        assertEquals(0, delivered(N6, N2) + delivered(N6, N3), "and cut off from n2 and n3");
        sim.network().heal(window);
        sim.runUntil(100 * MS);
        assertTrue(delivered(N6, N2) > 0, "the heal joins it to everyone");
    }

    @Test
    void membershipChangesReachTheNodeAndTheirOutcomeIsKnown() {
        Simulation sim = sim(new MembershipEcho());
        sim.runUntil(10 * MS);
        sim.addNode(N6);
        sim.requestMembershipChange(N1, new MembershipChange(1, MembershipChange.Kind.ADD, N6));
        sim.requestMembershipChange(N1, new MembershipChange(2, MembershipChange.Kind.REMOVE, N2));
        sim.crash(N3);
        sim.requestMembershipChange(N3, new MembershipChange(3, MembershipChange.Kind.REMOVE, N2));
        assertEquals(Optional.of(new ProtocolEvent.MembershipChangeCommitted(1, List.of(N1, N6))), sim.membershipOutcome(1));
        assertInstanceOf(ProtocolEvent.MembershipChangeRefused.class, sim.membershipOutcome(2).orElseThrow());
        assertEquals("n3 is down", ((ProtocolEvent.MembershipChangeRefused) sim.membershipOutcome(3).orElseThrow()).reason());
        assertEquals(Optional.empty(), sim.membershipOutcome(4));
        assertEquals(2, trace.records(TraceRecord.Event.class).stream()
                .filter(e -> e.event() instanceof ProtocolEvent.MembershipChangeCommitted || e.event() instanceof ProtocolEvent.MembershipChangeRefused)
                .count(), "what the node emitted is traced");
    }

    @Test
    void aProtocolWithoutMembershipChangeIsRefusedByTheRuntime() {
        Simulation sim = sim(new EchoProtocol());
        sim.runUntil(10 * MS);
        assertThrows(UnsupportedOperationException.class,
                () -> sim.requestMembershipChange(N1, new MembershipChange(1, MembershipChange.Kind.REMOVE, N2)));
    }
}
