package quorumlab.protocols.sim;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import quorumlab.protocols.ClientReply;
import quorumlab.protocols.ClientRequest;
import quorumlab.protocols.ClusterConfig;
import quorumlab.protocols.Message;
import quorumlab.protocols.Node;
import quorumlab.protocols.NodeContext;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.Operation;
import quorumlab.protocols.OptionSpec;
import quorumlab.protocols.Options;
import quorumlab.protocols.Protocol;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.runtime.ClientPort;
import quorumlab.protocols.runtime.Delay;
import quorumlab.protocols.trace.InMemoryTrace;
import quorumlab.protocols.runtime.NetworkModel;
import quorumlab.protocols.trace.TraceLevel;
import quorumlab.protocols.testing.EchoProtocol;
import quorumlab.protocols.testing.FixedLeaderLogProtocol;
import quorumlab.protocols.trace.TraceRecord;

/** Crash, restart, pause, timer drift, timers, clients and leader tracking in the simulator. */
class NodeFaultsTest {
    static final long MS = 1_000_000L;
    static final NodeId N1 = NodeId.of(1), N2 = NodeId.of(2), N3 = NodeId.of(3);

    static Simulation echo(InMemoryTrace trace) {
        EchoProtocol echo = new EchoProtocol();
        return Simulation.builder().seed(1).cluster(ClusterConfig.ofSize(3))
                .protocol(echo, echo.resolveOptions(Map.of("tickMs", 10))).trace(trace, TraceLevel.FULL).build();
    }

    static EchoProtocol.EchoNode echoNode(Simulation sim, NodeId id) {
        return (EchoProtocol.EchoNode) sim.node(id);
    }

    @Test
    void aCrashedNodeKeepsOnlyItsDurableState() {
        InMemoryTrace trace = new InMemoryTrace();
        Simulation sim = echo(trace);
        sim.runUntil(55 * MS);
        EchoProtocol.EchoNode before = echoNode(sim, N2);
        assertEquals(5, before.ticks());
        assertEquals(1L, (Long) sim.store(N2).get("boots"));

        sim.crash(N2);
        assertFalse(sim.isUp(N2));
        assertNull(sim.node(N2));
        assertNull(sim.stateMachine(N2));
        sim.runUntil(105 * MS);
        // no timer of the dead incarnation fired, and every message to it was dropped
        assertTrue(trace.records(TraceRecord.TimerFire.class).stream().noneMatch(f -> f.node().equals(N2) && f.t() > 55 * MS));
        List<TraceRecord.Drop> drops = trace.records(TraceRecord.Drop.class);
        assertEquals(10, drops.size(), "pings from n1 and n3 at 60..100 ms");
        assertTrue(drops.stream().allMatch(d -> d.to().equals(N2) && d.reason().equals("crashed")));

        sim.restart(N2);
        EchoProtocol.EchoNode after = echoNode(sim, N2);
        assertNotSame(before, after);
        assertEquals(0, after.ticks(), "volatile state starts afresh");
        assertEquals(2, after.boots(), "durable state survived");
        assertEquals(2L, (Long) sim.store(N2).get("boots"));
        assertEquals(55 * MS, (Long) sim.store(N2).getAt("bootTimes", 1) + 55 * MS);
        assertEquals(105 * MS, (Long) sim.store(N2).getAt("bootTimes", 2));
        assertEquals(0, sim.stateMachine(N2).lastApplied());
        sim.runUntil(125 * MS);
        assertEquals(List.of(115 * MS, 125 * MS), after.tickTimes(), "the new incarnation's timer runs from its start");
    }

