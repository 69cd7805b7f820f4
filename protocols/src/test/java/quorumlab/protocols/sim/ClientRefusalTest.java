package quorumlab.protocols.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import quorumlab.protocols.ClientReply;
import quorumlab.protocols.ClientRequest;
import quorumlab.protocols.ClusterConfig;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.Operation;
import quorumlab.protocols.runtime.ClientHandler;
import quorumlab.protocols.runtime.ClientOutcome;
import quorumlab.protocols.runtime.ClientPort;
import quorumlab.protocols.trace.InMemoryTrace;
import quorumlab.protocols.trace.TraceLevel;
import quorumlab.protocols.testing.FixedLeaderLogProtocol;
import quorumlab.protocols.trace.TraceRecord;

/**
 * A node that is down refuses its clients at once, as a reset connection does, instead of leaving
 * them to wait out their timeout; a paused node refuses nothing.
 */
class ClientRefusalTest {
    static final long MS = 1_000_000L;
    static final NodeId N1 = NodeId.of(1);

    private final List<String> heard = new ArrayList<>();

    private final ClientHandler handler = new ClientHandler() {
        @Override
        public void onReply(NodeId from, ClientReply reply) {
            heard.add("reply " + reply.seq() + " from " + from);
        }

        @Override
        public void onRefused(NodeId node, long seq) {
            heard.add("refused " + seq + " by " + node);
        }
    };

    private Simulation sim(InMemoryTrace trace) {
        return Simulation.builder().seed(1).cluster(ClusterConfig.ofSize(3)).protocol(new FixedLeaderLogProtocol(), null)
                .trace(trace, TraceLevel.EVENTS).build();
    }

    @Test
    void aRequestToACrashedNodeIsRefusedAtOnce() {
        InMemoryTrace trace = new InMemoryTrace();
        Simulation sim = sim(trace);
        sim.start();
        sim.crash(N1);
        ClientPort client = sim.addClient(1, handler);
        client.submit(N1, new ClientRequest(1, 1, new Operation.Put("k", "v")), 0);
        sim.runUntil(10 * MS);
        assertEquals(List.of("refused 1 by n1"), heard);
        List<TraceRecord.Complete> completes = trace.records(TraceRecord.Complete.class);
        assertEquals(1, completes.size());
        assertEquals(ClientOutcome.REFUSED, completes.get(0).outcome());
        assertTrue(completes.get(0).t() < 10 * MS, "within a client-link delay, not a timeout");
    }

    @Test
    void aCrashBreaksTheConnectionsOfRequestsOutstandingThere() {
        InMemoryTrace trace = new InMemoryTrace();
        Simulation sim = sim(trace);
        sim.start();
        sim.pause(N1);
        ClientPort client = sim.addClient(1, handler);
        client.submit(N1, new ClientRequest(1, 1, new Operation.Put("k", "v")), 0);
        sim.runUntil(50 * MS);
        assertEquals(List.of(), heard, "a paused node holds the connection open: no reply, no refusal");
        sim.crash(N1);
        sim.runUntil(60 * MS);
        assertEquals(List.of("refused 1 by n1"), heard);
    }
}
