package quorumlab.paxos;

import java.util.HashMap;
import java.util.Map;
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
 * as long as no higher ballot appears. Only a member of the configuration of its open slots tries
 * ({@link Reconfiguration}); its Prepare goes to the members of every configuration from there on,
 * and the majority that makes it leader is one of the configuration of its first open slot.
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
        if (!node.reconfiguration.isMember()) {
            // Removed, or still joining: this node governs no open slot, so it waits to hear a leader.
            node.resetElectionTimer(0);
            return;
        }
        node.setRole(Role.CANDIDATE, node.highestRoundSeen + 1);
        node.ballot = new Ballot(node.highestRoundSeen + 1, node.ctx.self());
        node.highestRoundSeen = node.ballot.round();
        prepareFrom = node.learner.firstUnchosen();
        promises.clear();
        node.ctx.emit(new ProtocolEvent.ElectionStarted(node.ballot.round(), false));
        node.resetElectionTimer(0);
        Prepare prepare = new Prepare(node.ballot, prepareFrom);
        node.sendToPeers(prepare);
        node.acceptor.onPrepare(node.ctx.self(), prepare);
    }

    /**
     * Phase 1b arrives: with a majority of the first open slot's configuration, the proposer leads.
     * A promise for the ballot it already leads with comes from an acceptor of another configuration.
     */
    void onPromise(NodeId from, Promise p) {
        if (!p.ballot().equals(node.ballot)) return;
        if (node.role == Role.LEADER) {
            node.leader.onPromise(from, p);
            return;
        }
        if (node.role != Role.CANDIDATE) return;
        if (!node.reconfiguration.isMember()) {
            // While it campaigned it learned that the open slots belong to a configuration without it
            // (PMMC §3). Elected on its Prepare's older configuration, it could prepare none of them
            // (members give a non-member no promise, Reconfiguration.mayLead), and its heartbeats
            // would keep the members from electing one of their own.
            node.handOver();
            return;
        }
        promises.put(from, p);
        if (node.reconfiguration.at(prepareFrom).isQuorum(promises.keySet())) {
            Map<NodeId, Promise> received = new HashMap<>(promises);
            promises.clear();
            // "Paxos Made Simple" §2.2, P2c, and §3 (no-ops in the holes): the leader re-proposes.
            node.leader.onElected(prepareFrom, received);
        }
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
