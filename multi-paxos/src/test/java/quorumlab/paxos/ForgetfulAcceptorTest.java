package quorumlab.paxos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import quorumlab.protocols.ClientReply;
import quorumlab.protocols.ClusterConfig;
import quorumlab.protocols.Command;
import quorumlab.protocols.DurableStore;
import quorumlab.protocols.KvStateMachine;
import quorumlab.protocols.Message;
import quorumlab.protocols.Node;
import quorumlab.protocols.NodeContext;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.OptionSpec;
import quorumlab.protocols.Options;
import quorumlab.protocols.Protocol;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.Result;
import quorumlab.protocols.runtime.MemoryStore;

/**
 * An acceptor that restarts must keep its promise and its accepted values ("Paxos Made Simple"
 * §2.3). A forced schedule: the leader gets value A chosen by itself and acceptor F while the
 * third node X never hears of it; F crashes and restarts; the leader crashes; X and F elect a new
 * leader, which then takes a new client value B. A durable F reports A in its promise, so A keeps
 * its slot. A deliberately forgetful F (its store wiped at restart) lets B be chosen for A's slot,
 * and the safety checker must say so.
 */
class ForgetfulAcceptorTest {
    static final long MS = PaxosSimHarness.MS;
    static final Map<String, Object> OPTIONS = Map.of();

    /** Multi-Paxos, except that node {@code forgetful} starts every incarnation with an empty store. */
    static final class ForgetfulProtocol implements Protocol {
        private final Protocol real = Protocol.byName("multi-paxos");
        private final NodeId forgetful;

        ForgetfulProtocol(NodeId forgetful) {
            this.forgetful = forgetful;
        }

        @Override
        public String name() {
            return real.name();
        }

        @Override
        public String description() {
            return "multi-paxos with an acceptor that forgets its durable state on restart (test only)";
        }

        @Override
        public List<OptionSpec> options() {
            return real.options();
        }

        @Override
        public Node createNode(NodeContext context, Options options) {
            if (!context.self().equals(forgetful)) return real.createNode(context, options);
            return real.createNode(new AmnesiacContext(context, new MemoryStore()), options);
        }
    }

    /** Everything from the runtime, except a store that lives only as long as this incarnation. */
    record AmnesiacContext(NodeContext real, DurableStore store) implements NodeContext {
        public NodeId self() { return real.self(); }
        public ClusterConfig cluster() { return real.cluster(); }
        public long now() { return real.now(); }
        public void send(NodeId to, Message message) { real.send(to, message); }
        public void reply(ClientReply reply) { real.reply(reply); }
        public void startTimer(String name, long delayNanos) { real.startTimer(name, delayNanos); }
        public void cancelTimer(String name) { real.cancelTimer(name); }
        public RandomGenerator random() { return real.random(); }
        public Result apply(long index, Command command) { return real.apply(index, command); }
        public long lastApplied() { return real.lastApplied(); }
        public KvStateMachine.Snapshot snapshotStateMachine() { return real.snapshotStateMachine(); }
        public void restoreStateMachine(KvStateMachine.Snapshot snapshot) { real.restoreStateMachine(snapshot); }
        public void emit(ProtocolEvent event) { real.emit(event); }
    }

    private record Outcome(PaxosSimHarness h, NodeId oldLeader, NodeId newLeader, List<String> oldApplied) {}

    /** Runs the forced schedule; {@code forgetfulF} chooses whether F's store survives its restart. */
    private static Outcome forcedSchedule(boolean forgetfulF) {
        // Which node leads depends only on the seed, so a first run with the real protocol names L and F.
        PaxosSimHarness probe = new PaxosSimHarness(3, 7, OPTIONS);
        NodeId leader = probe.awaitLeader(3_000 * MS);
        NodeId f = NodeId.of(leader.id() % 3 + 1);
        NodeId x = NodeId.of(f.id() % 3 + 1);

        PaxosSimHarness h = forgetfulF
                ? new PaxosSimHarness(3, 7, OPTIONS, new ForgetfulProtocol(f))
                : new PaxosSimHarness(3, 7, OPTIONS);
        assertEquals(leader, h.awaitLeader(3_000 * MS), "same seed, same leader");
        // X never learns of phase 2: every Accept and Chosen to it is lost.
        h.network.setFilter((from, to, m, now) -> !(to.equals(x) && (m.typeName().equals("Accept") || m.typeName().equals("Chosen"))));
        PaxosSimHarness.Client first = h.client(1, 1);
        first.target = leader;
        assertTrue(h.runUntilDone(List.of(first), 2_000 * MS), "value A acknowledged");
        h.sim.runFor(20 * MS);
        List<String> oldApplied = h.applied(leader);
        assertTrue(oldApplied.contains("c1:1"), "the leader applied A: " + oldApplied);
        assertTrue(h.applied(x).isEmpty(), "X knows nothing of A");

        h.sim.crash(f);
        h.sim.recordFault("crash", List.of(f), "forced");
        h.sim.restart(f);
        h.sim.recordFault("restart", List.of(f), forgetfulF ? "forgetful" : "durable");
        h.sim.crash(leader);
        h.sim.recordFault("crash", List.of(leader), "forced");
        h.network.setFilter((from, to, m, now) -> true);

        PaxosSimHarness.Client second = h.client(2, 1);
        second.target = x;
        assertTrue(h.runUntilDone(List.of(second), 5_000 * MS), "value B acknowledged by the new leader");
        NodeId newLeader = h.sim.leader().orElseThrow();
        assertNotEquals(leader, newLeader);
        h.sim.runFor(200 * MS);
        return new Outcome(h, leader, newLeader, oldApplied);
    }

    @Test
    void aRestartedAcceptorKeepsItsPromiseAndAcceptedValue() {
        Outcome o = forcedSchedule(false);
        o.h().assertSafe();
        List<String> newApplied = o.h().applied(o.newLeader());
        int slotOfA = o.oldApplied().indexOf("c1:1");
        assertEquals("c1:1", newApplied.get(slotOfA), "A kept its slot at the new leader: " + newApplied);
        assertTrue(newApplied.contains("c2:1"), "B was chosen in a later slot: " + newApplied);
    }

    @Test
    void theCheckerCatchesTwoValuesChosenForOneSlotWhenAnAcceptorForgets() {
        Outcome o = forcedSchedule(true);
        List<String> violations = o.h().violations();
        assertFalse(violations.isEmpty(), "a forgetful acceptor let a second value be chosen");
        int slotOfA = o.oldApplied().indexOf("c1:1") + 1;
        assertTrue(violations.stream().anyMatch(v -> v.contains("slot " + slotOfA) && v.contains("c2:1")),
                "names the slot and the second value: " + violations);
    }
}
