package quorumlab.raft;

import java.util.ArrayList;
import java.util.List;
import quorumlab.protocols.DurableStore;

/**
 * The log, indexed from 1 as in the paper. Every change is written through to the durable store
 * before the method returns, so the log is on "stable storage" before the node answers anyone
 * (Figure 2); the list here is only a fast view of what the store holds.
 *
 * <p>After a snapshot (Raft §7) the log starts later: it holds the entries after
 * {@link #snapshotIndex()}, and remembers the term of the entry at that index, which the
 * consistency check of the next AppendEntries needs.
 */
final class RaftLog {
    static final String TABLE = "raft.log";

    private final DurableStore store;
    private final List<LogEntry> entries = new ArrayList<>();
    private long snapshotIndex;
    private long snapshotTerm;

    private RaftLog(DurableStore store) {
        this.store = store;
    }

    /** The log as the store kept it across a crash: the entries after {@code snapshot}, if there is one. */
    static RaftLog load(DurableStore store, RaftSnapshot snapshot) {
        RaftLog log = new RaftLog(store);
        if (snapshot != null) {
            log.snapshotIndex = snapshot.lastIncludedIndex();
            log.snapshotTerm = snapshot.lastIncludedTerm();
        }
        long last = store.lastIndex(TABLE);
        for (long i = log.snapshotIndex + 1; i <= last; i++) {
            LogEntry entry = store.getAt(TABLE, i);
            if (entry == null) {
                throw new IllegalStateException("durable Raft log has a hole at index " + i + " of " + last);
            }
            log.entries.add(entry);
        }
        return log;
    }

    long lastIndex() {
        return snapshotIndex + entries.size();
    }

    /** Term of the last entry, 0 for an empty log. */
    long lastTerm() {
        return termAt(lastIndex());
    }

    /** The last index the snapshot covers (0 without one); entries up to it are no longer held. */
    long snapshotIndex() {
        return snapshotIndex;
    }

    /** Entries held, not counting those in the snapshot. */
    int size() {
        return entries.size();
    }

    /** Term of the entry at {@code index}: index 0 (before the first entry) has term 0, the snapshot's last its term. */
    long termAt(long index) {
        if (index == snapshotIndex) return snapshotTerm;
        return entries.get(toPosition(index)).term();
    }

    LogEntry entryAt(long index) {
        return entries.get(toPosition(index));
    }

    /** Up to {@code max} entries starting at {@code from} (empty if {@code from} is past the end). */
    List<LogEntry> slice(long from, int max) {
        if (from > lastIndex()) return List.of();
        long to = Math.min(lastIndex(), from + max - 1);
        return List.copyOf(entries.subList(toPosition(from), toPosition(to) + 1));
    }

    /** Appends {@code entry} and returns its index. */
    long append(LogEntry entry) {
        entries.add(entry);
        store.putAt(TABLE, lastIndex(), entry);
        return lastIndex();
    }

    /** Deletes the entry at {@code from} and all that follow it (Raft §5.3); returns how many. */
    long truncateFrom(long from) {
        long removed = lastIndex() - from + 1;
        entries.subList(toPosition(from), entries.size()).clear();
        store.removeFrom(TABLE, from);
        return removed;
    }

    /**
     * Raft §7: the snapshot now covers everything up to {@code index}; drop those entries. When the
     * log holds {@code index} with the same {@code term}, the entries after it stay; otherwise the
     * whole log goes (a follower installing a snapshot its log disagrees with). The snapshot must be
     * durable before this is called.
     */
    void discardThrough(long index, long term) {
        if (index <= lastIndex() && index > snapshotIndex && termAt(index) == term) {
            entries.subList(0, toPosition(index) + 1).clear();
            store.removeBelow(TABLE, index + 1);
        } else {
            entries.clear();
            store.removeFrom(TABLE, 1);
        }
        snapshotIndex = index;
        snapshotTerm = term;
    }

    /** The first index holding {@code term}, or 0 if no entry held holds it. */
    long firstIndexOfTerm(long term) {
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).term() == term) return snapshotIndex + i + 1;
            if (entries.get(i).term() > term) return 0;
        }
        return 0;
    }

    /** The last index holding {@code term}, or 0 if no entry held holds it. */
    long lastIndexOfTerm(long term) {
        for (int i = entries.size() - 1; i >= 0; i--) {
            if (entries.get(i).term() == term) return snapshotIndex + i + 1;
            if (entries.get(i).term() < term) return 0;
        }
        return 0;
    }

    /**
     * Raft §5.4.1: a log is at least as up-to-date as ours if its last term is later, or the same
     * term and it is at least as long.
     */
    boolean isUpToDate(long otherLastIndex, long otherLastTerm) {
        if (otherLastTerm != lastTerm()) return otherLastTerm > lastTerm();
        return otherLastIndex >= lastIndex();
    }

    private int toPosition(long index) {
        if (index <= snapshotIndex || index > lastIndex()) {
            throw new IndexOutOfBoundsException("log index " + index + " outside " + (snapshotIndex + 1) + ".." + lastIndex());
        }
        return (int) (index - snapshotIndex - 1);
    }
}
