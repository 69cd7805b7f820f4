package quorumlab.raft;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import quorumlab.protocols.ConfigurationCommand;
import quorumlab.protocols.MembershipChange;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.NoOp;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.Role;

/**
 * Membership changes (Ongaro's thesis ch. 4; joint consensus, Raft §6). A configuration is a log
 * entry, and "a server always uses the latest configuration in its log, regardless of whether the
 * entry is committed" (thesis §4.1): every server follows it as soon as it appends it, and falls
 * back to the one before if the entry is truncated. With option {@code membership: single} a
 * change adds or removes one server, which keeps every majority of the old configuration
 * overlapping every majority of the new; with {@code joint} it goes through C_old,new (majorities
 * of both) and then C_new.
 *
 * <p>The leader takes one change at a time (thesis §4.1) and refuses a second while one is in
 * progress: until its configuration entry (C_new; with joint consensus also C_old,new before it) is
 * committed. A new server first catches up as a non-voting learner, in rounds, before the entry that
 * adds it is appended (§4.2.1). A leader removed from the configuration keeps leading, without
 * counting itself, until the removal is committed, then steps down (§4.2.2). A server that is not a
 * voter of its configuration (a new one that has heard nothing, a removed one that learned its
 * removal committed) never starts an election; a removed one that has not learned it yet stands,
 * pre-vote first, as it may be needed to commit the removal (§4.2.2,
 * {@link #removalMayNotBeCommitted}); one that did not learn of its removal at all is kept from
 * disrupting the cluster by §4.2.3 ({@link Election#ignoresVotes}, with {@code checkQuorum}).
 */
final class Membership {
    /** Thesis §4.2.1: replication rounds a new server gets to catch up before the change is refused. */
    static final int MAX_CATCH_UP_ROUNDS = 10;
    /** A catch-up round that lasts this many maximum election timeouts means the new server is unavailable. */
    static final int ROUND_LIMIT_TIMEOUTS = 10;

    private final RaftNode node;
    /** The configuration as of the snapshot, or the bootstrap one ({@code ctx.cluster()}). */
    private Configuration base;
    /** Configuration entries in the log after the snapshot, by index. */
    private final TreeMap<Long, Configuration> inLog = new TreeMap<>();
    /** The leader's change in progress, until its configuration entry is appended (then the log tracks it). */
    private Change change;

    /** A change the leader took, and the catch-up of the server it adds. */
    private static final class Change {
        final MembershipChange request;
        boolean caughtUp;
        int rounds;
        long roundStart;
        long roundTarget;

        Change(MembershipChange request) {
            this.request = request;
        }
    }

    Membership(RaftNode node) {
        this.node = node;
    }

    // ---- the configuration in force ----------------------------------------------------------

    /** The latest configuration in the log, else the snapshot's, else the bootstrap one (thesis §4.1). */
    Configuration current() {
        return inLog.isEmpty() ? base : inLog.lastEntry().getValue();
    }

    /** The configuration in force at {@code index}: the latest set at or before it. */
    Configuration at(long index) {
        Map.Entry<Long, Configuration> e = inLog.floorEntry(index);
        return e != null ? e.getValue() : base;
    }

    boolean isVoter() {
        return current().isVoter(node.ctx.self());
    }

    /**
     * Thesis §4.2.2: this server is not a voter of its latest configuration, that entry is not
     * committed as far as it knows, and it was a voter of the configuration before: the removal may
     * still be undone or may need this server's log to commit.
     */
    boolean removalMayNotBeCommitted() {
        Configuration c = current();
        NodeId self = node.ctx.self();
        return !c.isVoter(self) && c.index() > node.commitIndex && at(c.index() - 1).isVoter(self);
    }

    /** The server catching up to be added, which the leader replicates to without counting it. */
    Optional<NodeId> learner() {
        return change != null && change.request.kind() == MembershipChange.Kind.ADD ? Optional.of(change.request.node()) : Optional.empty();
    }

