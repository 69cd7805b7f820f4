package quorumlab.paxos;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import quorumlab.protocols.ConfigurationCommand;
import quorumlab.protocols.MembershipChange;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.Role;

/**
 * Reconfiguration through the log ("Paxos Made Moderately Complex" §3, the replicas' WINDOW): a
 * configuration command chosen in slot i governs the slots from i + α on, α being the pipeline
 * window. A node therefore knows the configuration of slot s once it knows every decision up to
 * s - α, and a leader proposes nothing at or beyond its first unchosen slot + α (the replica's rule
 * slot_in &lt; slot_out + WINDOW). This class holds what this node knows of the configurations, and,
 * on the leader, the one membership change in progress: a new node first catches up as a learner
 * (the rounds of Raft thesis §4.2.1), then the configuration command is proposed; once chosen, the
 * leader fills the slots up to i + α - 1 with no-ops and runs phase 1 with the new acceptors for the
 * slots from i + α ({@link Leader#onConfigurationChosen}); a leader not in the new configuration
 * hands over once it takes effect.
 */
final class Reconfiguration {
    /** Catch-up rounds a new node gets before the change is refused (thesis §4.2.1 bounds them too). */
    static final int MAX_CATCH_UP_ROUNDS = 10;

    private final PaxosNode node;
    /** Every configuration this node knows, by the first slot it governs. */
    private final TreeMap<Long, Configuration> byFirstSlot = new TreeMap<>();

    /** The leader's change in progress, from the operator's request until it takes effect or is refused. */
    private MembershipChange pending;
    private boolean proposed;
    /**
     * A node being added: it learns as a non-member until it has caught up, then the command is
     * proposed; it hears the leader until the change takes effect.
     */
    private NodeId joining;
    private int rounds;
    private long roundTarget;
    private long roundStart;
    private long entriesSent;
    /** {@link #peers()} and {@link #audience()}, kept until the open slots' configuration, the configurations or the joining node change. */
    private Set<NodeId> peers;
    private Set<NodeId> audience;
    private Configuration audienceFrom;

    Reconfiguration(PaxosNode node) {
        this.node = node;
        byFirstSlot.put(1L, new Configuration(0, 1, 0, node.ctx.cluster().members()));
    }

    private int alpha() {
        return node.options.window();
    }

    // ---- what this node knows ----

    /** The configuration that governs {@code slot}: its acceptors vote there. */
    Configuration at(long slot) {
        return byFirstSlot.floorEntry(Math.max(1, slot)).getValue();
    }

    Configuration latest() {
        return byFirstSlot.lastEntry().getValue();
    }

    /**
     * Whether this node knows the configuration of {@code slot}: it knows every decision before its
     * first unchosen slot, so every configuration command chosen up to slot - α.
     */
    boolean known(long slot) {
        return slot < node.learner.firstUnchosen() + alpha();
    }

    /**
     * A member of the open slots' configuration or of the latest one chosen: only members start
     * phase 1. A member only of the latest may find slots of an older configuration still open (the
     * new sole member of a replace that missed a decision before the change took effect); its
     * Prepare asks their acceptors too ({@link #audience()}), so it can finish them, as an old
     * configuration's leaders would ("Paxos Made Moderately Complex" §3).
     */
    boolean isMember() {
        return at(node.learner.firstUnchosen()).contains(node.ctx.self()) || latest().contains(node.ctx.self());
    }

    /**
     * Whether a Prepare from {@code proposer} deserves a promise: it is a member of the configuration
     * of this node's open slots or of the latest one. Withholding a promise is always safe; this keeps
     * a removed node that missed its removal from deposing the leader of the new configuration.
     */
    boolean mayLead(NodeId proposer) {
        return at(node.learner.firstUnchosen()).contains(proposer) || latest().contains(proposer);
    }

    /**
     * Who hears a proposer's Prepare and the leader's Chosen: the members of every configuration from
     * the open slots on, not this node. A node catching up to join is not among them: it learns the
     * decisions in order, through CatchUp, until its configuration is chosen.
     */
    Set<NodeId> peers() {
        refresh();
        return peers;
    }

    /** Who hears the leader's Heartbeat: the {@link #peers()}, and a node catching up to join. */
    Set<NodeId> audience() {
        refresh();
        return audience;
    }

    private void refresh() {
        Configuration current = at(node.learner.firstUnchosen());
        if (audience != null && audienceFrom == current) return;
        Set<NodeId> others = new TreeSet<>(members());
        others.remove(node.ctx.self());
        peers = others;
        Set<NodeId> all = new TreeSet<>(others);
        if (joining != null) all.add(joining);
        audience = all;
        audienceFrom = current;
    }

    /** The members of every configuration from the open slots on (compaction waits for their snapshots). */
    Set<NodeId> members() {
        Set<NodeId> all = new TreeSet<>(at(node.learner.firstUnchosen()).members());
        for (Configuration c : byFirstSlot.tailMap(node.learner.firstUnchosen(), false).values()) all.addAll(c.members());
        return all;
    }

    /** The configurations from the open slots on: the leader needs promises from a majority of each. */
    List<Configuration> fromOpenSlots() {
        long first = node.learner.firstUnchosen();
        List<Configuration> out = new ArrayList<>();
        out.add(at(first));
        out.addAll(byFirstSlot.tailMap(first, false).values());
        return out;
    }

    /** What a snapshot as of {@code slot} carries: the configurations commands up to that slot made. */
    List<Configuration> chosenThrough(long slot) {
        return byFirstSlot.values().stream().filter(c -> c.chosenIn() <= slot).toList();
    }

