package quorumlab.raft;

import java.util.Optional;
import quorumlab.protocols.ClientReply;
import quorumlab.protocols.ClientRequest;
import quorumlab.protocols.Command;
import quorumlab.protocols.MembershipChange;
import quorumlab.protocols.Message;
import quorumlab.protocols.Node;
import quorumlab.protocols.NodeContext;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.NoOp;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.Result;
import quorumlab.protocols.Role;
import quorumlab.raft.RaftMessage.AppendEntries;
import quorumlab.raft.RaftMessage.AppendEntriesReply;
import quorumlab.raft.RaftMessage.InstallSnapshot;
import quorumlab.raft.RaftMessage.InstallSnapshotReply;
import quorumlab.raft.RaftMessage.RequestVote;
import quorumlab.raft.RaftMessage.RequestVoteReply;

/**
 * One Raft server. It holds the state of Figure 2 and the rules every role shares; the election
 * ({@link Election}), log replication ({@link Replication}) and the client side ({@link Clients})
 * each live in their own file, and so do membership changes ({@link Membership}).
 */
final class RaftNode implements Node {
    static final String ELECTION_TIMER = "election";
    static final String HEARTBEAT_TIMER = "heartbeat";
    static final String CHECK_QUORUM_TIMER = "checkQuorum";

    final NodeContext ctx;
    final RaftOptions options;
    final Election election = new Election(this);
    final Replication replication = new Replication(this);
    final Clients clients = new Clients(this);
    final Membership membership = new Membership(this);

    /** Read back from the durable store in {@link #onStart()}. */
    PersistentState state;

    // Figure 2, "Volatile state on all servers". lastApplied is the state machine's: ctx.lastApplied().
    long commitIndex;

    Role role = Role.FOLLOWER;
    /** The leader of the current term, once heard from; the hint a follower gives a client. */
    NodeId leaderId;
    /** When the current leader was last heard from; a pre-vote is refused while it is recent. */
    long lastLeaderContact = Long.MIN_VALUE;

    RaftNode(NodeContext ctx, RaftOptions options) {
        this.ctx = ctx;
        this.options = options;
    }

    /**
     * Every server starts, and restarts after a crash, as a follower (Raft §5.2). A snapshot it kept
     * holds committed entries only, so its state machine and commitIndex start from there (§7).
     */
    @Override
    public void onStart() {
        state = PersistentState.load(ctx.store());
        RaftSnapshot snapshot = state.snapshot();
        if (snapshot != null) {
            restoreFrom(snapshot);
        }
        membership.load();
        resetElectionTimer();
    }

    @Override
    public void onMessage(NodeId from, Message message) {
        if (!(message instanceof RaftMessage m)) {
            throw new IllegalArgumentException("raft node " + ctx.self() + " got a foreign message " + message.typeName());
        }
        // Figure 2, rules for all servers: "If RPC request or response contains term T > currentTerm:
        // set currentTerm = T, convert to follower (§5.1)". A pre-vote, and a pre-vote granted, name
        // a term nobody has entered yet, so they move no one (thesis §9.6).
        if (m instanceof RequestVote rv && !rv.preVote() && rv.term() > state.currentTerm() && election.ignoresVotes()) {
            election.ignore(rv);
            return;
        }
        if (m.term() > state.currentTerm() && !namesHypotheticalTerm(m)) {
            enterNewerTerm(m.term(), from);
        }
        if (m instanceof RequestVote rv) {
            election.onRequestVote(from, rv);
        } else if (m instanceof RequestVoteReply reply) {
            election.onRequestVoteReply(from, reply);
        } else if (m instanceof AppendEntries ae) {
            replication.onAppendEntries(from, ae);
        } else if (m instanceof AppendEntriesReply reply) {
            replication.onAppendEntriesReply(from, reply);
        } else if (m instanceof InstallSnapshot is) {
            replication.onInstallSnapshot(from, is);
        } else if (m instanceof InstallSnapshotReply reply) {
            replication.onInstallSnapshotReply(from, reply);
        }
    }

    private static boolean namesHypotheticalTerm(RaftMessage m) {
        if (m instanceof RequestVote rv) return rv.preVote();
        if (m instanceof RequestVoteReply reply) return reply.preVote() && reply.voteGranted();
        return false;
    }

    @Override
    public void onClientRequest(ClientRequest request) {
        if (role != Role.LEADER) {
            // A server outside the configuration hears from no leader once its removal is committed,
            // so the leader it knows may be long gone (or removed too): it names one only if heard lately.
            NodeId hint = membership.isVoter() || election.heardFromLeaderRecently() ? leaderId : null;
            ctx.reply(new ClientReply.NotLeader(request.clientId(), request.seq(), Optional.ofNullable(hint)));
            return;
        }
        clients.onRequest(request);
    }

    @Override
    public void onMembershipChange(MembershipChange change) {
        membership.onRequest(change);
    }

    @Override
    public void onTimer(String name) {
        switch (name) {
            case ELECTION_TIMER -> election.onElectionTimeout();
            case HEARTBEAT_TIMER -> replication.onHeartbeatTimer();
            case CHECK_QUORUM_TIMER -> replication.onCheckQuorumTimer();
            default -> throw new IllegalArgumentException("raft node " + ctx.self() + " has no timer " + name);
        }
    }

