package quorumlab.paxos;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import quorumlab.paxos.PaxosMessage.Accept;
import quorumlab.paxos.PaxosMessage.Accepted;
import quorumlab.paxos.PaxosMessage.AcceptedValue;
import quorumlab.paxos.PaxosMessage.CatchUp;
import quorumlab.paxos.PaxosMessage.Chosen;
import quorumlab.paxos.PaxosMessage.Heartbeat;
import quorumlab.paxos.PaxosMessage.Nack;
import quorumlab.paxos.PaxosMessage.Prepare;
import quorumlab.paxos.PaxosMessage.Promise;
import quorumlab.paxos.PaxosMessage.SlotValue;
import quorumlab.protocols.ClientReply;
import quorumlab.protocols.ClientRequest;
import quorumlab.protocols.Command;
import quorumlab.protocols.Message;
import quorumlab.protocols.NoOp;
import quorumlab.protocols.Node;
import quorumlab.protocols.NodeContext;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.Result;
import quorumlab.protocols.Role;

/**
 * One Multi-Paxos node: proposer, acceptor and learner at once. The proposer that completes phase 1
 * for a ballot leads: it runs phase 2 for new slots without repeating phase 1 until preempted.
 */
final class PaxosNode implements Node {
    static final String ELECTION_TIMER = "election";
    static final String HEARTBEAT_TIMER = "heartbeat";
    static final String RETRANSMIT_TIMER = "retransmit";
    private static final int CATCH_UP_BATCH = 64;

    private final NodeContext ctx;
    private final PaxosOptions options;
    private final AcceptorState acceptor;
    private final Learner learner;

    private Role role = Role.FOLLOWER;
    /** The ballot this node proposes with (phase 1 or leading). */
    private Ballot ballot = Ballot.ZERO;
    private long highestRoundSeen;
    private Optional<NodeId> leaderHint = Optional.empty();

    // phase 1
    private long prepareFrom;
    private final Map<NodeId, Promise> promises = new HashMap<>();

    // phase 2 (leader only)
    private long nextSlot;
    private final TreeMap<Long, Command> outstanding = new TreeMap<>();
    private final Map<Long, Set<NodeId>> votes = new HashMap<>();
    private final ArrayDeque<ClientRequest> waiting = new ArrayDeque<>();

    /** Requests this node received, answered once their command is applied here. */
    private final Map<String, ClientRequest> pendingReplies = new HashMap<>();

    /** How far each node's durable snapshot reaches, as its Accepted messages report (compaction). */
    private final Map<NodeId, Long> snapshotOf = new HashMap<>();

    PaxosNode(NodeContext ctx, PaxosOptions options) {
        this.ctx = ctx;
        this.options = options;
        this.acceptor = new AcceptorState(ctx.store());
        this.learner = new Learner(ctx, options.snapshotEveryEntries(), this::onApplied);
    }

    @Override
    public void onStart() {
        highestRoundSeen = acceptor.promised().round();
        learner.recover();
        resetElectionTimer(0);
    }

    @Override
    public void onMessage(NodeId from, Message message) {
        if (message instanceof Prepare p) onPrepare(from, p);
        else if (message instanceof Promise p) onPromise(from, p);
        else if (message instanceof Accept a) onAccept(from, a);
        else if (message instanceof Accepted a) onAccepted(from, a);
        else if (message instanceof Nack n) onNack(n);
        else if (message instanceof Chosen c) onChosen(c);
        else if (message instanceof Heartbeat h) onHeartbeat(from, h);
        else if (message instanceof CatchUp c) onCatchUp(from, c);
    }

    @Override
    public void onTimer(String name) {
        switch (name) {
            case ELECTION_TIMER -> onElectionTimeout();
            case HEARTBEAT_TIMER -> onHeartbeatTimer();
            case RETRANSMIT_TIMER -> onRetransmitTimer();
            default -> { }
        }
    }

    // ---- clients ----

