package quorumlab.paxos;

import java.util.Optional;
import quorumlab.paxos.PaxosMessage.Accept;
import quorumlab.paxos.PaxosMessage.Accepted;
import quorumlab.paxos.PaxosMessage.CatchUp;
import quorumlab.paxos.PaxosMessage.Chosen;
import quorumlab.paxos.PaxosMessage.Heartbeat;
import quorumlab.paxos.PaxosMessage.Nack;
import quorumlab.paxos.PaxosMessage.Prepare;
import quorumlab.paxos.PaxosMessage.Promise;
import quorumlab.paxos.PaxosMessage.Snapshot;
import quorumlab.protocols.ClientReply;
import quorumlab.protocols.ClientRequest;
import quorumlab.protocols.MembershipChange;
import quorumlab.protocols.Message;
import quorumlab.protocols.Node;
import quorumlab.protocols.NodeContext;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.Role;

/**
 * One Multi-Paxos node: proposer, acceptor and learner at once ("Paxos Made Simple" §2.1, "each
 * process plays all roles"). It holds what the roles share (its role, its ballot, the highest round
 * it has seen) and hands each event to the role it belongs to: phase 1 of the proposer
 * ({@link Proposer}), phase 2 of the leader it becomes ({@link Leader}), the acceptor
 * ({@link Acceptor}), the learner ({@link Learner}) and the clients ({@link Clients}); membership
 * changes to {@link Reconfiguration}.
 */
final class PaxosNode implements Node {
    static final String ELECTION_TIMER = "election";
    static final String HEARTBEAT_TIMER = "heartbeat";
    static final String RETRANSMIT_TIMER = "retransmit";

    final NodeContext ctx;
    final PaxosOptions options;
    final Proposer proposer = new Proposer(this);
    final Leader leader = new Leader(this);
    final Acceptor acceptor;
    final Clients clients = new Clients(this);
    final Reconfiguration reconfiguration;
    final Learner learner;

    Role role = Role.FOLLOWER;
    /** The ballot this node proposes with (phase 1 or leading). */
    Ballot ballot = Ballot.ZERO;
    long highestRoundSeen;
    Optional<NodeId> leaderHint = Optional.empty();
    /** When a leader's Heartbeat or Accept last arrived (leaderLease); only this incarnation's. */
    private long lastLeaderContact;
    private boolean heardLeader;
    /** The leader's first unchosen slot, as its last Heartbeat said: how far catch-up must go. */
    private long leaderFirstUnchosen;

    PaxosNode(NodeContext ctx, PaxosOptions options) {
        this.ctx = ctx;
        this.options = options;
        this.acceptor = new Acceptor(this, new AcceptorState(ctx.store()));
        this.reconfiguration = new Reconfiguration(this);
        this.learner = new Learner(ctx, options.snapshotEveryEntries(), reconfiguration, (index, command, result) -> {
            clients.onApplied(index, command, result);
            reconfiguration.onApplied(index);
        });
    }

    /** A (re)start: the acceptor's promise survived in the store; the learner reloads its decisions. */
    @Override
    public void onStart() {
        highestRoundSeen = acceptor.promised().round();
        heardLeader = false;
        learner.recover();
        resetElectionTimer(0);
    }

    @Override
    public void onMessage(NodeId from, Message message) {
        if (message instanceof Prepare p) acceptor.onPrepare(from, p);
        else if (message instanceof Promise p) proposer.onPromise(from, p);
        else if (message instanceof Accept a) acceptor.onAccept(from, a);
        else if (message instanceof Accepted a) leader.onAccepted(from, a);
        else if (message instanceof Nack n) proposer.onNack(n);
        else if (message instanceof Chosen c) onChosen(from, c);
        else if (message instanceof Heartbeat h) onHeartbeat(from, h);
        else if (message instanceof CatchUp c) reconfiguration.onCatchUp(from, c.fromSlot(), learner.onCatchUp(from, c, ballot));
        else if (message instanceof Snapshot s) onSnapshot(from, s);
    }

    @Override
    public void onMembershipChange(MembershipChange change) {
        reconfiguration.onMembershipChange(change);
    }

    /** A decision; an answer to this node's CatchUp that moved it on is followed by the next request. */
    private void onChosen(NodeId from, Chosen c) {
        long before = learner.firstUnchosen();
        learner.onChosen(c);
        if (c.catchUp() && learner.firstUnchosen() > before) askForMore(from);
    }

    private void onSnapshot(NodeId from, Snapshot s) {
        learner.onSnapshot(s);
        askForMore(from);
    }

    private void askForMore(NodeId from) {
        if (learner.firstUnchosen() < leaderFirstUnchosen) ctx.send(from, new CatchUp(learner.firstUnchosen()));
    }

    /** To the members of every configuration from the open slots on ({@link Reconfiguration#peers()}). */
    void sendToPeers(PaxosMessage message) {
        for (NodeId peer : reconfiguration.peers()) ctx.send(peer, message);
    }

    @Override
    public void onTimer(String name) {
        switch (name) {
            case ELECTION_TIMER -> proposer.onElectionTimeout();
            case HEARTBEAT_TIMER -> leader.onHeartbeatTimer();
            case RETRANSMIT_TIMER -> leader.onRetransmitTimer();
            default -> { }
        }
    }

    @Override
    public void onClientRequest(ClientRequest request) {
        if (role != Role.LEADER) {
            ctx.reply(new ClientReply.NotLeader(request.clientId(), request.seq(), hint()));
            return;
        }
        clients.onRequest(request);
    }

