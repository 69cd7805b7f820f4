package quorumlab.raft;

import java.util.ArrayList;
import java.util.List;
import quorumlab.protocols.DurableStore;

/**
 * The log, indexed from 1 as in the paper. Every change is written through to the durable store
 * before the method returns, so the log is on "stable storage" before the node answers anyone
 * (Figure 2); the list here is only a fast view of what the store holds.
 */
final class RaftLog {
    static final String TABLE = "raft.log";

    private final DurableStore store;
    private final List<LogEntry> entries = new ArrayList<>();

    private RaftLog(DurableStore store) {
        this.store = store;
    }

    /** The log as the store kept it across a crash (empty on a first start). */
    static RaftLog load(DurableStore store) {
        RaftLog log = new RaftLog(store);
        long last = store.lastIndex(TABLE);
        for (long i = 1; i <= last; i++) {
            LogEntry entry = store.getAt(TABLE, i);
            if (entry == null) {
                throw new IllegalStateException("durable Raft log has a hole at index " + i + " of " + last);
            }
            log.entries.add(entry);
        }
        return log;
    }

    long lastIndex() {
        return entries.size();
    }

    /** Term of the last entry, 0 for an empty log. */
    long lastTerm() {
        return termAt(lastIndex());
    }

    /** Term of the entry at {@code index}; index 0 (before the first entry) has term 0. */
    long termAt(long index) {
        return index == 0 ? 0 : entries.get(toPosition(index)).term();
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
        store.putAt(TABLE, entries.size(), entry);
        return entries.size();
    }

    /** Deletes the entry at {@code from} and all that follow it (Raft §5.3); returns how many. */
    long truncateFrom(long from) {
        long removed = lastIndex() - from + 1;
        entries.subList(toPosition(from), entries.size()).clear();
        store.removeFrom(TABLE, from);
        return removed;
    }

    /** The first index holding {@code term}, or 0 if none does. */
    long firstIndexOfTerm(long term) {
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).term() == term) return i + 1;
            if (entries.get(i).term() > term) return 0;
        }
        return 0;
    }

    /** The last index holding {@code term}, or 0 if none does. */
    long lastIndexOfTerm(long term) {
        for (int i = entries.size() - 1; i >= 0; i--) {
            if (entries.get(i).term() == term) return i + 1;
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
        if (index < 1 || index > entries.size()) {
            throw new IndexOutOfBoundsException("log index " + index + " outside 1.." + entries.size());
        }
        return (int) (index - 1);
    }
}