    @Override
    public void onClientRequest(ClientRequest request) {
        if (role != Role.LEADER) {
            ctx.reply(new ClientReply.NotLeader(request.clientId(), request.seq(), leaderHint));
            return;
        }
        // Reads go through the log like writes; a retried (clientId, seq) is proposed again and the
        // state machine answers it from its record instead of applying it twice.
        pendingReplies.put(request.id(), request);
        waiting.add(request);
        proposeWaiting();
    }

    private void onApplied(long index, Command command, Result result) {
        if (command instanceof ClientRequest r) {
            ClientRequest pending = pendingReplies.remove(r.id());
            if (pending != null) {
                ctx.reply(new ClientReply.Committed(r.clientId(), r.seq(), index, result));
            }
        }
    }

    // ---- phase 1: proposer ----

    /** No heartbeat from a leader in time: try to lead with a higher ballot (phase 1a). */
    void onElectionTimeout() {
        if (role == Role.LEADER) return;
        setRole(Role.CANDIDATE, highestRoundSeen + 1);
        ballot = new Ballot(highestRoundSeen + 1, ctx.self());
        highestRoundSeen = ballot.round();
        prepareFrom = learner.firstUnchosen();
        promises.clear();
        ctx.emit(new ProtocolEvent.ElectionStarted(ballot.round(), false));
        resetElectionTimer(0);
        Prepare prepare = new Prepare(ballot, prepareFrom);
        ctx.broadcast(prepare);
        onPrepare(ctx.self(), prepare);
    }

    /** Phase 1b at the acceptor. */
    void onPrepare(NodeId from, Prepare p) {
        noteRound(p.ballot());
        if (p.ballot().compareTo(acceptor.promised()) >= 0) {
            if (p.ballot().greaterThan(ballot) && role != Role.FOLLOWER) {
                stepDown(p.ballot());
            }
            acceptor.promise(p.ballot());
            reply(from, new Promise(p.ballot(), acceptor.acceptedFrom(p.fromSlot())));
        } else {
            reply(from, new Nack(p.ballot(), acceptor.promised()));
        }
    }

    void onPromise(NodeId from, Promise p) {
        if (role != Role.CANDIDATE || !p.ballot().equals(ballot)) return;
        promises.put(from, p);
        if (promises.size() >= ctx.cluster().majority()) {
            becomeLeader();
        }
    }

    /**
     * A quorum promised: for every slot from prepareFrom on, re-propose the value accepted in the
     * highest ballot any promise reports ("Paxos Made Simple" §2.2, P2c), and fill every hole below
     * the highest such slot with a no-op so that later slots can be applied.
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
        setRole(Role.LEADER, ballot.round());
        leaderHint = Optional.of(ctx.self());
        ctx.emit(new ProtocolEvent.LeaderEstablished(ballot.round()));
        ctx.cancelTimer(ELECTION_TIMER);
        outstanding.clear();
        votes.clear();
        long highest = Math.max(recovered.isEmpty() ? 0 : recovered.lastKey(), learner.highestChosen());
        for (long slot = prepareFrom; slot <= highest; slot++) {
            if (learner.isChosen(slot)) continue;
            AcceptedValue v = recovered.get(slot);
            Command command = v != null ? v.command() : NoOp.INSTANCE;
            if (v == null) ctx.emit(new ProtocolEvent.NoOpProposed(slot, ballot.round()));
            outstanding.put(slot, command);
        }
        nextSlot = highest + 1;
        sendAccepts(new ArrayList<>(outstanding.keySet()));
        onHeartbeatTimer();
        ctx.startTimer(RETRANSMIT_TIMER, options.retransmitNs());
        proposeWaiting();
    }

    // ---- phase 2: leader ----

    /** Assigns slots to waiting requests while the pipeline window has room. */
    private void proposeWaiting() {
        if (role != Role.LEADER) return;
        List<Long> fresh = new ArrayList<>();
        while (!waiting.isEmpty() && outstanding.size() < options.window()) {
            long slot = nextSlot++;
            outstanding.put(slot, waiting.poll());
            fresh.add(slot);
        }
        sendAccepts(fresh);
    }

