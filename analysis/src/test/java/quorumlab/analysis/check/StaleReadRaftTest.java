package quorumlab.analysis.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import quorumlab.analysis.check.HistoryEvent.Fn;
import quorumlab.protocols.ClientReply;
import quorumlab.protocols.ClientRequest;
import quorumlab.protocols.ClusterConfig;
import quorumlab.protocols.Command;
import quorumlab.protocols.DurableStore;
import quorumlab.protocols.KvStateMachine;
import quorumlab.protocols.Message;
import quorumlab.protocols.Node;
import quorumlab.protocols.NodeContext;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.Operation;
import quorumlab.protocols.OptionSpec;
import quorumlab.protocols.Options;
import quorumlab.protocols.Protocol;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.Result;
import quorumlab.protocols.Role;
import quorumlab.protocols.runtime.ClientPort;
import quorumlab.protocols.trace.InMemoryTrace;
import quorumlab.protocols.runtime.NetworkModel;
import quorumlab.protocols.trace.TraceLevel;
import quorumlab.protocols.sim.Simulation;
import quorumlab.protocols.trace.TraceRecord;

/**
 * The checker against a real protocol bug. A Raft leader that answers reads from its own state
 * machine, without confirming it is still leader (no log entry, no read index, no lease), serves a
 * stale read once a partition has isolated it and the majority has elected a new leader and
 * written on. The checker must report that stale read; correct Raft, on the same scenario and
 * seed, must pass every check.
 */
class StaleReadRaftTest {
    static final long MS = 1_000_000L;
    static final long SEED = 42;

    /** Raft, wrapped: a node that believes it leads answers Get requests from its own applied state. */
    static final class LocalReadsRaft implements Protocol {
        private final Protocol raft = Protocol.byName("raft");

        @Override
        public String name() {
            return "raft-local-reads";
        }

        @Override
        public String description() {
            return "Raft whose leader serves reads locally without confirming leadership (deliberately broken)";
        }

        @Override
        public List<OptionSpec> options() {
            return raft.options();
        }

        @Override
        public Node createNode(NodeContext context, Options options) {
            LocalReads context2 = new LocalReads(context);
            context2.inner = raft.createNode(context2, options);
            return context2;
        }
    }

    /** Both the node the runtime sees and the context the Raft node sees. */
    static final class LocalReads implements Node, NodeContext {
        private final NodeContext ctx;
        private KvStateMachine applied = new KvStateMachine(); // what this node has applied since it started
        private Node inner;
        private boolean believesItLeads;

        LocalReads(NodeContext ctx) {
            this.ctx = ctx;
        }

        // --- Node: reads short-circuit, everything else goes to Raft

        @Override
        public void onClientRequest(ClientRequest request) {
            if (believesItLeads && request.operation() instanceof Operation.Get get) {
                // The bug: no check that a majority still follows this leader.
                ctx.reply(new ClientReply.Committed(request.clientId(), request.seq(), applied.lastApplied(),
                        Result.read(applied.get(get.key()))));
                return;
            }
            inner.onClientRequest(request);
        }

        @Override
        public void onStart() {
            inner.onStart();
        }

        @Override
        public void onMessage(NodeId from, Message message) {
            inner.onMessage(from, message);
        }

        @Override
        public void onTimer(String name) {
            inner.onTimer(name);
        }

        // --- NodeContext: watch applies and role changes on the way out

        @Override
        public Result apply(long index, Command command) {
            applied.apply(index, command);
            return ctx.apply(index, command);
        }

        @Override
        public void emit(ProtocolEvent event) {
            if (event instanceof ProtocolEvent.RoleChanged rc) believesItLeads = rc.to() == Role.LEADER;
            if (event instanceof ProtocolEvent.LeaderEstablished) believesItLeads = true;
            ctx.emit(event);
        }

        @Override
        public NodeId self() {
            return ctx.self();
        }

        @Override
        public ClusterConfig cluster() {
            return ctx.cluster();
        }

        @Override
        public long now() {
            return ctx.now();
        }

        @Override
        public void send(NodeId to, Message message) {
            ctx.send(to, message);
        }

        @Override
        public void reply(ClientReply reply) {
            ctx.reply(reply);
        }

        @Override
        public void startTimer(String name, long delayNanos) {
            ctx.startTimer(name, delayNanos);
        }

        @Override
        public void cancelTimer(String name) {
            ctx.cancelTimer(name);
        }

        @Override
        public RandomGenerator random() {
            return ctx.random();
        }

        @Override
        public DurableStore store() {
            return ctx.store();
        }

        @Override
        public long lastApplied() {
            return ctx.lastApplied();
        }

        @Override
        public KvStateMachine.Snapshot snapshotStateMachine() {
            return ctx.snapshotStateMachine();
        }

