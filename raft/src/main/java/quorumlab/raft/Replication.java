package quorumlab.raft;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.Role;
import quorumlab.raft.RaftMessage.AppendEntries;
import quorumlab.raft.RaftMessage.AppendEntriesReply;
import quorumlab.raft.RaftMessage.InstallSnapshot;
import quorumlab.raft.RaftMessage.InstallSnapshotReply;

/**
 * Log replication (Raft §5.3) and the commit rule (§5.4.2): the leader's side (nextIndex,
 * matchIndex, heartbeats, batching, pipelining, backtracking) and the follower's (the consistency
 * check, truncating a conflicting suffix, following leaderCommit). A follower that needs entries the
 * leader has compacted away gets the leader's snapshot instead (§7, InstallSnapshot).
 */
final class Replication {
    /** Figure 2, "Volatile state on leaders", per follower, plus the bookkeeping of the options. */
    private static final class Progress {
        /** Index of the next log entry to send to that server. */
        long nextIndex;
        /** Index of the highest log entry known to be replicated on that server. */
        long matchIndex;
        /**
         * The appends (and snapshots) sent and not yet answered, by id, each with the prevLogIndex it
         * was sent with. Pipelining allows more than one. A reply frees its own append's place once:
         * a duplicate or a late reply finds nothing to free.
         */
        final Map<Long, Long> inFlight = new HashMap<>();
        /** Last index carried by the latest append in flight; the next pipelined append starts after it. */
        long sentUpTo;
        /**
         * Where the follower's log stops matching ours is not known (a new leader, a rejection, a
         * snapshot sent): one append at a time until one succeeds, as the paper's leader does, since
         * appends pipelined behind a wrong nextIndex would all be rejected.
         */
        boolean probing = true;
        boolean heardSinceHeartbeat;
        boolean heardSinceQuorumCheck;
        /** The highest appendId of this term that the follower has answered (read index). */
        long answered;
        /** Entries sent to it, snapshots counted by the entries they replace (a new server's catch-up cost). */
        long entriesSent;
        /**
         * A server the configuration no longer includes is still sent appends until it holds the
         * entry that removed it (this index), so that it learns it is out and stays quiet, or until
         * that entry is committed, whichever comes first; 0 for a member.
         */
        long leavingAt;
    }

    private final RaftNode node;
    private final Map<NodeId, Progress> progress = new TreeMap<>();
    /** The id of this leader's latest append in its term (see {@link AppendEntries#appendId()}). */
    private long lastAppendId;

    Replication(RaftNode node) {
        this.node = node;
    }

    // ---- leader ------------------------------------------------------------------------------

    /** Figure 2, leaders: "Upon election: send initial empty AppendEntries RPCs (heartbeat)". */
    void onBecomeLeader() {
        progress.clear();
        lastAppendId = 0;
        for (NodeId peer : node.membership.current().peersOf(node.ctx.self())) {
            Progress p = new Progress();
            p.nextIndex = node.state.log.lastIndex() + 1;
            progress.put(peer, p);
            sendAppend(peer, p);
        }
        node.ctx.startTimer(RaftNode.HEARTBEAT_TIMER, node.options.heartbeatIntervalNanos());
    }

    /**
     * The configuration in force, or the learner, changed: the leader replicates to every voter of
     * it (both halves during joint consensus) and to the learner; a server that left is kept until it
     * holds the entry that removed it.
     */
    void onConfigurationChanged() {
        if (node.role != Role.LEADER) return;
        Configuration c = node.membership.current();
        java.util.Set<NodeId> wanted = new java.util.TreeSet<>(c.peersOf(node.ctx.self()));
        node.membership.learner().ifPresent(wanted::add);
        wanted.remove(node.ctx.self());
        for (NodeId peer : wanted) {
            Progress p = progress.get(peer);
            if (p != null) {
                p.leavingAt = 0;
                continue;
            }
            p = new Progress();
            // A new server starts empty (thesis §4.2.1): send it the log from the start (or the
            // snapshot) at once, rather than probe back from our last index one entry at a time.
            boolean learner = node.membership.learner().filter(peer::equals).isPresent();
            p.nextIndex = learner ? 1 : node.state.log.lastIndex() + 1;
            progress.put(peer, p);
            sendAppend(peer, p);
        }
        for (Map.Entry<NodeId, Progress> e : List.copyOf(progress.entrySet())) {
            Progress p = e.getValue();
            if (wanted.contains(e.getKey()) || p.leavingAt > 0) continue;
            // The learner of a refused change has no entry to learn from: it is simply dropped.
            if (c.index() == 0 || p.matchIndex >= c.index()) progress.remove(e.getKey());
            else p.leavingAt = c.index();
        }
    }

