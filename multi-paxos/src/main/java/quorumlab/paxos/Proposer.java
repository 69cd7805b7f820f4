package quorumlab.paxos;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import quorumlab.paxos.PaxosMessage.AcceptedValue;
import quorumlab.paxos.PaxosMessage.Nack;
import quorumlab.paxos.PaxosMessage.Prepare;
import quorumlab.paxos.PaxosMessage.Promise;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.Role;

/**
 * Phase 1 of the proposer: becoming leader. One Prepare covers every slot from the first one this
 * node has not learned ("Paxos Made Simple" §3: phase 1 for infinitely many instances at once); a
 * majority of promises makes the proposer the leader, which then runs phase 2 ({@link Leader}) for
 * as long as no higher ballot appears.
 */
final class Proposer {
    private final PaxosNode node;
    /** The first slot the current Prepare covers. */
    private long prepareFrom;
    private final Map<NodeId, Promise> promises = new HashMap<>();

    Proposer(PaxosNode node) {
        this.node = node;
    }

    /** No heartbeat from a leader in time: try to lead with a higher ballot (phase 1a). */
    void onElectionTimeout() {
        if (node.role == Role.LEADER) return;
        node.setRole(Role.CANDIDATE, node.highestRoundSeen + 1);
        node.ballot = new Ballot(node.highestRoundSeen + 1, node.ctx.self());
        node.highestRoundSeen = node.ballot.round();
        prepareFrom = node.learner.firstUnchosen();
        promises.clear();
        node.ctx.emit(new ProtocolEvent.ElectionStarted(node.ballot.round(), false));
        node.resetElectionTimer(0);
        Prepare prepare = new Prepare(node.ballot, prepareFrom);
        node.ctx.broadcast(prepare);
        node.acceptor.onPrepare(node.ctx.self(), prepare);
    }

    /** Phase 1b arrives: with a majority of promises for its ballot, the proposer leads. */
    void onPromise(NodeId from, Promise p) {
        if (node.role != Role.CANDIDATE || !p.ballot().equals(node.ballot)) return;
        promises.put(from, p);
        if (promises.size() >= node.ctx.cluster().majority()) {
            becomeLeader();
        }
    }

    /**
     * A majority promised: for every slot from prepareFrom on, the value accepted in the highest
     * ballot any promise reports must be proposed again ("Paxos Made Simple" §2.2, P2c); the leader
     * fills the holes below it with no-ops ("Paxos Made Simple" §3).
     */
    private void becomeLeader() {
        TreeMap<Long, AcceptedValue> recovered = new TreeMap<>();
        for (Promise p : promises.values()) {
            for (AcceptedValue v : p.accepted()) {
                AcceptedValue known = recovered.get(v.slot());
                if (known == null || v.ballot().greaterThan(known.ballot())) recovered.put(v.slot(), v);
            }
        }
        promises.clear();
        node.leader.onElected(prepareFrom, recovered);
    }

    /** An acceptor promised a higher ballot than ours: a proposer with a higher ballot exists. */
    void onNack(Nack n) {
        node.noteRound(n.promised());
        if (node.role != Role.FOLLOWER && n.rejected().equals(node.ballot) && n.promised().greaterThan(node.ballot)) {
            node.stepDown(n.promised());
        }
    }

    /** Preempted: the promises gathered for the old ballot count for nothing. */
    void onPreempted() {
        promises.clear();
    }
}
