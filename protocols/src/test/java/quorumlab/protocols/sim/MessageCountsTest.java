package quorumlab.protocols.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import quorumlab.protocols.ClientRequest;
import quorumlab.protocols.ClusterConfig;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.Operation;
import quorumlab.protocols.Protocol;
import quorumlab.protocols.runtime.ClientPort;
import quorumlab.protocols.runtime.Delay;
import quorumlab.protocols.trace.InMemoryTrace;
import quorumlab.protocols.runtime.MessageCounter;
import quorumlab.protocols.runtime.NetworkModel;
import quorumlab.protocols.trace.TraceLevel;
import quorumlab.protocols.testing.EchoProtocol;
import quorumlab.protocols.testing.FixedLeaderLogProtocol;
import quorumlab.protocols.trace.TraceRecord;

/** The simulator's message counts, its meta record's workload window, and what each trace level writes. */
class MessageCountsTest {
    static final long MS = 1_000_000L;
    /** Not a multiple of the counting interval, so the last interval is a partial one. */
    static final long RUN = 1_037 * MS;

    /**
     * Echo on three nodes: pings every 10 ms, two bounces per link; lossy: 30% loss and 20% duplicates
     * (a duplicated bounce is bounced back too, so without loss the bounces would multiply).
     */
    private static Simulation echo(InMemoryTrace trace, TraceLevel level, boolean lossy, Map<String, Long> sentByCategory) {
        double loss = lossy ? 0.3 : 0;
        double duplicate = lossy ? 0.2 : 0;
        Protocol echo = new EchoProtocol();
        Simulation.Builder b = Simulation.builder().seed(11).cluster(ClusterConfig.ofSize(3))
                .protocol(echo, echo.resolveOptions(Map.of("tickMs", 10, "bounces", 2)))
                .network(new NetworkModel().setDelay(Delay.uniform(MS, 3 * MS)).setDropProbability(loss).setDuplicateProbability(duplicate))
                .trace(trace, level).scenario("counts").workloadWindow(200 * MS, 900 * MS);
        if (sentByCategory != null) {
            // Called once for each message the network takes (not for a duplicate): the test's own tally.
            b.sendDelay(m -> {
                sentByCategory.merge(m.typeName() + "/" + m.category().label(), 1L, Long::sum);
                return 0;
            });
        }
        Simulation sim = b.build();
        ClientPort client = sim.addClient(1, (from, reply) -> {});
        sim.schedule(300 * MS, () -> client.submit(NodeId.of(1), new ClientRequest(1, 1, new Operation.Get("k")), 300 * MS));
        sim.runUntil(RUN);
        sim.close();
        return sim;
    }

    private static String key(NodeId from, String type) {
        return from + "/" + type;
    }

    @Test
    void atLevelFullTheCountsEqualTheSendRecordsIncludingDroppedOnes() {
        InMemoryTrace trace = new InMemoryTrace();
        Simulation sim = echo(trace, TraceLevel.FULL, true, null);
        Map<String, Long> sends = new HashMap<>();
        Map<String, Long> sendBytes = new HashMap<>();
        for (TraceRecord.Send s : trace.records(TraceRecord.Send.class)) {
            sends.merge(key(s.from(), s.type()), 1L, Long::sum);
            sendBytes.merge(key(s.from(), s.type()), (long) s.bytes(), Long::sum);
        }
        Map<String, Long> counted = new HashMap<>();
        Map<String, Long> countedBytes = new HashMap<>();
        for (TraceRecord.MessageCounts c : trace.records(TraceRecord.MessageCounts.class)) {
            assertTrue(c.count() > 0, "only nonzero counts are written: " + c);
            counted.merge(key(c.from(), c.type()), c.count(), Long::sum);
            countedBytes.merge(key(c.from(), c.type()), c.bytes(), Long::sum);
        }
        assertEquals(Set.of("n1/Ping", "n1/Pong", "n1/Bounce", "n2/Ping", "n2/Pong", "n2/Bounce", "n3/Ping", "n3/Pong", "n3/Bounce"),
                counted.keySet());
        assertEquals(sends, counted);
        assertEquals(sendBytes, countedBytes);
        assertTrue(trace.records(TraceRecord.Drop.class).stream().anyMatch(d -> "loss".equals(d.reason())), "some sends were lost");
        assertTrue(trace.records(TraceRecord.Deliver.class).size() > trace.records(TraceRecord.Send.class).size()
                - trace.records(TraceRecord.Drop.class).size(), "some sends were duplicated");
        assertEquals(sim.messagesSent(), counted.values().stream().mapToLong(Long::longValue).sum());
        assertTrue(sim.messagesDelivered() > 0);
    }