    // ---- roles -------------------------------------------------------------------------------

    /** A message showed a later term: adopt it and follow (Raft §5.1). */
    void enterNewerTerm(long term, NodeId seenFrom) {
        if (role != Role.FOLLOWER) {
            ctx.emit(new ProtocolEvent.Preempted(state.currentTerm(), term, seenFrom));
        }
        state.enterTerm(term);
        leaderId = null;
        becomeFollower();
    }

    void becomeFollower() {
        Role previous = role;
        changeRole(Role.FOLLOWER);
        if (previous == Role.LEADER) {
            ctx.cancelTimer(HEARTBEAT_TIMER);
            ctx.cancelTimer(CHECK_QUORUM_TIMER);
            clients.onLeadershipLost();
            membership.onLeadershipLost();
            resetElectionTimer();
        }
    }

    void becomeLeader() {
        changeRole(Role.LEADER);
        leaderId = ctx.self();
        ctx.emit(new ProtocolEvent.LeaderEstablished(state.currentTerm()));
        ctx.cancelTimer(ELECTION_TIMER);
        replication.onBecomeLeader();
        if (options.checkQuorum()) {
            ctx.startTimer(CHECK_QUORUM_TIMER, options.electionTimeoutMinNanos());
        }
        if (options.appendNoOpOnElection()) {
            appendAsLeader(NoOp.INSTANCE);
        }
        membership.onBecomeLeader();
    }

    void changeRole(Role to) {
        if (role != to) {
            ctx.emit(new ProtocolEvent.RoleChanged(role, to, state.currentTerm()));
            role = to;
        }
    }

    /** Raft §5.2: a fresh timeout drawn from [min, max] each time, so split votes resolve. */
    void resetElectionTimer() {
        long delay = ctx.random().nextLong(options.electionTimeoutMinNanos(), options.electionTimeoutMaxNanos() + 1);
        ctx.startTimer(ELECTION_TIMER, delay);
    }

    // ---- the log, commit and apply -----------------------------------------------------------

    /** Leader Append-Only (Raft §5.3): a leader only ever adds to its log. Returns the index. */
    long appendAsLeader(Command command) {
        LogEntry entry = new LogEntry(state.currentTerm(), command);
        long index = state.log.append(entry);
        ctx.emit(new ProtocolEvent.EntryAppended(index, state.currentTerm(), command.id()));
        membership.onAppended(index, entry);
        replication.onLeaderAppended();
        return index;
    }

    /** commitIndex moves forward to {@code index}; everything up to it is applied in order. */
    void commitUpTo(long index) {
        long before = commitIndex;
        for (long i = commitIndex + 1; i <= index; i++) {
            LogEntry entry = state.log.entryAt(i);
            ctx.emit(new ProtocolEvent.EntryCommitted(i, entry.term(), entry.command().id()));
        }
        commitIndex = index;
        // Figure 2: "If commitIndex > lastApplied: increment lastApplied, apply log[lastApplied]".
        while (ctx.lastApplied() < commitIndex) {
            long next = ctx.lastApplied() + 1;
            LogEntry entry = state.log.entryAt(next);
            Result result = ctx.apply(next, entry.command());
            clients.onApplied(next, entry, result);
        }
        clients.onCommitted();
        // Before a snapshot folds the configuration entries just committed into its own.
        membership.onCommitted(before, index);
        snapshotIfDue();
    }

    /**
     * Raft §7: "each server takes snapshots independently, covering just the committed entries in
     * its log". Here, of everything applied, once enough entries have piled up since the last one.
     */
    private void snapshotIfDue() {
        long applied = ctx.lastApplied();
        long every = options.snapshotEveryEntries();
        if (every == 0 || applied - state.log.snapshotIndex() < every) return;
        long term = state.log.termAt(applied);
        Configuration configuration = membership.at(applied);
        state.saveSnapshot(new RaftSnapshot(applied, term, ctx.snapshotStateMachine(),
                configuration.index() == 0 ? null : configuration.command(), configuration.index()));
        ctx.emit(new ProtocolEvent.SnapshotTaken(applied, term));
        membership.onSnapshot();
    }

    /**
     * Raft §7, InstallSnapshot receiver steps 5-8: save the leader's snapshot, keep the log only if it
     * holds the snapshot's last entry, and reset the state machine from the snapshot.
     */
    void installSnapshot(RaftSnapshot snapshot) {
        state.saveSnapshot(snapshot);
        ctx.emit(new ProtocolEvent.SnapshotInstalled(snapshot.lastIncludedIndex(), snapshot.lastIncludedTerm()));
        restoreFrom(snapshot);
        membership.onSnapshot();
    }

    private void restoreFrom(RaftSnapshot snapshot) {
        ctx.restoreStateMachine(snapshot.state());
        clients.onStateMachineRestored(snapshot.state());
        commitIndex = snapshot.lastIncludedIndex();
    }

    /** Has this leader committed an entry of its own term yet (thesis §6.4)? */
    boolean hasCommittedInCurrentTerm() {
        return commitIndex > 0 && state.log.termAt(commitIndex) == state.currentTerm();
    }

    /** Raft §6 and thesis ch. 4: a quorum of the configuration in force (of both halves during joint consensus). */
    boolean isQuorum(java.util.Collection<NodeId> agreeing) {
        return membership.current().isQuorum(agreeing);
    }
}