    /**
     * The configuration entry at {@code index} is committed: servers it removed get no more appends.
     * One cut off until now would answer with the later term its elections reached and depose this
     * leader; left alone, its RequestVotes are ignored while the others hear from a leader (§4.2.3).
     */
    void onConfigurationCommitted(long index) {
        progress.values().removeIf(p -> p.leavingAt > 0 && p.leavingAt <= index);
    }

    /** Entries sent to {@code peer} by this leader, snapshots counted by the entries they replace. */
    long entriesSentTo(NodeId peer) {
        Progress p = progress.get(peer);
        return p == null ? 0 : p.entriesSent;
    }

    /** A new entry stands in the leader's log: send it to every follower the pipeline allows. */
    void onLeaderAppended() {
        progress.forEach(this::sendWhatThePipelineAllows);
        advanceCommitIndex();
    }

    /**
     * Figure 2, leaders: "repeat during idle periods to prevent election timeouts". A follower that
     * has answered nothing since the last beat probably lost an append or its reply, so the leader
     * stops waiting for those and sends again from nextIndex.
     */
    void onHeartbeatTimer() {
        if (node.role != Role.LEADER) return;
        node.membership.onHeartbeat();
        progress.forEach((peer, p) -> {
            if (!p.inFlight.isEmpty() && !p.heardSinceHeartbeat) {
                p.inFlight.clear();
            }
            if (p.inFlight.isEmpty()) {
                sendAppend(peer, p);
            }
            p.heardSinceHeartbeat = false;
        });
        node.ctx.startTimer(RaftNode.HEARTBEAT_TIMER, node.options.heartbeatIntervalNanos());
    }

    /**
     * Thesis §6.2 (checkQuorum): a leader that has not heard from a majority during an election
     * timeout steps down, so clients stop waiting on a leader that cannot commit anything.
     */
    void onCheckQuorumTimer() {
        if (node.role != Role.LEADER) return;
        List<NodeId> reachable = new ArrayList<>();
        reachable.add(node.ctx.self());
        progress.forEach((peer, p) -> {
            if (p.heardSinceQuorumCheck) reachable.add(peer);
            p.heardSinceQuorumCheck = false;
        });
        if (!node.isQuorum(reachable)) {
            node.leaderId = null;
            node.becomeFollower();
        } else {
            node.ctx.startTimer(RaftNode.CHECK_QUORUM_TIMER, node.options.electionTimeoutMinNanos());
        }
    }

    /**
     * Starts a round for a read: every follower gets an append now. An answer to it, or to any later
     * append of this term, proves the follower still followed this leader after this instant
     * (thesis §6.4). Returns the id of the round's first append.
     */
    long startRound() {
        long first = lastAppendId + 1;
        progress.forEach(this::sendAppend);
        return first;
    }

    /**
     * Whether a majority, this leader included, has answered an append of this term with an id of
     * at least {@code firstAppend}: the round that began with it is confirmed.
     */
    boolean confirmedByMajority(long firstAppend) {
        List<NodeId> confirmed = new ArrayList<>();
        confirmed.add(node.ctx.self());
        progress.forEach((peer, p) -> {
            if (p.answered >= firstAppend) confirmed.add(peer);
        });
        return node.isQuorum(confirmed);
    }

    private void sendWhatThePipelineAllows(NodeId peer, Progress p) {
        int limit = p.probing ? 1 : node.options.pipelining();
        while (p.inFlight.size() < limit && nextToSend(p) <= node.state.log.lastIndex()) {
            sendAppend(peer, p);
        }
    }