    @Test
    void aRestartedFollowerReappliesFromItsDurableLog() {
        FixedLeaderLogProtocol log = new FixedLeaderLogProtocol();
        InMemoryTrace trace = new InMemoryTrace();
        Simulation sim = Simulation.builder().seed(1).cluster(ClusterConfig.ofSize(3)).protocol(log, null)
                .trace(trace, TraceLevel.EVENTS).build();
        ClientPort client = sim.addClient(1, (from, reply) -> {});
        for (int i = 1; i <= 5; i++) client.submit(N1, new ClientRequest(1, i, new Operation.Put("k", "v" + i)), 0);
        sim.runUntil(50 * MS);
        assertEquals("v5", sim.stateMachine(N3).get("k"));
        sim.crash(N3);
        sim.restart(N3);
        assertEquals(0, sim.stateMachine(N3).lastApplied(), "a fresh state machine");
        assertNull(sim.stateMachine(N3).get("k"));
        assertEquals(5, sim.store(N3).lastIndex("log"));
        sim.runUntil(100 * MS); // a heartbeat carries the commit index
        assertEquals(5, sim.stateMachine(N3).lastApplied());
        assertEquals("v5", sim.stateMachine(N3).get("k"));
        assertEquals(10, trace.events(N3, ProtocolEvent.EntryApplied.class).size(), "applied twice: once per incarnation");
    }

    @Test
    void aPausedNodeFiresNoTimersAndGetsQueuedMessagesOnResume() {
        InMemoryTrace trace = new InMemoryTrace();
        Simulation sim = echo(trace);
        sim.runUntil(15 * MS);
        sim.pause(N1);
        assertTrue(sim.isPaused(N1));
        assertTrue(sim.isUp(N1));
        sim.runUntil(75 * MS);
        assertTrue(trace.records(TraceRecord.TimerFire.class).stream().noneMatch(f -> f.node().equals(N1) && f.t() > 15 * MS));
        assertTrue(trace.records(TraceRecord.Deliver.class).stream().noneMatch(d -> d.to().equals(N1) && d.t() > 15 * MS));
        long waitingSends = trace.records(TraceRecord.Send.class).stream()
                .filter(s -> s.to().equals(N1) && s.t() >= 15 * MS && s.t() < 74 * MS).count();
        assertEquals(12, waitingSends, "n2 and n3 pinged n1 at 20..70 ms");

        sim.resume(N1);
        sim.runUntil(75 * MS);
        List<TraceRecord.Deliver> atResume = trace.records(TraceRecord.Deliver.class).stream()
                .filter(d -> d.to().equals(N1) && d.t() > 15 * MS).toList();
        assertEquals(12, atResume.size());
        assertTrue(atResume.stream().allMatch(d -> d.t() == 75 * MS), "delivered at the resume instant");
        List<Long> ids = atResume.stream().map(TraceRecord.Deliver::id).toList();
        assertEquals(ids.stream().sorted().toList(), ids, "in the order they arrived");
        // the tick due at 20 ms fires once, late, at the resume; the next comes 10 ms later
        assertEquals(List.of(10 * MS, 75 * MS), echoNode(sim, N1).tickTimes());
        sim.runUntil(90 * MS);
        assertEquals(List.of(10 * MS, 75 * MS, 85 * MS), echoNode(sim, N1).tickTimes());
    }

    @Test
    void crashingAPausedNodeDropsWhatWaited() {
        InMemoryTrace trace = new InMemoryTrace();
        Simulation sim = echo(trace);
        sim.start();
        sim.pause(N1);
        sim.runUntil(35 * MS);
        sim.crash(N1);
        assertFalse(sim.isPaused(N1));
        long crashedDrops = trace.records(TraceRecord.Drop.class).stream().filter(d -> d.reason().equals("crashed")).count();
        assertEquals(6, crashedDrops);
        sim.restart(N1);
        sim.runUntil(45 * MS);
        assertEquals(List.of(45 * MS), echoNode(sim, N1).tickTimes());
    }

    @Test
    void timerDriftScalesTimerDelays() {
        Simulation sim = echo(new InMemoryTrace());
        sim.setTimerDrift(N1, 2.0);
        sim.setTimerDrift(N2, 0.5);
        sim.runUntil(60 * MS); // the drift is set before the start, so it stretches every tick
        List<Long> slow = echoNode(sim, N1).tickTimes();
        List<Long> fast = echoNode(sim, N2).tickTimes();
        List<Long> exact = echoNode(sim, N3).tickTimes();
        assertEquals(List.of(10L * MS, 20 * MS, 30 * MS, 40 * MS, 50 * MS, 60 * MS), exact);
        assertEquals(List.of(20L * MS, 40 * MS, 60 * MS), slow);
        assertEquals(12, fast.size());
        assertEquals(5 * MS, fast.get(0));
        assertThrows(IllegalArgumentException.class, () -> sim.setTimerDrift(N1, 0));
    }