    /** Reads the configuration back from the snapshot and the log (at start, and after a snapshot). */
    void load() {
        RaftSnapshot snapshot = node.state.snapshot();
        base = snapshot != null && snapshot.configuration() != null
                ? Configuration.of(snapshot.configurationIndex(), snapshot.configuration())
                : Configuration.bootstrap(node.ctx.cluster().members());
        inLog.clear();
        RaftLog log = node.state.log;
        for (long i = log.snapshotIndex() + 1; i <= log.lastIndex(); i++) {
            if (log.entryAt(i).command() instanceof ConfigurationCommand c) inLog.put(i, Configuration.of(i, c));
        }
    }

    // ---- every server: the log changed -------------------------------------------------------

    /** An entry stands at {@code index} now (leader or follower); a configuration entry takes effect at once. */
    void onAppended(long index, LogEntry entry) {
        if (!(entry.command() instanceof ConfigurationCommand c)) return;
        inLog.put(index, Configuration.of(index, c));
        changed(false);
    }

    /** Entries from {@code from} on were removed: a configuration among them no longer holds. */
    void onTruncated(long from) {
        Map<Long, Configuration> gone = inLog.tailMap(from, true);
        if (gone.isEmpty()) return;
        gone.clear();
        // Not "committed": the event says which entry is in force again (committed events name entries as they commit).
        changed(false);
    }

    /** A snapshot replaced the log's prefix (taken here, or installed from the leader). */
    void onSnapshot() {
        Configuration before = current();
        load();
        // A leader's snapshot that replaced a conflicting log may put an earlier configuration back in force.
        if (!before.sameVoters(current())) changed(current().index() >= before.index());
    }

    private void changed(boolean committed) {
        Configuration c = current();
        node.ctx.emit(new ProtocolEvent.ConfigurationChanged(c.index(), c.index(), c.voters(), c.oldVoters(), committed));
        node.replication.onConfigurationChanged();
    }

    /** Entries {@code (from, to]} are committed. The leader finishes joint consensus, reports, steps down, or appends a waiting change. */
    void onCommitted(long from, long to) {
        for (Configuration c : List.copyOf(inLog.subMap(from, false, to, true).values())) {
            node.ctx.emit(new ProtocolEvent.ConfigurationChanged(c.index(), c.index(), c.voters(), c.oldVoters(), true));
            if (node.role == Role.LEADER && !c.joint() && c.changeId() != 0) {
                node.ctx.emit(new ProtocolEvent.MembershipChangeCommitted(c.changeId(), c.voters()));
            }
        }
        if (node.role != Role.LEADER) return;
        Configuration c = current();
        boolean committed = c.index() <= node.commitIndex;
        if (committed) node.replication.onConfigurationCommitted(c.index());
        if (committed && c.joint()) {
            // Raft §6: "once C_old,new has been committed ... the leader [can] create a log entry describing C_new".
            node.appendAsLeader(new ConfigurationCommand(c.changeId(), c.voters(), List.of()));
        } else if (committed && !c.isVoter(node.ctx.self())) {
            // Thesis §4.2.2: a leader removed from the configuration steps down once the removal is committed.
            node.leaderId = null;
            node.becomeFollower();
        } else if (change != null && change.caughtUp) {
            appendChange();
        }
    }

    // ---- the leader --------------------------------------------------------------------------

    /** An operator's request: refused unless this server leads and no change is in progress (thesis §4.1). */
    void onRequest(MembershipChange request) {
        Configuration c = current();
        NodeId target = request.node();
        String refusal = null;
        if (node.role != Role.LEADER) {
            refusal = "not the leader" + (node.leaderId != null ? " (" + node.leaderId + " leads)" : "");
        } else if (change != null || c.index() > node.commitIndex || c.joint()) {
            refusal = "a change is in progress (one at a time, thesis §4.1)";
        } else if (request.kind() == MembershipChange.Kind.ADD && c.voters().contains(target)) {
            refusal = target + " is already a voter";
        } else if (request.kind() == MembershipChange.Kind.REMOVE && !c.voters().contains(target)) {
            refusal = target + " is not a voter";
        } else if (request.kind() == MembershipChange.Kind.REMOVE && c.voters().size() == 1) {
            refusal = "cannot remove the last voter";
        }
        if (refusal != null) {
            refuse(request.id(), refusal);
            return;
        }
        change = new Change(request);
        if (request.kind() == MembershipChange.Kind.ADD) {
            startRound();
            node.replication.onConfigurationChanged();
        } else {
            change.caughtUp = true;
            appendChange();
        }
    }

