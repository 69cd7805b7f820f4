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
import quorumlab.paxos.PaxosMessage.SlotValue;
import quorumlab.protocols.ClientRequest;
import quorumlab.protocols.Command;
import quorumlab.protocols.NoOp;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.Role;

/**
 * Phase 2 of the leader: a proposer whose phase 1 succeeded proposes values for new slots with
 * Accept alone ("Paxos Made Simple" §3), many slots in flight at once (the pipeline window, as the
 * leader's commanders in "Paxos Made Moderately Complex"), and tells every learner what a majority
 * accepted. It also keeps the others from starting phase 1 (heartbeats) and resends what may be lost.
 */
final class Leader {
    private final PaxosNode node;
    private long nextSlot;
    /** Slots proposed in this ballot and not yet chosen, with their values. */
    private final TreeMap<Long, Command> outstanding = new TreeMap<>();
    /** Who accepted each outstanding slot in this ballot. */
    private final Map<Long, Set<NodeId>> votes = new HashMap<>();
    /** Requests waiting for room in the pipeline window. */
    private final ArrayDeque<ClientRequest> waiting = new ArrayDeque<>();
    /** How far each node's durable snapshot reaches, as its Accepted messages report (compaction). */
    private final Map<NodeId, Long> snapshotOf = new HashMap<>();

    Leader(PaxosNode node) {
        this.node = node;
    }

    /**
     * Phase 1 succeeded: lead. {@code recovered} holds, per slot from {@code prepareFrom} on, the
     * value of the highest ballot the promises reported, which must be proposed again (P2c); every
     * other open slot up to the highest known gets a no-op, so later slots can be applied.
     */
    void onElected(long prepareFrom, TreeMap<Long, AcceptedValue> recovered) {
        node.setRole(Role.LEADER, node.ballot.round());
        node.leaderHint = Optional.of(node.ctx.self());
        node.ctx.emit(new ProtocolEvent.LeaderEstablished(node.ballot.round()));
        node.ctx.cancelTimer(PaxosNode.ELECTION_TIMER);
        outstanding.clear();
        votes.clear();
        long highest = Math.max(recovered.isEmpty() ? 0 : recovered.lastKey(), node.learner.highestChosen());
        for (long slot = prepareFrom; slot <= highest; slot++) {
            if (node.learner.isChosen(slot)) continue;
            AcceptedValue v = recovered.get(slot);
            Command command = v != null ? v.command() : NoOp.INSTANCE;
            if (v == null) node.ctx.emit(new ProtocolEvent.NoOpProposed(slot, node.ballot.round()));
            outstanding.put(slot, command);
        }
        nextSlot = highest + 1;
        sendAccepts(new ArrayList<>(outstanding.keySet()));
        onHeartbeatTimer();
        node.ctx.startTimer(PaxosNode.RETRANSMIT_TIMER, node.options.retransmitNs());
        proposeWaiting();
    }

    /** A client's request: it gets a slot as soon as the window has room. */
    void propose(ClientRequest request) {
        waiting.add(request);
        proposeWaiting();
    }

    /** Assigns slots to waiting requests while the pipeline window has room. */
    private void proposeWaiting() {
        if (node.role != Role.LEADER) return;
        List<Long> fresh = new ArrayList<>();
        while (!waiting.isEmpty() && outstanding.size() < node.options.window()) {
            long slot = nextSlot++;
            outstanding.put(slot, waiting.poll());
            fresh.add(slot);
        }
        sendAccepts(fresh);
    }

    /** Phase 2a: Accept for {@code slots}, at most maxBatch values per message, to every acceptor. */
    private void sendAccepts(List<Long> slots) {
        for (int i = 0; i < slots.size(); i += node.options.maxBatch()) {
            List<SlotValue> batch = new ArrayList<>();
            for (long slot : slots.subList(i, Math.min(slots.size(), i + node.options.maxBatch()))) {
                batch.add(new SlotValue(slot, outstanding.get(slot)));
            }
            Accept accept = new Accept(node.ballot, batch);
            node.ctx.broadcast(accept);
            node.acceptor.onAccept(node.ctx.self(), accept);
        }
    }

    /**
     * Phase 2b arrives: a slot that a majority accepted in this ballot is chosen ("Paxos Made Simple"
     * §2.3: the leader tells the learners).
     */
    void onAccepted(NodeId from, Accepted a) {
        if (a.snapshotIndex() > snapshotOf.getOrDefault(from, 0L)) snapshotOf.put(from, a.snapshotIndex());
        if (node.role != Role.LEADER || !a.ballot().equals(node.ballot)) return;
        List<SlotValue> decided = new ArrayList<>();
        for (long slot : a.slots()) {
            Command command = outstanding.get(slot);
            if (command == null) continue;
            Set<NodeId> voters = votes.computeIfAbsent(slot, s -> new HashSet<>());
            voters.add(from);
            if (voters.size() >= node.ctx.cluster().majority()) {
                outstanding.remove(slot);
                votes.remove(slot);
                decided.add(new SlotValue(slot, command));
            }
        }
        if (decided.isEmpty()) return;
        Chosen chosen = new Chosen(node.ballot, decided, false);
        node.ctx.broadcast(chosen);
        node.learner.onChosen(chosen);
        proposeWaiting();
    }

    /** Resends Accept for every slot still outstanding: messages may have been lost. */
    void onRetransmitTimer() {
        if (node.role != Role.LEADER) return;
        sendAccepts(new ArrayList<>(outstanding.keySet()));
        node.ctx.startTimer(PaxosNode.RETRANSMIT_TIMER, node.options.retransmitNs());
    }

    /** Tells the others this leader is alive, and what every node has in a snapshot. */
    void onHeartbeatTimer() {
        if (node.role != Role.LEADER) return;
        long forget = everyNodesSnapshot();
        node.ctx.broadcast(new Heartbeat(node.ballot, node.learner.firstUnchosen(), forget));
        node.forgetThrough(forget);
        node.ctx.startTimer(PaxosNode.HEARTBEAT_TIMER, node.options.heartbeatNs());
    }

    /** The lowest snapshot index over all nodes, as far as this leader has heard (reports only grow). */
    private long everyNodesSnapshot() {
        long lowest = node.learner.snapshotIndex();
        for (NodeId peer : node.ctx.cluster().peersOf(node.ctx.self())) {
            lowest = Math.min(lowest, snapshotOf.getOrDefault(peer, 0L));
        }
        return lowest;
    }

    /**
     * Preempted: what this ballot proposed and had not chosen is dropped; a later leader's phase 1
     * finds whatever a majority may have accepted. Waiting requests are dropped too: their clients
     * retry at the new leader.
     */
    void onPreempted() {
        outstanding.clear();
        votes.clear();
        waiting.clear();
    }
}