    @Test
    void leaderFollowsLeaderEstablishedAndRoleChangesAndCrashes() {
        FixedLeaderLogProtocol log = new FixedLeaderLogProtocol();
        Simulation sim = Simulation.builder().seed(1).cluster(ClusterConfig.ofSize(3)).protocol(log, null).build();
        assertEquals(Optional.empty(), sim.leader());
        sim.start();
        assertEquals(Optional.of(N1), sim.leader());
        sim.crash(N1);
        assertEquals(Optional.empty(), sim.leader());
        sim.restart(N1);
        assertEquals(Optional.of(N1), sim.leader());
    }

    /** A protocol whose nodes do what a test tells them, to probe the context directly. */
    static final class Scripted implements Protocol {
        final List<java.util.function.Consumer<NodeContext>> onStart = new ArrayList<>();
        final List<String> fired = new ArrayList<>();

        public String name() {
            return "scripted";
        }

        public String description() {
            return "test";
        }

        public List<OptionSpec> options() {
            return List.of();
        }

        public Node createNode(NodeContext ctx, Options options) {
            return new Node() {
                public void onStart() {
                    if (ctx.self().equals(N1)) onStart.forEach(s -> s.accept(ctx));
                }

                public void onMessage(NodeId from, Message message) {}

                public void onClientRequest(ClientRequest request) {}

                public void onTimer(String name) {
                    fired.add(name + "@" + ctx.now() / MS);
                    if (name.equals("leader")) {
                        ctx.emit(new ProtocolEvent.RoleChanged(quorumlab.protocols.Role.CANDIDATE, quorumlab.protocols.Role.LEADER, 1));
                        ctx.emit(new ProtocolEvent.LeaderEstablished(1));
                    }
                    if (name.equals("stepDown")) {
                        ctx.emit(new ProtocolEvent.RoleChanged(quorumlab.protocols.Role.LEADER, quorumlab.protocols.Role.FOLLOWER, 2));
                    }
                    if (name.equals("badApply")) ctx.apply(2, quorumlab.protocols.NoOp.INSTANCE);
                }
            };
        }
    }

    @Test
    void namedTimersReplaceAndCancel() {
        Scripted p = new Scripted();
        p.onStart.add(ctx -> {
            ctx.startTimer("a", 10 * MS);
            ctx.startTimer("a", 30 * MS); // replaces the first
            ctx.startTimer("b", 20 * MS);
            ctx.startTimer("c", 5 * MS);
            ctx.cancelTimer("c");
            ctx.cancelTimer("never-started");
            ctx.startTimer("leader", 40 * MS);
            ctx.startTimer("stepDown", 50 * MS);
        });
        Simulation sim = Simulation.builder().cluster(ClusterConfig.ofSize(2)).protocol(p, null).build();
        sim.runUntil(45 * MS);
        assertEquals(List.of("b@20", "a@30", "leader@40"), p.fired);
        assertEquals(Optional.of(N1), sim.leader());
        sim.runUntil(60 * MS);
        assertEquals(Optional.empty(), sim.leader(), "stepped down");
    }

    @Test
    void applyingOutOfOrderFailsLoudlyWithSeedAndTime() {
        Scripted p = new Scripted();
        p.onStart.add(ctx -> ctx.startTimer("badApply", 3 * MS));
        Simulation sim = Simulation.builder().seed(99).cluster(ClusterConfig.ofSize(2)).protocol(p, null).build();
        Simulation.SimulationException e = assertThrows(Simulation.SimulationException.class, () -> sim.runUntil(10 * MS));
        assertTrue(e.getMessage().contains("seed 99, t=3000000ns"), e.getMessage());
        assertTrue(e.getMessage().contains("apply out of order: index 2 after 0"), e.getMessage());
    }