    private long nextToSend(Progress p) {
        return p.inFlight.isEmpty() || p.probing ? p.nextIndex : Math.max(p.nextIndex, p.sentUpTo + 1);
    }

    /**
     * Sends the entries from {@link #nextToSend}, at most maxEntriesPerAppend (batching); or, when
     * those entries are already in the snapshot, the snapshot (Raft §7: "the leader must
     * occasionally send snapshots to followers that lag behind").
     */
    private void sendAppend(NodeId peer, Progress p) {
        RaftLog log = node.state.log;
        long from = nextToSend(p);
        long id = ++lastAppendId;
        if (from <= log.snapshotIndex()) {
            RaftSnapshot snapshot = node.state.snapshot();
            node.ctx.send(peer, new InstallSnapshot(node.state.currentTerm(), node.ctx.self(), snapshot.lastIncludedIndex(),
                    snapshot.lastIncludedTerm(), snapshot.state(), id, snapshot.configuration(), snapshot.configurationIndex()));
            p.entriesSent += snapshot.lastIncludedIndex();
            p.inFlight.put(id, snapshot.lastIncludedIndex());
            p.sentUpTo = snapshot.lastIncludedIndex();
            p.probing = true;
            return;
        }
        long prevLogIndex = from - 1;
        List<LogEntry> entries = log.slice(from, node.options.maxEntriesPerAppend());
        node.ctx.send(peer, new AppendEntries(node.state.currentTerm(), node.ctx.self(), prevLogIndex,
                log.termAt(prevLogIndex), entries, node.commitIndex, id));
        p.inFlight.put(id, prevLogIndex);
        p.sentUpTo = prevLogIndex + entries.size();
        p.entriesSent += entries.size();
    }

    /**
     * Figure 2, leaders: on success update nextIndex and matchIndex; on failure step nextIndex back
     * and retry. Only a reply to an append of this term counts, and only once.
     */
    void onAppendEntriesReply(NodeId from, AppendEntriesReply reply) {
        Progress p = progress.get(from);
        // A server dropped from the configuration may still answer an append sent before.
        if (p == null || !answersThisTerm(reply.term(), reply.appendTerm())) return;
        Long prevLogIndex = p.inFlight.remove(reply.appendId());
        heardFrom(p, reply.appendId());
        if (reply.success()) {
            followerHolds(from, p, reply.matchIndex());
        } else if (prevLogIndex != null && prevLogIndex > p.matchIndex) {
            // The follower's log does not match ours at prevLogIndex, so the appends pipelined behind
            // this one fail too: forget them, step back (never below what the follower is known to
            // hold, never forward) and probe. A rejection of an append no longer awaited, or of one
            // below what the follower is known to hold, is stale and changes nothing.
            p.nextIndex = Math.max(p.matchIndex + 1, Math.min(p.nextIndex, retryIndex(reply)));
            p.inFlight.clear();
            p.probing = true;
            sendAppend(from, p);
        }
        if (node.role == Role.LEADER) {
            sendWhatThePipelineAllows(from, p);
            node.clients.onRoundAnswered();
        }
    }

    /** The follower now holds the snapshot: its log agrees with ours up to the snapshot's last entry. */
    void onInstallSnapshotReply(NodeId from, InstallSnapshotReply reply) {
        Progress p = progress.get(from);
        if (p == null || !answersThisTerm(reply.term(), reply.appendTerm())) return;
        p.inFlight.remove(reply.appendId());
        heardFrom(p, reply.appendId());
        followerHolds(from, p, reply.lastIncludedIndex());
        if (node.role == Role.LEADER) {
            sendWhatThePipelineAllows(from, p);
            node.clients.onRoundAnswered();
        }
    }

    /**
     * A reply counts only if this node leads, the follower is in our term, and it answers an
     * append of this term: appendIds restart in every term, so a reply to an append of an earlier
     * term (rejected with the follower's later term, say) could otherwise pass for this term's.
     */
    private boolean answersThisTerm(long replyTerm, long appendTerm) {
        long term = node.state.currentTerm();
        return node.role == Role.LEADER && replyTerm == term && appendTerm == term;
    }