    /** Sends Accept for {@code slots}, at most maxBatch values per message, to every acceptor. */
    private void sendAccepts(List<Long> slots) {
        for (int i = 0; i < slots.size(); i += options.maxBatch()) {
            List<SlotValue> batch = new ArrayList<>();
            for (long slot : slots.subList(i, Math.min(slots.size(), i + options.maxBatch()))) {
                batch.add(new SlotValue(slot, outstanding.get(slot)));
            }
            Accept accept = new Accept(ballot, batch);
            ctx.broadcast(accept);
            onAccept(ctx.self(), accept);
        }
    }

    /** Phase 2b at the acceptor: accept unless a higher ballot was promised. */
    void onAccept(NodeId from, Accept a) {
        noteRound(a.ballot());
        if (a.ballot().compareTo(acceptor.promised()) < 0) {
            reply(from, new Nack(a.ballot(), acceptor.promised()));
            return;
        }
        if (a.ballot().greaterThan(acceptor.promised())) acceptor.promise(a.ballot());
        if (!from.equals(ctx.self())) {
            if (role != Role.FOLLOWER && a.ballot().greaterThan(ballot)) stepDown(a.ballot());
            followLeader(from);
        }
        List<Long> slots = new ArrayList<>();
        for (SlotValue v : a.values()) {
            // A late copy of an Accept for a slot long chosen and forgotten: nothing to keep.
            if (v.slot() <= acceptor.forgottenThrough()) continue;
            acceptor.accept(v.slot(), a.ballot(), v.command());
            ctx.emit(new ProtocolEvent.ValueAccepted(v.slot(), a.ballot().round(), a.ballot().node(), v.command().id()));
            slots.add(v.slot());
        }
        reply(from, new Accepted(a.ballot(), slots, learner.snapshotIndex()));
    }

    void onAccepted(NodeId from, Accepted a) {
        if (a.snapshotIndex() > snapshotOf.getOrDefault(from, 0L)) snapshotOf.put(from, a.snapshotIndex());
        if (role != Role.LEADER || !a.ballot().equals(ballot)) return;
        List<SlotValue> decided = new ArrayList<>();
        for (long slot : a.slots()) {
            Command command = outstanding.get(slot);
            if (command == null) continue;
            Set<NodeId> voters = votes.computeIfAbsent(slot, s -> new HashSet<>());
            voters.add(from);
            if (voters.size() >= ctx.cluster().majority()) {
                outstanding.remove(slot);
                votes.remove(slot);
                decided.add(new SlotValue(slot, command));
            }
        }
        if (decided.isEmpty()) return;
        Chosen chosen = new Chosen(ballot, decided, false);
        ctx.broadcast(chosen);
        onChosen(chosen);
        proposeWaiting();
    }

    void onNack(Nack n) {
        noteRound(n.promised());
        if (role != Role.FOLLOWER && n.rejected().equals(ballot) && n.promised().greaterThan(ballot)) {
            stepDown(n.promised());
        }
    }

    /** Resends Accept for every slot still outstanding: messages may have been lost. */
    private void onRetransmitTimer() {
        if (role != Role.LEADER) return;
        sendAccepts(new ArrayList<>(outstanding.keySet()));
        ctx.startTimer(RETRANSMIT_TIMER, options.retransmitNs());
    }

    private void onHeartbeatTimer() {
        if (role != Role.LEADER) return;
        long forget = everyNodesSnapshot();
        ctx.broadcast(new Heartbeat(ballot, learner.firstUnchosen(), forget));
        forgetThrough(forget);
        ctx.startTimer(HEARTBEAT_TIMER, options.heartbeatNs());
    }