    @Test
    void clientRequestsTravelTheClientLinkAndTheRuntimeRecordsInvokeAndComplete() {
        FixedLeaderLogProtocol log = new FixedLeaderLogProtocol();
        InMemoryTrace trace = new InMemoryTrace();
        Simulation sim = Simulation.builder().seed(1).cluster(ClusterConfig.ofSize(3)).protocol(log, null)
                .network(new NetworkModel().setDelay(Delay.constant(MS))).trace(trace, TraceLevel.EVENTS).build();
        sim.start();
        List<String> got = new ArrayList<>();
        ClientPort client = sim.addClient(4, (from, reply) -> got.add(from + ":" + reply.seq() + "@" + sim.now()));
        client.submit(N1, new ClientRequest(4, 1, new Operation.Put("x", "1")), 0);
        sim.runUntil(10 * MS);
        // 0.5 ms to the leader, 1 ms out and 1 ms back to commit, 0.5 ms back to the client
        assertEquals(List.of("n1:1@3000000"), got);

        sim.pause(N2);
        client.submit(N2, new ClientRequest(4, 2, new Operation.Get("x")), sim.now());
        sim.runUntil(20 * MS);
        assertEquals(1, got.size(), "a request to a paused node waits, unanswered (a crashed one refuses: ClientRefusalTest)");
        client.timedOut(4, 2);
        client.timedOut(4, 2);

        List<TraceRecord.Invoke> invokes = trace.records(TraceRecord.Invoke.class);
        List<TraceRecord.Complete> completes = trace.records(TraceRecord.Complete.class);
        assertEquals(2, invokes.size());
        assertEquals(2, completes.size(), "one complete per request: the second timeout is ignored");
        assertEquals("ok", completes.get(0).outcome());
        assertEquals(3 * MS, completes.get(0).t());
        assertInstanceOf(ClientReply.Committed.class, completes.get(0).reply());
        assertEquals("timeout", completes.get(1).outcome());
        assertNull(completes.get(1).reply());
        assertEquals(20 * MS, completes.get(1).t());
        assertThrows(IllegalArgumentException.class, () -> client.submit(N1, new ClientRequest(5, 1, new Operation.Get("x")), 0));
        assertThrows(IllegalArgumentException.class, () -> sim.addClient(4, (f, r) -> {}));
    }

    @Test
    void aReplyAfterATimeoutReachesTheClientButIsNotRecordedAgain() {
        FixedLeaderLogProtocol log = new FixedLeaderLogProtocol();
        InMemoryTrace trace = new InMemoryTrace();
        Simulation sim = Simulation.builder().cluster(ClusterConfig.ofSize(3)).protocol(log, null)
                .network(new NetworkModel().setDelay(Delay.constant(10 * MS))).trace(trace, TraceLevel.EVENTS).build();
        List<ClientReply> got = new ArrayList<>();
        ClientPort client = sim.addClient(1, (from, reply) -> got.add(reply));
        client.submit(N1, new ClientRequest(1, 1, new Operation.Put("x", "1")), 0);
        client.schedule(5 * MS, () -> client.timedOut(1, 1));
        sim.runUntil(50 * MS);
        assertEquals(1, got.size());
        List<TraceRecord.Complete> completes = trace.records(TraceRecord.Complete.class);
        assertEquals(1, completes.size());
        assertEquals("timeout", completes.get(0).outcome());
    }

    @Test
    void aNodeMayNotSendOutsideTheCluster() {
        Scripted p = new Scripted();
        p.onStart.add(ctx -> ctx.send(NodeId.of(9), new EchoProtocol.Ping(1)));
        Simulation sim = Simulation.builder().cluster(ClusterConfig.ofSize(2)).protocol(p, null).build();
        assertThrows(IllegalArgumentException.class, sim::start);
        assertThrows(IllegalArgumentException.class, () -> sim.crash(NodeId.of(7)));
    }

    @Test
    void runUntilAConditionStopsAtTheEventThatMadeItTrue() {
        Simulation sim = echo(new InMemoryTrace());
        assertTrue(sim.runUntil(() -> echoNode(sim, N1).ticks() == 3, 1_000 * MS));
        assertEquals(30 * MS, sim.now());
        assertFalse(sim.runUntil(() -> false, 100 * MS));
        assertEquals(100 * MS, sim.now());
        // 10 ticks x 3 nodes x 2 pings = 60 pings; the 6 sent at 100 ms are still in flight, the
        // other 54 arrived and were answered by 54 pongs, all back by 92 ms
        assertEquals(60 + 54, sim.messagesSent());
        assertEquals(54 + 54, sim.messagesDelivered());
        assertEquals(0, sim.messagesDropped());
        assertEquals(30 + 108, sim.eventsProcessed());
    }
}
