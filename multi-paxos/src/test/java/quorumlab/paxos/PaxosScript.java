package quorumlab.paxos;

import java.util.HashMap;
import java.util.Map;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.Role;
import quorumlab.protocols.runtime.NetworkModel;
import quorumlab.protocols.testing.ScriptedNetwork;
import quorumlab.protocols.testing.SimCluster;

/**
 * A Multi-Paxos cluster whose peer messages a test script delivers by hand ({@link ScriptedNetwork})
 * and whose timers (election, heartbeat, retransmission) fire only when the script says.
 */
final class PaxosScript extends SimCluster {
    private static final long QUIET_MS = 100_000;

    final ScriptedNetwork net;

    PaxosScript(int nodes, Map<String, ?> options) {
        super("multi-paxos", nodes, 1, quietTimers(options), new NetworkModel());
        net = new ScriptedNetwork(sim);
    }

    private static Map<String, Object> quietTimers(Map<String, ?> options) {
        Map<String, Object> all = new HashMap<>(Map.of("electionTimeoutMinMs", QUIET_MS, "electionTimeoutMaxMs", QUIET_MS,
                "heartbeatIntervalMs", QUIET_MS / 2, "retransmitMs", QUIET_MS / 2, "backoffMaxMs", 0));
        all.putAll(options);
        return all;
    }

    static NodeId n(int id) {
        return NodeId.of(id);
    }

    Role role(NodeId id) {
        return ((PaxosNode) sim.node(id)).role();
    }

    /** Fires {@code timer} of {@code node} now. */
    void fire(NodeId node, String timer) {
        if (!sim.fireTimerNow(node, timer)) throw new AssertionError(node + " has no " + timer + " timer pending");
        sim.runFor(0);
    }

    /** {@code node} times out and starts phase 1 with a ballot above every round it has seen. */
    void electionTimeout(NodeId node) {
        fire(node, PaxosNode.ELECTION_TIMER);
    }

    /** Lets {@code ms} of virtual time pass: client requests reach their node and replies their client. */
    void pass(long ms) {
        sim.runFor(ms * MS);
    }
}
