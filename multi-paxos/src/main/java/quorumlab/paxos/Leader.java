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
import quorumlab.paxos.PaxosMessage.Chosen;
import quorumlab.paxos.PaxosMessage.Heartbeat;
import quorumlab.paxos.PaxosMessage.Prepare;
import quorumlab.paxos.PaxosMessage.Promise;
import quorumlab.paxos.PaxosMessage.SlotValue;
import quorumlab.protocols.ClientRequest;
import quorumlab.protocols.Command;
import quorumlab.protocols.ConfigurationCommand;
import quorumlab.protocols.NoOp;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.Role;

/**
 * Phase 2 of the leader: a proposer whose phase 1 succeeded proposes values for new slots with
 * Accept alone ("Paxos Made Simple" §3), many slots in flight at once (the pipeline window, as the
 * leader's commanders in "Paxos Made Moderately Complex"), and tells every learner what a majority
 * accepted. It also keeps the others from starting phase 1 (heartbeats) and resends what may be lost.
 *
 * <p>Across configurations ({@link Reconfiguration}): a slot is proposed only once this node knows
 * its configuration (below first unchosen + α) and holds promises from a majority of that
 * configuration covering the slot; its Accept goes to that configuration's acceptors and only their
 * Accepted count. A configuration learned while leading gets a phase 1 of its own, in the same
 * ballot, with its acceptors ("Paxos Made Moderately Complex" §3: the new configuration's leader runs
 * phase 1 with the new acceptors).
 */
final class Leader {
    private final PaxosNode node;
    private long nextSlot;
    /** Slots proposed in this ballot and not yet chosen, with their values. */
    private final TreeMap<Long, Command> outstanding = new TreeMap<>();
    /** Who accepted each outstanding slot in this ballot. */
    private final Map<Long, Set<NodeId>> votes = new HashMap<>();
    /** Values waiting for room in the window (client commands; a configuration command goes first). */
    private final ArrayDeque<Command> waiting = new ArrayDeque<>();
    /** How far each node's durable snapshot reaches, as its Accepted messages report (compaction). */
    private final Map<NodeId, Long> snapshotOf = new HashMap<>();
    /** This ballot's promises, by acceptor; each counts for the slots from its fromSlot on. */
    private final Map<NodeId, Promise> promises = new HashMap<>();
    /** Per slot not yet proposed, the value of the highest ballot any promise reported (P2c). */
    private final TreeMap<Long, AcceptedValue> recovered = new TreeMap<>();
    /** Open slots up to here are re-proposed (recovered) or filled with no-ops before new commands. */
    private long recoverThrough;
    /**
     * Free slots below here get no-ops, so a chosen configuration takes effect without waiting for
     * client commands to fill the α slots before it.
     */
    private long flushBelow;

    Leader(PaxosNode node) {
        this.node = node;
    }

    /**
     * Phase 1 succeeded: lead. Every open slot from {@code prepareFrom} up to the highest one the
     * promises report (or this node knows chosen) is proposed again: with the value of the highest
     * ballot reported there (P2c), or a no-op, so later slots can be applied.
     */
    void onElected(long prepareFrom, Map<NodeId, Promise> received) {
        node.setRole(Role.LEADER, node.ballot.round());
        node.leaderHint = Optional.of(node.ctx.self());
        node.ctx.emit(new ProtocolEvent.LeaderEstablished(node.ballot.round()));
        node.ctx.cancelTimer(PaxosNode.ELECTION_TIMER);
        outstanding.clear();
        votes.clear();
        promises.clear();
        recovered.clear();
        nextSlot = prepareFrom;
        recoverThrough = node.learner.highestChosen();
        // A configuration chosen under an earlier leader may still wait for its first slot.
        flushBelow = node.reconfiguration.latest().effectiveFrom();
        received.forEach(this::addPromise);
        proposeWaiting();
        onHeartbeatTimer();
        node.ctx.startTimer(PaxosNode.RETRANSMIT_TIMER, node.options.retransmitNs());
    }

    /** A promise for this ballot after phase 1 ended: from an acceptor of a configuration learned since. */
    void onPromise(NodeId from, Promise p) {
        addPromise(from, p);
        proposeWaiting();
    }