    /**
     * Thesis §4.2.1: each round replicates every entry the leader held when the round began; a round
     * that ends within an election timeout means the new server is caught up.
     */
    private void startRound() {
        change.rounds++;
        change.roundStart = node.ctx.now();
        change.roundTarget = node.state.log.lastIndex();
    }

    /** The leader learned that {@code peer} holds the log through {@code matchIndex}. */
    void onFollowerHolds(NodeId peer, long matchIndex) {
        if (change == null || change.caughtUp || !peer.equals(change.request.node()) || matchIndex < change.roundTarget) return;
        if (node.ctx.now() - change.roundStart < node.options.electionTimeoutMinNanos()) {
            change.caughtUp = true;
            node.ctx.emit(new ProtocolEvent.LearnerCaughtUp(peer, change.rounds, node.replication.entriesSentTo(peer)));
            appendChange();
        } else if (change.rounds >= MAX_CATCH_UP_ROUNDS) {
            abandon(peer + " did not catch up within " + MAX_CATCH_UP_ROUNDS + " rounds (thesis §4.2.1)");
        } else {
            startRound();
        }
    }

    /** The leader's heartbeat: a catch-up round that does not end means the new server is unavailable. */
    void onHeartbeat() {
        if (change == null || change.caughtUp) return;
        if (node.ctx.now() - change.roundStart > ROUND_LIMIT_TIMEOUTS * node.options.electionTimeoutMaxNanos()) {
            abandon(change.request.node() + " did not answer its catch-up round (unavailable, thesis §4.2.1)");
        }
    }

    /**
     * Appends the change's configuration entry, once this leader has committed an entry of its own
     * term: otherwise a change begun by an earlier leader may still be under way without this one
     * knowing, and two single-server changes together could break the overlap (the bug in the
     * original single-server algorithm; Ongaro, raft-dev, 2015). A no-op gets such an entry committed.
     */
    private void appendChange() {
        if (!node.hasCommittedInCurrentTerm()) {
            if (node.state.log.lastTerm() != node.state.currentTerm()) node.appendAsLeader(NoOp.INSTANCE);
            return;
        }
        MembershipChange request = change.request;
        Configuration c = current();
        List<NodeId> voters = new ArrayList<>(c.voters());
        if (request.kind() == MembershipChange.Kind.ADD) voters.add(request.node());
        else voters.remove(request.node());
        change = null;
        List<NodeId> old = node.options.jointConsensus() ? c.voters() : List.of();
        node.appendAsLeader(new ConfigurationCommand(request.id(), voters, old));
    }

    /** A new leader finishes a joint-consensus change that its predecessor committed the first half of (Raft §6). */
    void onBecomeLeader() {
        Configuration c = current();
        if (c.joint() && c.index() <= node.commitIndex) {
            node.appendAsLeader(new ConfigurationCommand(c.changeId(), c.voters(), List.of()));
        }
    }

    /** The leader stepped down: a change not yet in the log is refused; one in the log is the next leader's to commit. */
    void onLeadershipLost() {
        if (change == null) return;
        long id = change.request.id();
        change = null;
        refuse(id, "leadership lost before the change was appended");
    }

    private void abandon(String reason) {
        long id = change.request.id();
        change = null;
        node.replication.onConfigurationChanged();
        refuse(id, reason);
    }

    private void refuse(long changeId, String reason) {
        node.ctx.emit(new ProtocolEvent.MembershipChangeRefused(changeId, reason));
    }

    /**
     * Test hook, never used by the protocol: appends a configuration of any {@code voters} at once,
     * without catch-up, the one-at-a-time rule or joint consensus, so a test can show what the
     * checker does with a change that adds two servers in one step.
     */
    void appendUnsafely(long changeId, List<NodeId> voters) {
        node.appendAsLeader(new ConfigurationCommand(changeId, voters, List.of()));
    }
}