    /** A snapshot's configurations (a restart, or a snapshot from another node, which says so). */
    void restore(List<Configuration> configurations, boolean announce) {
        for (Configuration c : configurations) {
            Configuration before = byFirstSlot.put(c.effectiveFrom(), c);
            audience = null;
            if (announce && c.chosenIn() > 0 && before == null) announce(c);
        }
    }

    /**
     * The learner learned that the configuration command {@code r} is chosen in {@code slot}: its
     * members govern the slots from slot + α on. {@code replay} after a restart, where it was said.
     */
    void onChosen(long slot, ConfigurationCommand r, boolean replay) {
        Configuration c = new Configuration(slot, slot + alpha(), r.changeId(), r.voters());
        byFirstSlot.put(c.effectiveFrom(), c);
        audience = null;
        if (replay) return;
        announce(c);
        if (node.role == Role.LEADER) node.leader.onConfigurationChosen(c);
    }

    private void announce(Configuration c) {
        node.ctx.emit(new ProtocolEvent.ConfigurationChanged(c.chosenIn(), c.effectiveFrom(), c.members(), List.of(), true));
    }

    /**
     * Slot {@code index} was applied. If the next slot is the first a new configuration governs, it
     * has taken effect: the leader reports the change done and, if it is no longer a member, hands
     * over (it may propose nothing from here on).
     */
    void onApplied(long index) {
        Configuration c = byFirstSlot.get(index + 1);
        if (c == null || c.chosenIn() == 0 || node.role != Role.LEADER) return;
        node.ctx.emit(new ProtocolEvent.MembershipChangeCommitted(c.changeId(), c.members()));
        if (pending != null && pending.id() == c.changeId()) clear();
        if (!c.contains(node.ctx.self())) node.handOver();
    }

    // ---- the leader's change in progress ----

    /** The operator's request: refused unless this node leads and no other change is in progress. */
    void onMembershipChange(MembershipChange change) {
        String refusal = refusal(change);
        if (refusal != null) {
            node.ctx.emit(new ProtocolEvent.MembershipChangeRefused(change.id(), refusal));
            return;
        }
        pending = change;
        proposed = false;
        if (change.kind() == MembershipChange.Kind.ADD) {
            joining = change.node();
            audience = null;
            rounds = 0;
            entriesSent = 0;
            startRound();
        } else {
            List<NodeId> members = new ArrayList<>(latest().members());
            members.remove(change.node());
            propose(members);
        }
    }

    private String refusal(MembershipChange change) {
        if (node.role != Role.LEADER) return "not the leader";
        if (pending != null) return "membership change " + pending.id() + " is in progress";
        Configuration latest = latest();
        if (latest.effectiveFrom() > node.learner.firstUnchosen() || node.leader.reconfigurationOutstanding()) {
            return "an earlier configuration has not taken effect yet";
        }
        if (change.kind() == MembershipChange.Kind.ADD && latest.contains(change.node())) return change.node() + " is already a member";
        if (change.kind() == MembershipChange.Kind.REMOVE && !latest.contains(change.node())) return change.node() + " is not a member";
        if (change.kind() == MembershipChange.Kind.REMOVE && latest.members().size() == 1) return "cannot remove the last member";
        return null;
    }

    private void propose(List<NodeId> members) {
        proposed = true;
        node.leader.proposeFirst(new ConfigurationCommand(pending.id(), members.stream().sorted().toList(), List.of()));
    }

    /** A round of catch-up: the joining node must reach the slot the leader has reached now. */
    private void startRound() {
        rounds++;
        roundTarget = node.learner.firstUnchosen();
        roundStart = node.ctx.now();
    }

    /**
     * The leader answered {@code from}'s CatchUp with {@code sent} entries; {@code fromSlot} says how
     * far it has learned. A round that ends within an election timeout means the node keeps up
     * (thesis §4.2.1): it may now count in a quorum, so its configuration command is proposed.
     */
    void onCatchUp(NodeId from, long fromSlot, long sent) {
        if (joining == null || !joining.equals(from) || proposed || node.role != Role.LEADER) return;
        entriesSent += sent;
        if (fromSlot < roundTarget) return;
        if (node.ctx.now() - roundStart <= node.options.electionMinNs()) {
            node.ctx.emit(new ProtocolEvent.LearnerCaughtUp(joining, rounds, entriesSent));
            List<NodeId> members = new ArrayList<>(latest().members());
            members.add(joining);
            propose(members);
        } else if (rounds >= MAX_CATCH_UP_ROUNDS) {
            refuse(joining + " did not catch up in " + rounds + " rounds");
        } else {
            startRound();
        }
    }

    /** Every heartbeat: a joining node that stopped answering (crashed, cut off) does not block changes forever. */
    void onHeartbeatTimer() {
        if (joining != null && !proposed && node.ctx.now() - roundStart > MAX_CATCH_UP_ROUNDS * node.options.electionMaxNs()) {
            refuse(joining + " did not answer while catching up");
        }
    }

    /** This node stopped leading: a change not yet proposed is refused; a proposed one may still be chosen. */
    void onSteppedDown() {
        if (pending != null && !proposed) refuse("the leader lost its ballot before proposing it");
        clear();
    }

    private void refuse(String reason) {
        node.ctx.emit(new ProtocolEvent.MembershipChangeRefused(pending.id(), reason));
        clear();
    }

    private void clear() {
        pending = null;
        proposed = false;
        joining = null;
        audience = null;
    }

    /** For tests: the configurations this node knows, by first slot. */
    Map<Long, Configuration> configurations() {
        return Map.copyOf(byFirstSlot);
    }
}
