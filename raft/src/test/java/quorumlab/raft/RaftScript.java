package quorumlab.raft;

import static quorumlab.protocols.testing.ScriptedNetwork.among;
import static quorumlab.protocols.testing.ScriptedNetwork.ofType;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.Role;
import quorumlab.protocols.runtime.NetworkModel;
import quorumlab.protocols.testing.ScriptedNetwork;
import quorumlab.raft.RaftMessage.RequestVote;
import quorumlab.raft.RaftMessage.RequestVoteReply;

/**
 * A Raft cluster whose peer messages a test script delivers by hand ({@link ScriptedNetwork}), and
 * whose timers fire only when the script says: the election timeouts and the heartbeat interval are
 * far longer than any script runs, so every election and heartbeat is a step of the script.
 */
final class RaftScript extends RaftCluster {
    private static final long QUIET_MS = 100_000;

    final ScriptedNetwork net;

    RaftScript(int nodes, Map<String, ?> options) {
        super(nodes, 1, quietTimers(options), new NetworkModel());
        net = new ScriptedNetwork(sim);
    }

    private static Map<String, Object> quietTimers(Map<String, ?> options) {
        Map<String, Object> all = new HashMap<>(Map.of(
                "electionTimeoutMinMs", QUIET_MS, "electionTimeoutMaxMs", QUIET_MS, "heartbeatIntervalMs", QUIET_MS / 2));
        all.putAll(options);
        return all;
    }

    static NodeId n(int id) {
        return NodeId.of(id);
    }

    RaftNode raft(NodeId id) {
        return (RaftNode) sim.node(id);
    }

    Role role(NodeId id) {
        return raft(id).role;
    }

    long term(NodeId id) {
        return raft(id).state.currentTerm();
    }

    /** The node's log as {@code term:command} per entry, from index 1 (no compaction in scripts). */
    List<String> log(NodeId id) {
        RaftLog log = raft(id).state.log;
        List<String> out = new ArrayList<>();
        for (long i = log.snapshotIndex() + 1; i <= log.lastIndex(); i++) {
            out.add(log.termAt(i) + ":" + log.entryAt(i).command().id());
        }
        return out;
    }

    /** Fires {@code timer} of {@code node} now (its election, heartbeat or checkQuorum timer). */
    void fire(NodeId node, String timer) {
        if (!sim.fireTimerNow(node, timer)) throw new AssertionError(node + " has no " + timer + " timer pending");
        sim.runFor(0);
    }

    void electionTimeout(NodeId node) {
        fire(node, RaftNode.ELECTION_TIMER);
    }

    /**
     * {@code candidate} times out and the vote messages (pre-votes too) between it and
     * {@code voters} are delivered until none is left; the other messages stay in flight.
     */
    void campaign(NodeId candidate, NodeId... voters) {
        electionTimeout(candidate);
        NodeId[] all = new NodeId[voters.length + 1];
        all[0] = candidate;
        System.arraycopy(voters, 0, all, 1, voters.length);
        net.deliverAll(among(all).and(ofType(RequestVote.class).or(ofType(RequestVoteReply.class))));
    }

    /** {@link #campaign}, which must make {@code candidate} the leader. */
    void elect(NodeId candidate, NodeId... voters) {
        campaign(candidate, voters);
        if (role(candidate) != Role.LEADER) {
            throw new AssertionError(candidate + " was not elected: " + role(candidate) + " in term " + term(candidate));
        }
    }

    /** Lets {@code ms} of virtual time pass: client requests reach their node and replies their client. */
    void pass(long ms) {
        sim.runFor(ms * MS);
    }
}
