package quorumlab.protocols.local;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import quorumlab.protocols.ClientReply;
import quorumlab.protocols.ClientRequest;
import quorumlab.protocols.ClusterConfig;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.Operation;
import quorumlab.protocols.Protocol;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.runtime.ClientPort;
import quorumlab.protocols.trace.InMemoryTrace;
import quorumlab.protocols.runtime.NetworkModel;
import quorumlab.protocols.trace.TraceLevel;
import quorumlab.protocols.testing.EchoProtocol;
import quorumlab.protocols.testing.FixedLeaderLogProtocol;
import quorumlab.protocols.trace.TraceRecord;

/**
 * The same test protocols on the Pekko runtime. Waits are bounded (awaitUntil), and assertions are
 * about what happened, never about how fast: real time is not reproducible.
 */
class PekkoLocalRuntimeTest {
    static final NodeId N1 = NodeId.of(1), N2 = NodeId.of(2), N3 = NodeId.of(3);
    static final Duration WAIT = Duration.ofSeconds(10);

    private PekkoLocalRuntime runtime;
    private final InMemoryTrace trace = new InMemoryTrace();

    private PekkoLocalRuntime start(Protocol protocol, Map<String, ?> options) {
        runtime = PekkoLocalRuntime.builder().seed(1).cluster(ClusterConfig.ofSize(3))
                .protocol(protocol, protocol.resolveOptions(options)).trace(trace, TraceLevel.FULL).build();
        runtime.start();
        return runtime;
    }

    @AfterEach
    void stop() {
        if (runtime != null) {
            runtime.close();
            assertEquals(List.of(), runtime.failures(), "no handler failed");
        }
    }

    private long delivered(NodeId from, NodeId to, long after) {
        return trace.records(TraceRecord.Deliver.class).stream()
                .filter(d -> d.from().equals(from) && d.to().equals(to) && d.t() > after).count();
    }

    private long ticks(NodeId id) {
        return runtime.inspect(id, v -> v.node() == null ? -1 : ((EchoProtocol.EchoNode) v.node()).ticks());
    }

    @Test
    void echoNodesPingEachOtherThroughActors() {
        start(new EchoProtocol(), Map.of("tickMs", 10));
        for (NodeId a : List.of(N1, N2, N3)) {
            for (NodeId b : List.of(N1, N2, N3)) {
                if (a.equals(b)) continue;
                assertTrue(runtime.awaitUntil(() -> delivered(a, b, 0) >= 10, WAIT), a + " -> " + b);
            }
        }
        assertTrue(ticks(N1) >= 5);
        assertTrue(trace.records().get(0) instanceof TraceRecord.Meta m && m.runtime().equals("local"));
        long pings = runtime.inspect(N2, v -> ((EchoProtocol.EchoNode) v.node()).pingsReceived());
        assertTrue(pings >= 10);
    }

    @Test
    void theFixedLeaderLogElectsItsLeaderAndCommitsClientRequests() {
        start(new FixedLeaderLogProtocol(), Map.of());
        assertTrue(runtime.awaitUntil(() -> runtime.leader().equals(Optional.of(N1)), WAIT));
        List<ClientReply> replies = new CopyOnWriteArrayList<>();
        ClientPort client = runtime.addClient(1, (from, reply) -> replies.add(reply));
        runtime.schedule(runtime.now(), () -> {
            for (int i = 1; i <= 5; i++) client.submit(N1, new ClientRequest(1, i, new Operation.Put("k", "v" + i)), client.now());
            client.submit(N2, new ClientRequest(1, 6, new Operation.Get("k")), client.now());
        });
        assertTrue(runtime.awaitUntil(() -> replies.size() == 6, WAIT), "replies: " + replies);
        assertEquals(5, replies.stream().filter(r -> r instanceof ClientReply.Committed).count());
        assertEquals(1, replies.stream().filter(r -> r instanceof ClientReply.NotLeader).count());
        for (NodeId id : List.of(N1, N2, N3)) {
            assertTrue(runtime.awaitUntil(() -> "v5".equals(runtime.inspect(id, v -> v.stateMachine().get("k"))), WAIT), id.toString());
        }
        assertEquals(6, trace.records(TraceRecord.Invoke.class).size());
        assertEquals(6, trace.records(TraceRecord.Complete.class).size());
    }