    /** The lowest snapshot index over all nodes, as far as this leader has heard (reports only grow). */
    private long everyNodesSnapshot() {
        long lowest = learner.snapshotIndex();
        for (NodeId peer : ctx.cluster().peersOf(ctx.self())) {
            lowest = Math.min(lowest, snapshotOf.getOrDefault(peer, 0L));
        }
        return lowest;
    }

    /**
     * Compaction: every node has slots up to {@code slot} in its durable snapshot, so no node will
     * ask for them again (a restart resumes from its snapshot, and a new leader prepares from its
     * first unchosen slot, beyond its snapshot): acceptor and learner may forget them.
     */
    private void forgetThrough(long slot) {
        long through = Math.min(slot, learner.snapshotIndex());
        if (through <= acceptor.forgottenThrough()) return;
        acceptor.forgetThrough(through);
        learner.forgetThrough(through);
        ctx.emit(new ProtocolEvent.SlotsForgotten(through));
    }

    // ---- learner ----

    void onChosen(Chosen c) {
        for (SlotValue v : c.values()) {
            learner.onChosen(v.slot(), v.command(), c.ballot().round());
        }
    }

    void onHeartbeat(NodeId from, Heartbeat h) {
        noteRound(h.ballot());
        if (h.ballot().compareTo(acceptor.promised()) < 0) return;
        if (role != Role.FOLLOWER && h.ballot().greaterThan(ballot)) stepDown(h.ballot());
        followLeader(from);
        if (learner.firstUnchosen() < h.firstUnchosen()) {
            ctx.send(from, new CatchUp(learner.firstUnchosen()));
        }
        forgetThrough(h.forgetThrough());
    }

    /** A learner missed decisions (lost Chosen, or a restart): resend the ones this node knows. */
    void onCatchUp(NodeId from, CatchUp c) {
        List<SlotValue> values = new ArrayList<>();
        for (long slot = c.fromSlot(); slot < c.fromSlot() + CATCH_UP_BATCH; slot++) {
            Command command = learner.chosenAt(slot);
            if (command != null) values.add(new SlotValue(slot, command));
        }
        if (!values.isEmpty()) ctx.send(from, new Chosen(ballot, values, true));
    }

    // ---- roles ----

    private void followLeader(NodeId leader) {
        leaderHint = Optional.of(leader);
        if (role != Role.LEADER) resetElectionTimer(0);
    }

    /** A higher ballot exists: stop leading or preparing, and wait before trying again. */
    private void stepDown(Ballot higher) {
        ctx.emit(new ProtocolEvent.Preempted(ballot.round(), higher.round(), higher.node()));
        setRole(Role.FOLLOWER, higher.round());
        leaderHint = Optional.of(higher.node());
        promises.clear();
        outstanding.clear();
        votes.clear();
        waiting.clear();
        ctx.cancelTimer(HEARTBEAT_TIMER);
        ctx.cancelTimer(RETRANSMIT_TIMER);
        // Dueling proposers: a random back-off on top of the timeout lets one of them finish phase 1.
        long backoff = options.backoffMaxNs() == 0 ? 0 : ctx.random().nextLong(options.backoffMaxNs() + 1);
        resetElectionTimer(backoff);
    }

    private void setRole(Role to, long round) {
        if (to != role) ctx.emit(new ProtocolEvent.RoleChanged(role, to, round));
        role = to;
    }

    private void noteRound(Ballot b) {
        highestRoundSeen = Math.max(highestRoundSeen, b.round());
    }

    private void resetElectionTimer(long extra) {
        long spread = options.electionMaxNs() - options.electionMinNs();
        long timeout = options.electionMinNs() + (spread == 0 ? 0 : ctx.random().nextLong(spread + 1));
        ctx.startTimer(ELECTION_TIMER, timeout + extra);
    }

    private void reply(NodeId to, PaxosMessage m) {
        if (to.equals(ctx.self())) {
            onMessage(to, m);
        } else {
            ctx.send(to, m);
        }
    }

    Role role() {
        return role;
    }
}
