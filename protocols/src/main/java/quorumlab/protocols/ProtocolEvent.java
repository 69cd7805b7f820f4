package quorumlab.protocols;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;

/**
 * What a node tells observers about its protocol's progress. The analysis and the safety checkers
 * read only these (through the trace), so both protocols report the same things the same way.
 *
 * <p>{@code term} is the Raft term, or for Multi-Paxos the round of the ballot {@code (round,
 * node)}; the ballot's node is the proposer that owns it. {@code command} is {@link Command#id()}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.SIMPLE_NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(ProtocolEvent.RoleChanged.class),
    @JsonSubTypes.Type(ProtocolEvent.ElectionStarted.class),
    @JsonSubTypes.Type(ProtocolEvent.LeaderEstablished.class),
    @JsonSubTypes.Type(ProtocolEvent.VoteGranted.class),
    @JsonSubTypes.Type(ProtocolEvent.VoteDenied.class),
    @JsonSubTypes.Type(ProtocolEvent.Preempted.class),
    @JsonSubTypes.Type(ProtocolEvent.EntryAppended.class),
    @JsonSubTypes.Type(ProtocolEvent.LogTruncated.class),
    @JsonSubTypes.Type(ProtocolEvent.AppendRejected.class),
    @JsonSubTypes.Type(ProtocolEvent.ValueAccepted.class),
    @JsonSubTypes.Type(ProtocolEvent.SlotChosen.class),
    @JsonSubTypes.Type(ProtocolEvent.EntryCommitted.class),
    @JsonSubTypes.Type(ProtocolEvent.EntryApplied.class),
    @JsonSubTypes.Type(ProtocolEvent.GapOpened.class),
    @JsonSubTypes.Type(ProtocolEvent.GapClosed.class),
    @JsonSubTypes.Type(ProtocolEvent.NoOpProposed.class),
    @JsonSubTypes.Type(ProtocolEvent.SnapshotTaken.class),
    @JsonSubTypes.Type(ProtocolEvent.SnapshotInstalled.class),
    @JsonSubTypes.Type(ProtocolEvent.SlotsForgotten.class),
    @JsonSubTypes.Type(ProtocolEvent.StateMachineRestored.class),
    @JsonSubTypes.Type(ProtocolEvent.ConfigurationChanged.class),
    @JsonSubTypes.Type(ProtocolEvent.MembershipChangeRefused.class),
    @JsonSubTypes.Type(ProtocolEvent.MembershipChangeCommitted.class),
    @JsonSubTypes.Type(ProtocolEvent.LearnerCaughtUp.class),
})
public sealed interface ProtocolEvent {

    /** The node now plays {@code role} in {@code term}. */
    record RoleChanged(Role from, Role to, long term) implements ProtocolEvent {}

    /**
     * A node starts trying to lead: a Raft candidate (or pre-candidate) begins an election for
     * {@code term}; a Paxos proposer sends {@code Prepare} for a ballot of round {@code term}.
     * Counting these gives the terms or ballots tried.
     */
    record ElectionStarted(long term, boolean preVote) implements ProtocolEvent {}

    /**
     * The node became leader: a Raft candidate won a majority of votes; a Paxos proposer completed
     * phase 1 with a quorum of promises.
     */
    record LeaderEstablished(long term) implements ProtocolEvent {}

    record VoteGranted(NodeId candidate, long term, boolean preVote) implements ProtocolEvent {}

    record VoteDenied(NodeId candidate, long term, boolean preVote, String reason) implements ProtocolEvent {}

    /** A leader or candidate stopped, having seen the higher {@code byTerm} (term or ballot round). */
    record Preempted(long term, long byTerm, NodeId by) implements ProtocolEvent {}

    /** Raft: the entry now stands at {@code index} in this node's log (leader or follower). */
    record EntryAppended(long index, long term, String command) implements ProtocolEvent {}

    /** Raft: entries from {@code fromIndex} on were removed because they conflicted with the leader's. */
    record LogTruncated(long fromIndex, long count) implements ProtocolEvent {}

    /** Raft: this follower refused an {@code AppendEntries} (stale term or failed consistency check). */
    record AppendRejected(NodeId leader, long term, long prevLogIndex, String reason) implements ProtocolEvent {}

    /** Paxos: this acceptor accepted {@code command} for {@code slot} in ballot {@code (term, proposer)}. */
    record ValueAccepted(long slot, long term, NodeId proposer, String command) implements ProtocolEvent {}

    /** Paxos: this node learned that {@code command} is chosen for {@code slot} (maybe out of order). */
    record SlotChosen(long slot, long term, String command) implements ProtocolEvent {}

    /** Raft: this node learned that the entry at {@code index} is committed (its commitIndex passed it). */
    record EntryCommitted(long index, long term, String command) implements ProtocolEvent {}

    /** The state machine applied the entry at {@code index}; emitted by the runtime, never by a protocol. */
    record EntryApplied(long index, String command) implements ProtocolEvent {}

    /**
     * Paxos: {@code chosenSlot} was chosen while slots {@code [firstOpen, chosenSlot)} are not all
     * chosen, so it must wait to be applied (head-of-line blocking).
     */
    record GapOpened(long firstOpen, long chosenSlot) implements ProtocolEvent {}

    /** Paxos: every slot up to {@code upTo} is now chosen; the gap that began at {@code firstOpen} is closed. */
    record GapClosed(long firstOpen, long upTo) implements ProtocolEvent {}

    /** Paxos: a new leader proposes a no-op to fill a hole at {@code slot}. */
    record NoOpProposed(long slot, long term) implements ProtocolEvent {}

    /**
     * The node saved its state machine as of {@code index} in a durable snapshot. Raft: the log up
     * to {@code index} is discarded, and {@code term} is the term of the entry there (§7). Paxos:
     * {@code term} is 0; the decided slots are forgotten later, see {@link SlotsForgotten}.
     */
    record SnapshotTaken(long index, long term) implements ProtocolEvent {}

    /**
     * Raft: a follower installed its leader's snapshot, whose last entry is {@code index} of
     * {@code term} (§7, InstallSnapshot). Its log keeps only what follows a matching entry there.
     */
    record SnapshotInstalled(long index, long term) implements ProtocolEvent {}

    /**
     * Paxos: this node's acceptor and learner forgot every slot up to {@code throughSlot}, which
     * every node has in its durable snapshot (compaction).
     */
    record SlotsForgotten(long throughSlot) implements ProtocolEvent {}

    /** The state machine was replaced by a snapshot as of {@code index}; emitted by the runtime. */
    record StateMachineRestored(long index) implements ProtocolEvent {}

    /**
     * This node's configuration changed. Raft: a configuration entry at {@code index} was appended
     * ({@code committed} false; it takes effect at once, thesis §4.1) or committed; during joint
     * consensus (§6) {@code oldVoters} is C_old and {@code voters} C_new, otherwise {@code oldVoters}
     * is empty. Paxos: the configuration command chosen in slot {@code index} ({@code committed}
     * true) governs slots from {@code effectiveFrom} = index + α on. Raft sets {@code effectiveFrom}
     * to {@code index}.
     */
    record ConfigurationChanged(long index, long effectiveFrom, List<NodeId> voters, List<NodeId> oldVoters, boolean committed)
            implements ProtocolEvent {}

    /** The node refused membership change {@code changeId} (not the leader, a change in progress, ...). */
    record MembershipChangeRefused(long changeId, String reason) implements ProtocolEvent {}

    /** Membership change {@code changeId} took effect: {@code voters} is the configuration it made, now committed. */
    record MembershipChangeCommitted(long changeId, List<NodeId> voters) implements ProtocolEvent {}

    /**
     * The leader judged new server {@code learner} caught up after {@code rounds} replication rounds
     * and {@code entries} entries sent (thesis §4.2.1), so the change that adds it may proceed.
     */
    record LearnerCaughtUp(NodeId learner, long rounds, long entries) implements ProtocolEvent {}
}