    @Test
    void countsComeInHundredMillisecondIntervalsAndTheLastPartialOneAtClose() {
        InMemoryTrace trace = new InMemoryTrace();
        echo(trace, TraceLevel.EVENTS, false, null);
        List<TraceRecord.MessageCounts> counts = trace.records(TraceRecord.MessageCounts.class);
        Set<Long> ends = new TreeSet<>();
        for (TraceRecord.MessageCounts c : counts) {
            ends.add(c.t());
            if (c.t() == RUN) {
                assertEquals(1_000 * MS, c.since(), "the final flush covers the partial interval: " + c);
            } else {
                assertEquals(MessageCounter.INTERVAL_NANOS, c.t() - c.since(), c.toString());
                assertEquals(0, c.t() % MessageCounter.INTERVAL_NANOS, c.toString());
            }
        }
        Set<Long> expected = new TreeSet<>();
        for (long t = 100 * MS; t <= 1_000 * MS; t += 100 * MS) expected.add(t);
        expected.add(RUN);
        assertEquals(expected, ends, "every interval had traffic, and close wrote the last one");
        // Records are written when their interval ends, so their times never go backwards in the trace.
        List<Long> times = trace.records().stream().map(TraceRecord::t).toList();
        for (int i = 1; i < times.size(); i++) assertTrue(times.get(i) >= times.get(i - 1), "trace time order at record " + i);
    }

    @Test
    void withoutCloseTheOpenIntervalIsNotWrittenAndCloseWritesIt() {
        InMemoryTrace trace = new InMemoryTrace();
        Protocol echo = new EchoProtocol();
        Simulation sim = Simulation.builder().seed(3).cluster(ClusterConfig.ofSize(3))
                .protocol(echo, echo.resolveOptions(Map.of("tickMs", 10))).trace(trace, TraceLevel.NONE).build();
        sim.runUntil(250 * MS);
        long before = total(trace);
        assertTrue(before > 0 && before < sim.messagesSent(), before + " of " + sim.messagesSent() + " written before close");
        sim.close();
        assertEquals(sim.messagesSent(), total(trace));
        sim.close();
        assertEquals(sim.messagesSent(), total(trace), "a second close writes nothing new");
    }

    private static long total(InMemoryTrace trace) {
        return trace.records(TraceRecord.MessageCounts.class).stream().mapToLong(TraceRecord.MessageCounts::count).sum();
    }

    /** The category is the message's, not the type's: a Bounce counts as replication or commit by its hops. */
    @Test
    void countsSplitByCategoryAsEachMessageSaysAndDuplicatesAreNotSends() {
        InMemoryTrace trace = new InMemoryTrace();
        Map<String, Long> tally = new HashMap<>();
        echo(trace, TraceLevel.EVENTS, false, tally);
        Map<String, Long> counted = new HashMap<>();
        for (TraceRecord.MessageCounts c : trace.records(TraceRecord.MessageCounts.class)) {
            counted.merge(c.type() + "/" + c.category(), c.count(), Long::sum);
        }
        assertEquals(Set.of("Ping/heartbeat", "Pong/heartbeat", "Bounce/replication", "Bounce/commit"), counted.keySet());
        assertEquals(tally, counted);
        Map<String, Long> byCategory = trace.records(TraceRecord.MessageCounts.class).stream()
                .collect(Collectors.groupingBy(TraceRecord.MessageCounts::category, Collectors.summingLong(TraceRecord.MessageCounts::count)));
        assertEquals(counted.get("Ping/heartbeat") + counted.get("Pong/heartbeat"), byCategory.get("heartbeat"));
    }