    private void addPromise(NodeId from, Promise p) {
        Promise before = promises.get(from);
        if (before == null || p.fromSlot() < before.fromSlot()) promises.put(from, p);
        for (AcceptedValue v : p.accepted()) {
            if (v.slot() < nextSlot) continue;
            AcceptedValue known = recovered.get(v.slot());
            if (known == null || v.ballot().greaterThan(known.ballot())) recovered.put(v.slot(), v);
            recoverThrough = Math.max(recoverThrough, v.slot());
        }
    }

    /** Whether a majority of {@code slot}'s configuration promised this ballot for it (phase 1 done there). */
    private boolean prepared(long slot) {
        Configuration c = node.reconfiguration.at(slot);
        int count = 0;
        for (NodeId m : c.members()) {
            Promise p = promises.get(m);
            if (p != null && p.fromSlot() <= slot) count++;
        }
        return count >= c.majority();
    }

    /** A client's request: it gets a slot as soon as the window has room. */
    void propose(ClientRequest request) {
        waiting.add(request);
        proposeWaiting();
    }

    /** A configuration command (one at a time, {@link Reconfiguration}): ahead of the waiting commands. */
    void proposeFirst(ConfigurationCommand r) {
        waiting.addFirst(r);
        proposeWaiting();
    }

    /** Whether a configuration command is proposed or recovered here and not yet chosen. */
    boolean reconfigurationOutstanding() {
        return outstanding.values().stream().anyMatch(c -> c instanceof ConfigurationCommand)
                || waiting.stream().anyMatch(c -> c instanceof ConfigurationCommand)
                || recovered.values().stream().anyMatch(v -> v.command() instanceof ConfigurationCommand);
    }

    /**
     * Assigns slots while the window has room: a slot below first unchosen + α ("Paxos Made
     * Moderately Complex": slot_in &lt; slot_out + WINDOW, so its configuration is known) that phase 1
     * covers. Recovered slots and holes first, then waiting values, then no-ops up to a new
     * configuration's first slot.
     */
    private void proposeWaiting() {
        if (node.role != Role.LEADER) return;
        List<Long> fresh = new ArrayList<>();
        while (true) {
            // A chosen slot is passed over before asking for promises: a leader elected with the
            // acceptors of its old first open slot may hold none from a configuration whose slots
            // were all chosen since, and its phase 1 with new acceptors covers only the open slots.
            while (node.learner.isChosen(nextSlot)) recovered.remove(nextSlot++);
            if (!node.reconfiguration.known(nextSlot) || !prepared(nextSlot)) break;
            long slot = nextSlot;
            Command value;
            if (slot <= recoverThrough) {
                AcceptedValue v = recovered.remove(slot);
                value = v != null ? v.command() : noOp(slot);
            } else if (!waiting.isEmpty()) {
                value = waiting.poll();
            } else if (slot < flushBelow) {
                value = noOp(slot);
            } else {
                break;
            }
            outstanding.put(slot, value);
            fresh.add(slot);
            nextSlot++;
        }
        sendAccepts(fresh);
    }

    private Command noOp(long slot) {
        node.ctx.emit(new ProtocolEvent.NoOpProposed(slot, node.ballot.round()));
        return NoOp.INSTANCE;
    }

    /**
     * Phase 2a: Accept for {@code slots}, at most maxBatch values per message, to the acceptors of the
     * slots' configuration (a batch never spans two).
     */
    private void sendAccepts(List<Long> slots) {
        List<SlotValue> batch = new ArrayList<>();
        Configuration batchConfig = null;
        for (long slot : slots) {
            Configuration c = node.reconfiguration.at(slot);
            if (!batch.isEmpty() && (c != batchConfig || batch.size() == node.options.maxBatch())) {
                sendAccept(batchConfig, batch);
                batch = new ArrayList<>();
            }
            batch.add(new SlotValue(slot, outstanding.get(slot)));
            batchConfig = c;
        }
        if (!batch.isEmpty()) sendAccept(batchConfig, batch);
    }

    private void sendAccept(Configuration c, List<SlotValue> batch) {
        Accept accept = new Accept(node.ballot, batch);
        for (NodeId acceptor : c.members()) {
            if (!acceptor.equals(node.ctx.self())) node.ctx.send(acceptor, accept);
        }
        if (c.contains(node.ctx.self())) node.acceptor.onAccept(node.ctx.self(), accept);
    }