    /**
     * Counts are written while the run goes on, and close writes the rest after every actor has stopped:
     * then they equal the Send records, by sender and type, with bytes; the meta record has the window.
     */
    @Test
    void messageCountsMatchTheSendRecordsOnceClosed() {
        runtime = PekkoLocalRuntime.builder().seed(1).cluster(ClusterConfig.ofSize(3))
                .protocol(new EchoProtocol(), new EchoProtocol().resolveOptions(Map.of("tickMs", 5, "bounces", 1)))
                .network(new NetworkModel().setDropProbability(0.3).setDuplicateProbability(0.2))
                .trace(trace, TraceLevel.FULL).workloadWindow(50_000_000L, 400_000_000L).build();
        runtime.start();
        assertTrue(runtime.awaitUntil(() -> !trace.records(TraceRecord.MessageCounts.class).isEmpty(), WAIT),
                "counts are written during the run");
        runtime.close();
        Map<String, Long> sends = new java.util.HashMap<>();
        Map<String, Long> counted = new java.util.HashMap<>();
        for (TraceRecord.Send s : trace.records(TraceRecord.Send.class)) {
            sends.merge(s.from() + "/" + s.type() + "/count", 1L, Long::sum);
            sends.merge(s.from() + "/" + s.type() + "/bytes", (long) s.bytes(), Long::sum);
        }
        for (TraceRecord.MessageCounts c : trace.records(TraceRecord.MessageCounts.class)) {
            assertTrue(c.count() > 0 && c.since() < c.t(), c.toString());
            counted.merge(c.from() + "/" + c.type() + "/count", c.count(), Long::sum);
            counted.merge(c.from() + "/" + c.type() + "/bytes", c.bytes(), Long::sum);
        }
        assertEquals(sends, counted);
        assertTrue(counted.containsKey("n1/Bounce/count") && counted.containsKey("n3/Pong/count"), counted.keySet().toString());
        TraceRecord.Meta meta = (TraceRecord.Meta) trace.records().get(0);
        assertEquals(50_000_000L, meta.warmup());
        assertEquals(400_000_000L, meta.end());
    }

    /** Level none: the meta record, client records and counts, but no protocol events, messages or timers. */
    @Test
    void levelNoneWritesMetaClientsAndCountsOnly() {
        runtime = PekkoLocalRuntime.builder().seed(1).cluster(ClusterConfig.ofSize(3))
                .protocol(new FixedLeaderLogProtocol(), new FixedLeaderLogProtocol().resolveOptions(Map.of()))
                .trace(trace, TraceLevel.NONE).build();
        runtime.start();
        assertTrue(runtime.awaitUntil(() -> runtime.leader().equals(Optional.of(N1)), WAIT));
        List<ClientReply> replies = new CopyOnWriteArrayList<>();
        ClientPort client = runtime.addClient(1, (from, reply) -> replies.add(reply));
        runtime.schedule(0, () -> client.submit(N1, new ClientRequest(1, 1, new Operation.Put("k", "v")), client.now()));
        assertTrue(runtime.awaitUntil(() -> replies.size() == 1, WAIT));
        runtime.recordFault("heal", List.of(), "test");
        runtime.close();
        Set<Class<?>> kinds = new java.util.HashSet<>();
        trace.records().forEach(r -> kinds.add(r.getClass()));
        assertEquals(Set.of(TraceRecord.Meta.class, TraceRecord.Invoke.class, TraceRecord.Complete.class, TraceRecord.Fault.class,
                TraceRecord.MessageCounts.class), kinds);
    }

    @Test
    void aCrashedNodeRestartsWithOnlyItsDurableState() {
        start(new EchoProtocol(), Map.of("tickMs", 10));
        assertTrue(runtime.awaitUntil(() -> ticks(N2) >= 3, WAIT));
        runtime.crash(N2);
        assertFalse(runtime.isUp(N2));
        assertTrue(runtime.awaitUntil(() -> ticks(N2) == -1, WAIT), "the instance is gone");
        assertNull(runtime.inspect(N2, NodeView::stateMachine));
        assertEquals(1L, (Long) runtime.inspect(N2, v -> v.store().get("boots")));
        assertTrue(runtime.awaitUntil(() -> trace.records(TraceRecord.Drop.class).stream()
                .anyMatch(d -> d.to().equals(N2) && d.reason().equals("crashed")), WAIT), "pings to the dead node are dropped");

        runtime.restart(N2);
        assertTrue(runtime.isUp(N2));
        assertTrue(runtime.awaitUntil(() -> ticks(N2) >= 0, WAIT));
        long boots = runtime.inspect(N2, v -> ((EchoProtocol.EchoNode) v.node()).boots());
        assertEquals(2, boots, "durable state survived");
        assertEquals(2L, (Long) runtime.inspect(N2, v -> v.store().get("boots")));
        assertTrue(runtime.awaitUntil(() -> ticks(N2) >= 2, WAIT), "the new incarnation runs its timer");
    }