    /** The same seed at every level: the same counts; at none only meta, faults, counts and client records. */
    @ParameterizedTest
    @EnumSource(value = TraceLevel.class, names = {"EVENTS", "NONE"})
    void everyLevelWritesTheSameCountsAsFull(TraceLevel level) {
        InMemoryTrace full = new InMemoryTrace();
        echo(full, TraceLevel.FULL, true, null);
        InMemoryTrace other = new InMemoryTrace();
        Simulation sim = echo(other, level, true, null);
        sim.recordFault("heal", List.of(), "test");
        assertEquals(full.records(TraceRecord.MessageCounts.class), other.records(TraceRecord.MessageCounts.class));
        Set<String> kinds = other.records().stream().map(r -> r.getClass().getSimpleName()).collect(Collectors.toCollection(TreeSet::new));
        // Echo emits no protocol events, so both levels write the same kinds here.
        assertEquals(Set.of("Meta", "MessageCounts", "Invoke", "Complete", "Fault"), kinds);
    }

    /** A protocol that emits events: events keeps them, none leaves them out and keeps the client records. */
    @ParameterizedTest
    @EnumSource(value = TraceLevel.class, names = {"EVENTS", "NONE"})
    void levelNoneLeavesOutProtocolEventsOnly(TraceLevel level) {
        InMemoryTrace trace = new InMemoryTrace();
        Protocol p = new FixedLeaderLogProtocol();
        Simulation sim = Simulation.builder().seed(5).cluster(ClusterConfig.ofSize(3)).protocol(p, null).trace(trace, level).build();
        ClientPort client = sim.addClient(1, (from, reply) -> {});
        sim.schedule(100 * MS, () -> client.submit(NodeId.of(1), new ClientRequest(1, 1, new Operation.Put("k", "v")), 100 * MS));
        sim.runUntil(300 * MS);
        sim.close();
        Set<String> kinds = trace.records().stream().map(r -> r.getClass().getSimpleName()).collect(Collectors.toCollection(TreeSet::new));
        Set<String> expected = new TreeSet<>(Set.of("Meta", "MessageCounts", "Invoke", "Complete"));
        if (level == TraceLevel.EVENTS) expected.add("Event");
        assertEquals(expected, kinds);
        assertEquals("ok", trace.records(TraceRecord.Complete.class).get(0).outcome());
    }

    @Test
    void theMetaRecordCarriesTheWorkloadWindow() {
        InMemoryTrace trace = new InMemoryTrace();
        echo(trace, TraceLevel.NONE, false, null);
        TraceRecord.Meta meta = (TraceRecord.Meta) trace.records().get(0);
        assertEquals(200 * MS, meta.warmup());
        assertEquals(900 * MS, meta.end());
        assertEquals("counts", meta.scenario());
        assertEquals("sim", meta.runtime());

        InMemoryTrace noWindow = new InMemoryTrace();
        Simulation sim = Simulation.builder().cluster(ClusterConfig.ofSize(3)).protocol(new EchoProtocol(), null)
                .trace(noWindow, TraceLevel.NONE).build();
        sim.start();
        assertNull(((TraceRecord.Meta) noWindow.records().get(0)).warmup(), "no window given, none written");
    }

    /** A sink that keeps nothing gets nothing counted (the benchmark's setting), and the run is the same. */
    @Test
    void theNullSinkRunsTheSameSimulation() {
        InMemoryTrace trace = new InMemoryTrace();
        Simulation counted = echo(trace, TraceLevel.NONE, true, null);
        Protocol echo = new EchoProtocol();
        Simulation silent = Simulation.builder().seed(11).cluster(ClusterConfig.ofSize(3))
                .protocol(echo, echo.resolveOptions(Map.of("tickMs", 10, "bounces", 2)))
                .network(new NetworkModel().setDelay(Delay.uniform(MS, 3 * MS)).setDropProbability(0.3).setDuplicateProbability(0.2))
                .build();
        ClientPort client = silent.addClient(1, (from, reply) -> {});
        silent.schedule(300 * MS, () -> client.submit(NodeId.of(1), new ClientRequest(1, 1, new Operation.Get("k")), 300 * MS));
        silent.runUntil(RUN);
        silent.close();
        assertEquals(counted.messagesSent(), silent.messagesSent());
        assertEquals(counted.eventsProcessed(), silent.eventsProcessed(), "counting adds no events to the queue");
    }
}