        @Override
        public void restoreStateMachine(KvStateMachine.Snapshot snapshot) {
            ctx.restoreStateMachine(snapshot);
            applied = new KvStateMachine(snapshot);
        }
    }

    /** What the scenario left: the trace, and the old and new leaders. */
    record Run(List<TraceRecord> trace, NodeId oldLeader, NodeId newLeader, ClientReply readReply) {}

    /**
     * Five nodes. The leader acknowledges a write of v1 and is then isolated; the majority elects a
     * new leader, which acknowledges a write of v2; then a client asks the old leader for the key.
     */
    static Run isolatedLeaderScenario(Protocol protocol) {
        InMemoryTrace trace = new InMemoryTrace();
        NetworkModel network = new NetworkModel();
        Simulation sim = Simulation.builder().seed(SEED).cluster(ClusterConfig.ofSize(5))
                .protocol(protocol, protocol.resolveOptions(Map.of())).network(network)
                .trace(trace, TraceLevel.EVENTS).scenario("isolated-leader-read").build();
        List<ClientReply> writerReplies = new ArrayList<>();
        List<ClientReply> readerReplies = new ArrayList<>();
        ClientPort writer = sim.addClient(1, (from, reply) -> writerReplies.add(reply));
        ClientPort reader = sim.addClient(2, (from, reply) -> readerReplies.add(reply));
        sim.start();
        assertTrue(sim.runUntil(() -> sim.leader().isPresent(), 2_000 * MS), "a first leader");
        NodeId old = sim.leader().orElseThrow();

        writer.submit(old, new ClientRequest(1, 1, new Operation.Put("k", "v1")), sim.now());
        assertTrue(sim.runUntil(() -> committed(writerReplies, 1), sim.now() + 1_000 * MS), "v1 committed");

        network.isolate(old);
        sim.recordFault("isolate", List.of(old), "the leader is cut off from every other node");
        assertTrue(sim.runUntil(() -> sim.leader().filter(l -> !l.equals(old)).isPresent(), sim.now() + 3_000 * MS),
                "the majority elects a new leader");
        NodeId fresh = sim.leader().orElseThrow();

        writer.submit(fresh, new ClientRequest(1, 2, new Operation.Put("k", "v2")), sim.now());
        assertTrue(sim.runUntil(() -> committed(writerReplies, 2), sim.now() + 1_000 * MS), "v2 committed");

        reader.submit(old, new ClientRequest(2, 1, new Operation.Get("k")), sim.now());
        sim.runFor(500 * MS);
        if (readerReplies.isEmpty()) reader.timedOut(2, 1);

        network.heal();
        sim.recordFault("heal", List.of(), "");
        sim.runFor(1_000 * MS);
        return new Run(trace.records(), old, fresh, readerReplies.isEmpty() ? null : readerReplies.get(0));
    }

    private static boolean committed(List<ClientReply> replies, long seq) {
        return replies.stream().anyMatch(r -> r.seq() == seq && r instanceof ClientReply.Committed);
    }

    @Test
    void theCheckerReportsTheStaleReadOfALeaderThatDoesNotConfirmLeadership() {
        Run run = isolatedLeaderScenario(new LocalReadsRaft());
        assertNotEquals(run.oldLeader(), run.newLeader());
        ClientReply.Committed read = assertInstanceOf(ClientReply.Committed.class, run.readReply(),
                "the isolated leader answers the read itself");
        assertEquals("v1", read.result().value());

        History history = TraceHistory.fromTrace("broken raft", run.trace());
        LinearizabilityChecker.Result result = LinearizabilityChecker.check(history);
        assertEquals(CheckStatus.VIOLATION, result.status(), result.summary());
        Counterexample c = result.counterexamples().get(0);
        assertEquals("k", c.key());
        assertEquals(Fn.READ, c.failing().f());
        assertEquals("v1", c.failing().result());
        assertTrue(c.window().stream().anyMatch(op -> "v2".equals(op.argument())),
                "the window holds the acknowledged write the read missed: " + c.window());
    }

    @Test
    void correctRaftPassesTheSameScenarioAndSeed() {
        Run run = isolatedLeaderScenario(Protocol.byName("raft"));
        assertNotEquals(run.oldLeader(), run.newLeader());
        assertTrue(!(run.readReply() instanceof ClientReply.Committed),
                "the isolated leader cannot commit the read through its log: " + run.readReply());

        History history = TraceHistory.fromTrace("raft", run.trace());
        assertEquals(3, history.operations().size());
        LinearizabilityChecker.Result result = LinearizabilityChecker.check(history);
        assertEquals(CheckStatus.OK, result.status(), result.summary());
        for (Verdict.Check check : Checks.traceChecks(run.trace())) {
            assertEquals(CheckStatus.OK, check.status(), check.name() + ": " + check.details());
        }
    }
}
