package quorumlab.protocols;

/**
 * State that survives a crash (Raft: current term, vote, log; Paxos acceptor: promised ballot and
 * accepted values). A crash discards everything a node holds except what it wrote here; a restarted
 * node reads it back in {@link Node#onStart()}. Values must be immutable (records, strings, boxed
 * numbers): the store keeps the object, not a copy.
 *
 * <p>Besides single values, the store keeps indexed tables (a log, a set of slots) keyed by a
 * positive index, so a protocol need not rewrite a whole log to change one entry.
 *
 * <p>Writes may reach the disk only at {@link #sync()}, which the runtime calls after each handler
 * and before that handler's messages and replies leave the node: a handler that writes several
 * times pays for one flush (group commit), and nothing the node says can rest on a write a crash
 * could still lose (Raft Figure 2: "updated on stable storage before responding to RPCs").
 */
public interface DurableStore {
    /** The value stored under {@code key}, or null. */
    <T> T get(String key);

    void put(String key, Object value);

    /** The value at {@code index} in {@code table}, or null. */
    <T> T getAt(String table, long index);

    void putAt(String table, long index, Object value);

    /** Removes every index {@code >= fromIndex} from {@code table} (a log's conflicting suffix). */
    void removeFrom(String table, long fromIndex);

    /** Removes every index {@code < belowIndex} from {@code table} (compaction). */
    void removeBelow(String table, long belowIndex);

    /** The highest index present in {@code table}, or 0 when it is empty. */
    long lastIndex(String table);

    /** The lowest index present in {@code table}, or 0 when it is empty. */
    long firstIndex(String table);

    /** How many writes reached the store, for the cost metrics. */
    long writes();

    /**
     * Makes every write so far durable. Called by the runtime, never by protocol code; the memory
     * store has nothing to do.
     */
    default void sync() {}
}