    @Test
    void aRestartedFollowerReappliesFromItsDurableLog() {
        start(new FixedLeaderLogProtocol(), Map.of());
        List<ClientReply> replies = new CopyOnWriteArrayList<>();
        ClientPort client = runtime.addClient(1, (from, reply) -> replies.add(reply));
        runtime.schedule(0, () -> {
            for (int i = 1; i <= 4; i++) client.submit(N1, new ClientRequest(1, i, new Operation.Put("k", "v" + i)), client.now());
        });
        assertTrue(runtime.awaitUntil(() -> "v4".equals(runtime.inspect(N3, v -> v.stateMachine().get("k"))), WAIT));
        runtime.crash(N3);
        runtime.restart(N3);
        assertTrue(runtime.awaitUntil(() -> trace.events(N3, ProtocolEvent.EntryApplied.class).size() == 8, WAIT),
                "each entry applied once per incarnation, the second time from the durable log");
        assertEquals("v4", runtime.inspect(N3, v -> v.stateMachine().get("k")));
        assertEquals(4, replies.size());
    }

    @Test
    void aPartitionCutsExactlyTheAskedLinksUntilHealed() {
        start(new EchoProtocol(), Map.of("tickMs", 5));
        assertTrue(runtime.awaitUntil(() -> delivered(N1, N2, 0) > 0 && delivered(N2, N1, 0) > 0, WAIT));
        runtime.network().partition(List.of(Set.of(N1), Set.of(N2, N3)));
        long cutAt = runtime.now();
        // wait until the uncut link has clearly kept working
        assertTrue(runtime.awaitUntil(() -> delivered(N2, N3, cutAt + 50_000_000L) >= 10, WAIT));
        long settled = cutAt + 20_000_000L; // a delivery already past the check at the cut may be recorded just after it
        assertEquals(0, delivered(N1, N2, settled));
        assertEquals(0, delivered(N2, N1, settled));
        assertEquals(0, delivered(N1, N3, settled));
        assertEquals(0, delivered(N3, N1, settled));
        assertTrue(delivered(N3, N2, settled) > 0);
        assertTrue(trace.records(TraceRecord.Drop.class).stream().anyMatch(d -> d.reason().equals("partition")));

        runtime.network().heal();
        long healedAt = runtime.now();
        assertTrue(runtime.awaitUntil(() -> delivered(N1, N2, healedAt) > 0 && delivered(N3, N1, healedAt) > 0, WAIT));
    }

    @Test
    void aOneWayCutStopsOnlyOneDirection() {
        NetworkModel net = new NetworkModel().cutOneWay(N1, N2);
        runtime = PekkoLocalRuntime.builder().cluster(ClusterConfig.ofSize(3)).protocol(new EchoProtocol(), null)
                .network(net).trace(trace, TraceLevel.FULL).build();
        runtime.start();
        assertTrue(runtime.awaitUntil(() -> delivered(N2, N1, 0) >= 5 && delivered(N1, N3, 0) >= 5, WAIT));
        assertEquals(0, delivered(N1, N2, 0));
    }

    @Test
    void aPausedNodeFiresNoTimersAndGetsItsQueuedMessagesOnResume() {
        start(new EchoProtocol(), Map.of("tickMs", 5));
        assertTrue(runtime.awaitUntil(() -> ticks(N1) >= 2, WAIT));
        runtime.pause(N1);
        assertTrue(runtime.isPaused(N1));
        long ticksAtPause = ticks(N1); // inspect runs on the actor, after the pause took effect
        long pausedAt = runtime.now();
        assertTrue(runtime.awaitUntil(() -> trace.records(TraceRecord.Send.class).stream()
                .filter(s -> s.to().equals(N1) && s.t() > pausedAt).count() >= 6, WAIT), "peers keep pinging n1");
        assertEquals(ticksAtPause, ticks(N1), "no timer fired while paused");
        long deliveredWhilePaused = delivered(N2, N1, pausedAt) + delivered(N3, N1, pausedAt);
        assertEquals(0, deliveredWhilePaused);

        runtime.resume(N1);
        assertTrue(runtime.awaitUntil(() -> delivered(N2, N1, pausedAt) + delivered(N3, N1, pausedAt) >= 6, WAIT),
                "the queued pings arrive on resume");
        assertTrue(runtime.awaitUntil(() -> ticks(N1) > ticksAtPause, WAIT), "the overdue timer fires");
    }

    @Test
    void timerDriftStretchesTimers() {
        start(new EchoProtocol(), Map.of("tickMs", 10));
        runtime.setTimerDrift(N1, 4.0);
        long n1Before = ticks(N1);
        long n2Before = ticks(N2);
        assertTrue(runtime.awaitUntil(() -> ticks(N2) - n2Before >= 20, WAIT));
        // n1 fires at most one tick set before the drift, then one per 40 ms against n2's one per 10 ms
        assertTrue(ticks(N1) - n1Before <= (ticks(N2) - n2Before) / 2, "n1 " + (ticks(N1) - n1Before) + ", n2 " + (ticks(N2) - n2Before));
    }
}