    /** A follower answered the append {@code appendId} of this term. */
    private void heardFrom(Progress p, long appendId) {
        p.heardSinceHeartbeat = true;
        p.heardSinceQuorumCheck = true;
        p.answered = Math.max(p.answered, appendId);
    }

    /** The follower's log matches ours up to {@code matchIndex}: no need to probe any more. */
    private void followerHolds(NodeId peer, Progress p, long matchIndex) {
        p.matchIndex = Math.max(p.matchIndex, matchIndex);
        p.nextIndex = Math.max(p.nextIndex, p.matchIndex + 1);
        p.probing = false;
        if (p.leavingAt > 0 && p.matchIndex >= p.leavingAt) progress.remove(peer);
        node.membership.onFollowerHolds(peer, p.matchIndex);
        advanceCommitIndex();
    }

    /**
     * Where to retry after a rejection. Figure 2 steps back one entry (the follower reports
     * prevLogIndex); a follower whose log is too short reports its end instead (lastIndexHint). With
     * the conflict hint (§5.3, "the follower can include the term of the
     * conflicting entry and the first index it stores for that term"), the leader skips the term:
     * past its own last entry of that term if it has one, else to the follower's first index of it.
     */
    private long retryIndex(AppendEntriesReply reply) {
        if (reply.conflictTerm() > 0) {
            long lastOfTerm = node.state.log.lastIndexOfTerm(reply.conflictTerm());
            if (lastOfTerm > 0) return lastOfTerm + 1;
        }
        return reply.conflictIndex();
    }

    /**
     * Figure 2, leaders: "If there exists an N such that N > commitIndex, a majority of
     * matchIndex[i] >= N, and log[N].term == currentTerm: set commitIndex = N".
     */
    private void advanceCommitIndex() {
        if (node.role != Role.LEADER) return;
        RaftLog log = node.state.log;
        NodeId self = node.ctx.self();
        // Thesis §4.1: counted in the configuration in force, the latest in the log; a leader that is
        // not in it does not count itself (§4.2.2), and a learner never counts (only voters do).
        long n = node.membership.current().quorumIndex(v -> v.equals(self) ? log.lastIndex() : matchIndexOf(v));
        // Raft §5.4.2: never commit an entry from a previous term by counting replicas (Figure 8).
        // Terms only grow along the log, so if the quorum's entry is of an earlier term, every entry
        // a quorum holds is; they commit indirectly, with the first entry of this term a quorum holds.
        if (n > node.commitIndex && log.termAt(n) == node.state.currentTerm()) node.commitUpTo(n);
    }

    private long matchIndexOf(NodeId peer) {
        Progress p = progress.get(peer);
        return p == null ? 0 : p.matchIndex;
    }

    // ---- follower ----------------------------------------------------------------------------

