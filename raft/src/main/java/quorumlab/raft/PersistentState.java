package quorumlab.raft;

import quorumlab.protocols.DurableStore;
import quorumlab.protocols.NodeId;

/**
 * Figure 2, "Persistent state on all servers: updated on stable storage before responding to
 * RPCs": currentTerm, votedFor and the log; and since §7, the latest snapshot, which replaces the
 * log's prefix. Term and vote are written together as one record, so a crash can never keep a new
 * term with an old term's vote.
 */
final class PersistentState {
    static final String TERM_AND_VOTE = "raft.termAndVote";

    /** What the store holds under {@link #TERM_AND_VOTE}; {@code votedFor} is null for "no vote". */
    record TermAndVote(long currentTerm, NodeId votedFor) {}

    private final DurableStore store;
    private TermAndVote termAndVote;
    private RaftSnapshot snapshot;
    final RaftLog log;

    private PersistentState(DurableStore store, TermAndVote termAndVote, RaftSnapshot snapshot, RaftLog log) {
        this.store = store;
        this.termAndVote = termAndVote;
        this.snapshot = snapshot;
        this.log = log;
    }

    static PersistentState load(DurableStore store) {
        TermAndVote saved = store.get(TERM_AND_VOTE);
        RaftSnapshot snapshot = store.get(RaftSnapshot.KEY);
        return new PersistentState(store, saved != null ? saved : new TermAndVote(0, null), snapshot,
                RaftLog.load(store, snapshot));
    }

    /** The latest snapshot, or null before the first. */
    RaftSnapshot snapshot() {
        return snapshot;
    }

    /**
     * Raft §7: keeps {@code next} and discards the log it covers. The snapshot is written first, so a
     * crash in between leaves a log that merely overlaps it.
     */
    void saveSnapshot(RaftSnapshot next) {
        store.put(RaftSnapshot.KEY, next);
        snapshot = next;
        log.discardThrough(next.lastIncludedIndex(), next.lastIncludedTerm());
    }

    long currentTerm() {
        return termAndVote.currentTerm();
    }

    NodeId votedFor() {
        return termAndVote.votedFor();
    }

    /** Moves to a later term, in which this node has not voted yet. */
    void enterTerm(long term) {
        if (term <= currentTerm()) {
            throw new IllegalArgumentException("terms only grow: " + term + " after " + currentTerm());
        }
        save(new TermAndVote(term, null));
    }

    /** Moves to a later term and votes for itself in it, in one durable write (Raft §5.2). */
    void enterTermVotingFor(long term, NodeId self) {
        if (term <= currentTerm()) {
            throw new IllegalArgumentException("terms only grow: " + term + " after " + currentTerm());
        }
        save(new TermAndVote(term, self));
    }

    /** Records the one vote of the current term. */
    void voteFor(NodeId candidate) {
        save(new TermAndVote(currentTerm(), candidate));
    }

    private void save(TermAndVote next) {
        store.put(TERM_AND_VOTE, next);
        termAndVote = next;
    }
}
