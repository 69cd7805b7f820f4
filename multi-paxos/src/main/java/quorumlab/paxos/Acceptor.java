package quorumlab.paxos;

import java.util.ArrayList;
import java.util.List;
import quorumlab.paxos.PaxosMessage.Accept;
import quorumlab.paxos.PaxosMessage.Accepted;
import quorumlab.paxos.PaxosMessage.CatchUp;
import quorumlab.paxos.PaxosMessage.Nack;
import quorumlab.paxos.PaxosMessage.Prepare;
import quorumlab.paxos.PaxosMessage.Promise;
import quorumlab.paxos.PaxosMessage.SlotValue;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.Role;

/**
 * The acceptor ("Paxos Made Simple" §2.2): it promises never to accept below the highest ballot it
 * has promised, and accepts anything else. Its promise and accepted values live in
 * {@link AcceptorState}, written before it answers. It answers a lower ballot with a Nack naming
 * its promise: the optimization of "Paxos Made Simple" §2.2 (the acceptor "should probably inform
 * the proposer, who should then abandon its proposal"), which does not affect correctness.
 */
final class Acceptor {
    private final PaxosNode node;
    private final AcceptorState state;

    Acceptor(PaxosNode node, AcceptorState state) {
        this.node = node;
        this.state = state;
    }

    Ballot promised() {
        return state.promised();
    }

    long forgottenThrough() {
        return state.forgottenThrough();
    }

    void forgetThrough(long slot) {
        state.forgetThrough(slot);
    }

    /**
     * Phase 1b: promise a ballot at least as high as any promised before, and report every value
     * accepted from {@code fromSlot} on, with its ballot.
     */
    void onPrepare(NodeId from, Prepare p) {
        if (node.options.leaderLease() && node.leaseHeldAgainst(from)) {
            // Raft thesis §4.2.3, for Paxos: while a leader is heard, a proposer that cannot hear it
            // must not depose it. No promise and no reply: safe, because withholding a promise can
            // only keep a ballot from reaching a quorum, never let two quorums disagree.
            return;
        }
        if (!node.reconfiguration.mayLead(from)) {
            // No member of the configurations this node knows (say, removed): no promise, which is
            // safe. Whichever of the two lacks decisions the other knows is told them, so a removed
            // node that missed its removal learns it and stops trying.
            if (p.fromSlot() > node.learner.firstUnchosen()) node.ctx.send(from, new CatchUp(node.learner.firstUnchosen()));
            else node.learner.onCatchUp(from, new CatchUp(p.fromSlot()), node.ballot);
            return;
        }
        node.noteRound(p.ballot());
        if (p.ballot().compareTo(state.promised()) >= 0) {
            if (p.ballot().greaterThan(node.ballot) && node.role != Role.FOLLOWER) {
                node.stepDown(p.ballot());
            }
            state.promise(p.ballot());
            node.reply(from, new Promise(p.ballot(), p.fromSlot(), state.acceptedFrom(p.fromSlot())));
        } else {
            node.reply(from, new Nack(p.ballot(), state.promised()));
        }
    }

    /** Phase 2b: accept unless a higher ballot was promised; an Accept from another leader means it leads. */
    void onAccept(NodeId from, Accept a) {
        node.noteRound(a.ballot());
        if (a.ballot().compareTo(state.promised()) < 0) {
            node.reply(from, new Nack(a.ballot(), state.promised()));
            return;
        }
        if (a.ballot().greaterThan(state.promised())) state.promise(a.ballot());
        if (!from.equals(node.ctx.self())) {
            if (node.role != Role.FOLLOWER && a.ballot().greaterThan(node.ballot)) node.stepDown(a.ballot());
            node.followLeader(from);
        }
        List<Long> slots = new ArrayList<>();
        for (SlotValue v : a.values()) {
            // A late copy of an Accept for a slot long chosen and forgotten: nothing to keep.
            if (v.slot() <= state.forgottenThrough()) continue;
            state.accept(v.slot(), a.ballot(), v.command());
            node.ctx.emit(new ProtocolEvent.ValueAccepted(v.slot(), a.ballot().round(), a.ballot().node(), v.command().id()));
            slots.add(v.slot());
        }
        node.reply(from, new Accepted(a.ballot(), slots, node.learner.snapshotIndex()));
    }
}