    /**
     * Phase 2b arrives: a slot that a majority of its configuration accepted in this ballot is chosen
     * ("Paxos Made Simple" §2.3: the leader tells the learners).
     */
    void onAccepted(NodeId from, Accepted a) {
        if (a.snapshotIndex() > snapshotOf.getOrDefault(from, 0L)) snapshotOf.put(from, a.snapshotIndex());
        if (node.role != Role.LEADER || !a.ballot().equals(node.ballot)) return;
        List<SlotValue> decided = new ArrayList<>();
        for (long slot : a.slots()) {
            Command value = outstanding.get(slot);
            Configuration c = node.reconfiguration.at(slot);
            if (value == null || !c.contains(from)) continue;
            Set<NodeId> voters = votes.computeIfAbsent(slot, s -> new HashSet<>());
            voters.add(from);
            if (voters.size() >= c.majority()) {
                outstanding.remove(slot);
                votes.remove(slot);
                decided.add(new SlotValue(slot, value));
            }
        }
        if (decided.isEmpty()) return;
        Chosen chosen = new Chosen(node.ballot, decided, false);
        node.sendToPeers(chosen);
        node.learner.onChosen(chosen);
        proposeWaiting();
    }

    /**
     * The configuration command of slot i was chosen: fill the slots before i + α with no-ops so it
     * takes effect soon, and run phase 1 with its acceptors for the slots from i + α on.
     */
    void onConfigurationChosen(Configuration c) {
        flushBelow = Math.max(flushBelow, c.effectiveFrom());
        prepareNewAcceptors();
    }

    /**
     * Phase 1a, this ballot, to the acceptors of a configuration from the open slots on that lacks a
     * majority of promises, those that have not promised for its slots; this node's own promise
     * covers every slot from its Prepare on.
     */
    private void prepareNewAcceptors() {
        for (Configuration c : node.reconfiguration.fromOpenSlots()) {
            long from = Math.max(c.effectiveFrom(), node.learner.firstUnchosen());
            if (prepared(from)) continue;
            for (NodeId acceptor : c.members()) {
                Promise p = promises.get(acceptor);
                if (acceptor.equals(node.ctx.self()) || (p != null && p.fromSlot() <= from)) continue;
                node.ctx.send(acceptor, new Prepare(node.ballot, from));
            }
        }
    }

    /** Resends Accept for every slot still outstanding, and Prepare to new acceptors: messages may be lost. */
    void onRetransmitTimer() {
        if (node.role != Role.LEADER) return;
        sendAccepts(new ArrayList<>(outstanding.keySet()));
        prepareNewAcceptors();
        node.ctx.startTimer(PaxosNode.RETRANSMIT_TIMER, node.options.retransmitNs());
    }

    /** Tells the others this leader is alive, and what every member has in a snapshot. */
    void onHeartbeatTimer() {
        if (node.role != Role.LEADER) return;
        long forget = everyMembersSnapshot();
        Heartbeat heartbeat = new Heartbeat(node.ballot, node.learner.firstUnchosen(), forget);
        for (NodeId peer : node.reconfiguration.audience()) node.ctx.send(peer, heartbeat);
        node.forgetThrough(forget);
        node.reconfiguration.onHeartbeatTimer();
        node.ctx.startTimer(PaxosNode.HEARTBEAT_TIMER, node.options.heartbeatNs());
    }

    /**
     * The lowest snapshot index over the members of every configuration from the open slots on, as
     * far as this leader has heard (reports only grow). A node that is no member needs no slot: a
     * joining one is sent a snapshot if it asks for what was forgotten.
     */
    private long everyMembersSnapshot() {
        long lowest = node.learner.snapshotIndex();
        for (NodeId member : node.reconfiguration.members()) {
            if (!member.equals(node.ctx.self())) lowest = Math.min(lowest, snapshotOf.getOrDefault(member, 0L));
        }
        return lowest;
    }

    /**
     * Preempted (or handing over): what this ballot proposed and had not chosen is dropped; a later
     * leader's phase 1 finds whatever a majority may have accepted. Waiting requests are dropped too:
     * their clients retry at the new leader.
     */
    void onPreempted() {
        outstanding.clear();
        votes.clear();
        waiting.clear();
        promises.clear();
        recovered.clear();
        flushBelow = 0;
    }
}
