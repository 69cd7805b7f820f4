package quorumlab.protocols.runtime;

import java.util.HashMap;
import java.util.Map;
import quorumlab.protocols.DurableStore;

/**
 * The durable store both runtimes give a node: kept in memory by the runtime, outside the node, so
 * it survives the node's crash. Tables are arrays indexed from their first index, so a log of
 * millions of entries costs one reference per entry and every operation is O(1) amortized
 * (except {@link #removeFrom}, linear in what it removes). Not thread-safe: one node uses it.
 */
public final class MemoryStore implements DurableStore {
    private final Map<String, Object> values = new HashMap<>();
    private final Map<String, Table> tables = new HashMap<>();
    private long writes;

    /**
     * Indexes {@code [base, base + size)} in {@code slots[head .. head + size)}; slots may hold nulls
     * (holes). Compaction forgets a table's front every few milliseconds of a run, so the front moves
     * by {@code head} and the live part is copied down only when it has moved past half the array:
     * forgetting costs O(1) amortized instead of a copy of everything kept.
     */
    private static final class Table {
        Object[] slots = new Object[16];
        int head;
        long base = -1;
        int size;

        Object get(long index) {
            long i = index - base;
            return size == 0 || i < 0 || i >= size ? null : slots[head + (int) i];
        }

        void put(long index, Object value) {
            if (size == 0) {
                base = index;
                head = 0;
            } else if (index < base) {
                long shift = base - index;
                ensureCapacity(size + shift);
                System.arraycopy(slots, head, slots, (int) shift, size);
                java.util.Arrays.fill(slots, 0, (int) shift, null);
                if (head > shift) java.util.Arrays.fill(slots, (int) shift + size, head + size, null);
                head = 0;
                size += (int) shift;
                base = index;
            }
            long i = index - base;
            if (i >= size) {
                ensureCapacity(i + 1);
                size = (int) (i + 1);
            }
            slots[head + (int) i] = value;
        }

        void clearAt(long index) {
            if (get(index) == null) return;
            slots[head + (int) (index - base)] = null;
            trim();
        }

        void removeFrom(long index) {
            if (size == 0 || index >= base + size) return;
            int keep = (int) Math.max(0, index - base);
            java.util.Arrays.fill(slots, head + keep, head + size, null);
            size = keep;
            trim();
        }

        void removeBelow(long index) {
            if (size == 0 || index <= base) return;
            if (index >= base + size) {
                clear();
                return;
            }
            int drop = (int) (index - base);
            java.util.Arrays.fill(slots, head, head + drop, null);
            head += drop;
            size -= drop;
            base = index;
            trim();
        }

        long lastIndex() {
            return size == 0 ? 0 : base + size - 1;
        }

        long firstIndex() {
            return size == 0 ? 0 : base;
        }

        /** Keeps the first and last slot in use non-null, so first and last index are exact. */
        private void trim() {
            while (size > 0 && slots[head + size - 1] == null) size--;
            while (size > 0 && slots[head] == null) {
                head++;
                size--;
                base++;
            }
            if (size == 0) clear();
        }

        private void clear() {
            java.util.Arrays.fill(slots, head, head + size, null);
            size = 0;
            head = 0;
            base = -1;
        }

        /** Room for {@code needed} slots from {@code head}: first by moving the live part down, else by growing. */
        private void ensureCapacity(long needed) {
            if (needed > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("durable table would exceed " + (Integer.MAX_VALUE - 8) + " entries");
            }
            if (head + needed <= slots.length) return;
            if (head > 0 && needed <= slots.length / 2) {
                System.arraycopy(slots, head, slots, 0, size);
                java.util.Arrays.fill(slots, Math.max(size, head), head + size, null);
                head = 0;
                return;
            }
            Object[] grown = new Object[(int) Math.min(Integer.MAX_VALUE - 8, Math.max(needed, slots.length * 2L))];
            System.arraycopy(slots, head, grown, 0, size);
            slots = grown;
            head = 0;
        }
    }

    /**
     * The tables by name. Protocols name them with constants, so a short scan by reference finds a
     * table without hashing its name on every write (a log entry is written once per node).
     */
    private final String[] knownNames = new String[8];
    private final Table[] knownTables = new Table[8];
    private int known;

    private Table table(String name, boolean create) {
        for (int i = 0; i < known; i++) {
            if (knownNames[i] == name) return knownTables[i];
        }
        Table t = tables.get(name);
        if (t == null) {
            if (!create) return null;
            t = new Table();
            tables.put(name, t);
        }
        if (known < knownNames.length) {
            knownNames[known] = name;
            knownTables[known++] = t;
        }
        return t;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T get(String key) {
        return (T) values.get(key);
    }

    @Override
    public void put(String key, Object value) {
        writes++;
        if (value == null) values.remove(key);
        else values.put(key, value);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getAt(String table, long index) {
        Table t = table(table, false);
        return t == null ? null : (T) t.get(index);
    }

    @Override
    public void putAt(String table, long index, Object value) {
        if (index < 1) throw new IllegalArgumentException("durable table " + table + ": index must be positive, got " + index);
        writes++;
        Table t = table(table, true);
        if (value == null) t.clearAt(index);
        else t.put(index, value);
    }

    @Override
    public void removeFrom(String table, long fromIndex) {
        writes++;
        Table t = table(table, false);
        if (t != null) t.removeFrom(fromIndex);
    }

    @Override
    public void removeBelow(String table, long belowIndex) {
        writes++;
        Table t = table(table, false);
        if (t != null) t.removeBelow(belowIndex);
    }

    @Override
    public long lastIndex(String table) {
        Table t = table(table, false);
        return t == null ? 0 : t.lastIndex();
    }

    @Override
    public long firstIndex(String table) {
        Table t = table(table, false);
        return t == null ? 0 : t.firstIndex();
    }

    @Override
    public long writes() {
        return writes;
    }
}