    /**
     * Whom to point a client to. A node outside the configuration (removed, or still joining) hears
     * no leader once it is out, so its hint may be long stale and send clients in circles among
     * removed nodes: it names a leader only if it heard one within the minimum election timeout.
     */
    private Optional<NodeId> hint() {
        if (reconfiguration.isMember() || (heardLeader && ctx.now() - lastLeaderContact < options.electionMinNs())) return leaderHint;
        return Optional.empty();
    }

    // ---- liveness: who leads ----

    /**
     * The leader is alive. Not part of Paxos's safety: it keeps followers from starting phase 1, and
     * tells a learner that missed decisions to ask for them, and everyone what may be forgotten.
     */
    void onHeartbeat(NodeId from, Heartbeat h) {
        noteRound(h.ballot());
        if (h.ballot().compareTo(acceptor.promised()) < 0) return;
        if (role != Role.FOLLOWER && h.ballot().greaterThan(ballot)) stepDown(h.ballot());
        followLeader(from);
        leaderFirstUnchosen = h.firstUnchosen();
        // A node that is joining always answers: it tells the leader how far it has caught up.
        if (learner.firstUnchosen() < h.firstUnchosen() || !reconfiguration.isMember()) {
            ctx.send(from, new CatchUp(learner.firstUnchosen()));
        }
        forgetThrough(h.forgetThrough());
    }

    void followLeader(NodeId leaderId) {
        leaderHint = Optional.of(leaderId);
        lastLeaderContact = ctx.now();
        heardLeader = true;
        if (role != Role.LEADER) resetElectionTimer(0);
    }

    /**
     * leaderLease: whether a Prepare from {@code proposer} is to be ignored because this node heard
     * its leader within the minimum election timeout (the leader's own Prepare is never ignored).
     * A leader holds no lease itself: its heartbeats are not answered, so it cannot tell that it was
     * deposed, and a deposed leader ignoring Prepares stalled a fuzz schedule. After a leader fails,
     * the lease runs out here before this node's own election timer can fire.
     */
    boolean leaseHeldAgainst(NodeId proposer) {
        if (proposer.equals(ctx.self()) || role == Role.LEADER) return false;
        return heardLeader && !leaderHint.equals(Optional.of(proposer))
                && ctx.now() - lastLeaderContact < options.electionMinNs();
    }

    /** A higher ballot exists: stop leading or preparing, and wait before trying again. */
    void stepDown(Ballot higher) {
        ctx.emit(new ProtocolEvent.Preempted(ballot.round(), higher.round(), higher.node()));
        setRole(Role.FOLLOWER, higher.round());
        leaderHint = Optional.of(higher.node());
        proposer.onPreempted();
        leader.onPreempted();
        reconfiguration.onSteppedDown();
        ctx.cancelTimer(HEARTBEAT_TIMER);
        ctx.cancelTimer(RETRANSMIT_TIMER);
        // Dueling proposers: a random back-off on top of the timeout lets one of them finish phase 1.
        long backoff = options.backoffMaxNs() == 0 ? 0 : ctx.random().nextLong(options.backoffMaxNs() + 1);
        resetElectionTimer(backoff);
    }

    /**
     * The configuration that now governs the next slot does not include this leader (or candidate):
     * it may propose nothing more ("Paxos Made Moderately Complex" §3: the old configuration's leaders
     * stop at slot i + α), so it stops leading; a member's election timer, no longer reset by its
     * heartbeats, starts the new configuration's phase 1.
     */
    void handOver() {
        setRole(Role.FOLLOWER, ballot.round());
        leaderHint = Optional.empty();
        proposer.onPreempted();
        leader.onPreempted();
        reconfiguration.onSteppedDown();
        ctx.cancelTimer(HEARTBEAT_TIMER);
        ctx.cancelTimer(RETRANSMIT_TIMER);
        resetElectionTimer(0);
    }

    void setRole(Role to, long round) {
        if (to != role) ctx.emit(new ProtocolEvent.RoleChanged(role, to, round));
        role = to;
    }

    /** The next ballot this node tries must beat every round it has seen. */
    void noteRound(Ballot b) {
        highestRoundSeen = Math.max(highestRoundSeen, b.round());
    }

    void resetElectionTimer(long extra) {
        long spread = options.electionMaxNs() - options.electionMinNs();
        long timeout = options.electionMinNs() + (spread == 0 ? 0 : ctx.random().nextLong(spread + 1));
        ctx.startTimer(ELECTION_TIMER, timeout + extra);
    }

    // ---- shared by the roles ----

    /** An answer to {@code to}; this node answers its own proposer directly, without the network. */
    void reply(NodeId to, PaxosMessage m) {
        if (to.equals(ctx.self())) {
            onMessage(to, m);
        } else {
            ctx.send(to, m);
        }
    }

    /**
     * Compaction: every node has slots up to {@code slot} in its durable snapshot, so no node will
     * ask for them again (a restart resumes from its snapshot, and a new leader prepares from its
     * first unchosen slot, beyond its snapshot): acceptor and learner may forget them.
     */
    void forgetThrough(long slot) {
        long through = Math.min(slot, learner.snapshotIndex());
        if (through <= acceptor.forgottenThrough()) return;
        acceptor.forgetThrough(through);
        learner.forgetThrough(through);
        ctx.emit(new ProtocolEvent.SlotsForgotten(through));
    }

    Role role() {
        return role;
    }
}
