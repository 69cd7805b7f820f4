package quorumlab.protocols.sim;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import quorumlab.protocols.ClientReply;
import quorumlab.protocols.ClientRequest;
import quorumlab.protocols.ClusterConfig;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.Operation;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.runtime.ClientPort;
import quorumlab.protocols.trace.InMemoryTrace;
import quorumlab.protocols.trace.TraceLevel;
import quorumlab.protocols.testing.EchoProtocol;
import quorumlab.protocols.testing.FixedLeaderLogProtocol;
import quorumlab.protocols.trace.TraceRecord;

class SimulationSmokeTest {
    static final long MS = 1_000_000L;

    @Test
    void echoNodesPingEachOther() {
        EchoProtocol echo = new EchoProtocol();
        Simulation sim = Simulation.builder().seed(7).cluster(ClusterConfig.ofSize(3))
                .protocol(echo, echo.resolveOptions(Map.of("tickMs", 10))).build();
        sim.runUntil(105 * MS);
        for (NodeId id : sim.cluster().members()) {
            EchoProtocol.EchoNode n = (EchoProtocol.EchoNode) sim.node(id);
            assertEquals(10, n.ticks(), "ticks of " + id);
            // every tick pings both peers; the ping at 100 ms arrives at 101 ms
            assertEquals(20, n.pingsReceived(), "pings at " + id);
            assertEquals(20, n.pongsReceived(), "pongs at " + id);
        }
    }

    @Test
    void fixedLeaderLogCommitsAndRepliesToClients() {
        FixedLeaderLogProtocol log = new FixedLeaderLogProtocol();
        InMemoryTrace trace = new InMemoryTrace();
        Simulation sim = Simulation.builder().seed(3).cluster(ClusterConfig.ofSize(3))
                .protocol(log, null).trace(trace, TraceLevel.EVENTS).build();
        sim.start();
        assertEquals(Optional.of(NodeId.of(1)), sim.leader());
        java.util.List<ClientReply> replies = new java.util.ArrayList<>();
        ClientPort client = sim.addClient(1, (from, reply) -> replies.add(reply));
        client.submit(NodeId.of(2), new ClientRequest(1, 1, new Operation.Put("x", "1")), 0);
        client.submit(NodeId.of(1), new ClientRequest(1, 2, new Operation.Put("x", "2")), 0);
        sim.runFor(100 * MS);
        assertEquals(2, replies.size());
        assertInstanceOf(ClientReply.NotLeader.class, replies.get(0));
        assertInstanceOf(ClientReply.Committed.class, replies.get(1));
        for (NodeId id : sim.cluster().members()) {
            assertEquals("2", sim.stateMachine(id).get("x"), "value at " + id);
        }
        assertEquals(3, trace.events(ProtocolEvent.EntryApplied.class).size());
        assertEquals(2, trace.records(TraceRecord.Complete.class).size());
    }
}