    /** Figure 2, AppendEntries RPC, receiver implementation. A higher term was adopted already. */
    void onAppendEntries(NodeId from, AppendEntries ae) {
        long term = node.state.currentTerm();
        // 1. Reply false if term < currentTerm: a stale leader learns of the later term and steps down.
        if (ae.term() < term) {
            reject(from, ae, "stale term " + ae.term() + " < " + term, 0, 0);
            return;
        }
        recognizeLeader(from);
        RaftLog log = node.state.log;
        // 2. Reply false if log doesn't contain an entry at prevLogIndex whose term matches prevLogTerm.
        if (ae.prevLogIndex() > log.lastIndex()) {
            // Where our log ends (LogCabin's and etcd's reply): the leader's next probe matches or
            // conflicts at once, instead of stepping down one entry per round trip to reach it.
            boolean hint = node.options.lastIndexHint() || node.options.fastBacktrack();
            long retry = hint ? log.lastIndex() + 1 : ae.prevLogIndex();
            reject(from, ae, "log too short: last index " + log.lastIndex(), retry, 0);
            return;
        }
        // Entries up to the snapshot are committed, so they match any leader's (Leader Completeness).
        if (ae.prevLogIndex() >= log.snapshotIndex() && log.termAt(ae.prevLogIndex()) != ae.prevLogTerm()) {
            long ourTerm = log.termAt(ae.prevLogIndex());
            String reason = "term " + ourTerm + " at prevLogIndex, leader has " + ae.prevLogTerm();
            if (node.options.fastBacktrack()) {
                reject(from, ae, reason, log.firstIndexOfTerm(ourTerm), ourTerm);
            } else {
                reject(from, ae, reason, ae.prevLogIndex(), 0);
            }
            return;
        }
        // 3. If an existing entry conflicts with a new one (same index, different terms), delete it and
        //    all that follow. 4. Append any new entries not already in the log. Entries that already
        //    match stay: a delayed or duplicated append must not cut a longer, correct log.
        long index = ae.prevLogIndex();
        for (LogEntry entry : ae.entries()) {
            index++;
            if (index <= log.snapshotIndex()) continue;
            if (index <= log.lastIndex()) {
                if (log.termAt(index) == entry.term()) continue;
                truncateFrom(index);
            }
            log.append(entry);
            node.ctx.emit(new ProtocolEvent.EntryAppended(index, entry.term(), entry.command().id()));
            node.membership.onAppended(index, entry);
        }
        long lastNewEntry = ae.prevLogIndex() + ae.entries().size();
        // 5. If leaderCommit > commitIndex, set commitIndex = min(leaderCommit, index of last new entry).
        long newCommit = Math.min(ae.leaderCommit(), lastNewEntry);
        if (newCommit > node.commitIndex) {
            node.commitUpTo(newCommit);
        }
        node.ctx.send(from, new AppendEntriesReply(term, true, lastNewEntry, 0, 0, ae.term(), ae.appendId(),
                ae.entries().isEmpty()));
    }

    /**
     * Figure 13, InstallSnapshot RPC, receiver implementation (one chunk, so steps 2-4 fall away).
     * A snapshot this node already has committed is merely acknowledged.
     */
    void onInstallSnapshot(NodeId from, InstallSnapshot is) {
        long term = node.state.currentTerm();
        // 1. Reply immediately if term < currentTerm.
        if (is.term() < term) {
            node.ctx.send(from, new InstallSnapshotReply(term, 0, is.term(), is.appendId()));
            return;
        }
        recognizeLeader(from);
        if (is.lastIncludedIndex() > node.commitIndex) {
            node.installSnapshot(new RaftSnapshot(is.lastIncludedIndex(), is.lastIncludedTerm(), is.data(),
                    is.configuration(), is.configurationIndex()));
        }
        node.ctx.send(from, new InstallSnapshotReply(term, is.lastIncludedIndex(), is.term(), is.appendId()));
    }

    /** An append from the leader of our term: follow it, and hold off our own election. */
    private void recognizeLeader(NodeId leader) {
        if (node.role == Role.LEADER) {
            // Election Safety (§5.2) makes this impossible; if it happens, the run must stop loudly.
            throw new IllegalStateException("Raft election safety: " + node.ctx.self() + " leads term "
                    + node.state.currentTerm() + " and got AppendEntries from " + leader + " in the same term");
        }
        node.becomeFollower();
        node.leaderId = leader;
        node.lastLeaderContact = node.ctx.now();
        node.resetElectionTimer();
    }

    private void truncateFrom(long index) {
        if (index <= node.commitIndex) {
            throw new IllegalStateException("Raft safety: " + node.ctx.self() + " asked to delete committed entry "
                    + index + " (commitIndex " + node.commitIndex + ")");
        }
        long removed = node.state.log.truncateFrom(index);
        node.ctx.emit(new ProtocolEvent.LogTruncated(index, removed));
        node.membership.onTruncated(index);
    }

    private void reject(NodeId leader, AppendEntries ae, String reason, long conflictIndex, long conflictTerm) {
        node.ctx.emit(new ProtocolEvent.AppendRejected(leader, ae.term(), ae.prevLogIndex(), reason));
        node.ctx.send(leader, new AppendEntriesReply(node.state.currentTerm(), false, 0, conflictIndex, conflictTerm,
                ae.term(), ae.appendId(), ae.entries().isEmpty()));
    }
}
