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

    /** Indexes {@code [base, base + size)} in {@code slots[0 .. size)}; slots may hold nulls (holes). */
    private static final class Table {
        Object[] slots = new Object[16];
        long base = -1;
        int size;

        Object get(long index) {
            long i = index - base;
            return size == 0 || i < 0 || i >= size ? null : slots[(int) i];
        }

        void put(long index, Object value) {
            if (size == 0) {
                base = index;
            } else if (index < base) {
                long shift = base - index;
                ensureCapacity(size + shift);
                System.arraycopy(slots, 0, slots, (int) shift, size);
                java.util.Arrays.fill(slots, 0, (int) shift, null);
                size += (int) shift;
                base = index;
            }
            long i = index - base;
            if (i >= size) {
                ensureCapacity(i + 1);
                size = (int) (i + 1);
            }
            slots[(int) i] = value;
        }

        void removeFrom(long index) {
            if (size == 0 || index >= base + size) return;
            int keep = (int) Math.max(0, index - base);
            java.util.Arrays.fill(slots, keep, size, null);
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
            System.arraycopy(slots, drop, slots, 0, size - drop);
            java.util.Arrays.fill(slots, size - drop, size, null);
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

        /** Keeps slots[0] and slots[size - 1] non-null, so first and last index are exact. */
        private void trim() {
            while (size > 0 && slots[size - 1] == null) size--;
            int lead = 0;
            while (lead < size && slots[lead] == null) lead++;
            if (lead > 0) {
                System.arraycopy(slots, lead, slots, 0, size - lead);
                java.util.Arrays.fill(slots, size - lead, size, null);
                size -= lead;
                base += lead;
            }
            if (size == 0) clear();
        }

        private void clear() {
            java.util.Arrays.fill(slots, 0, size, null);
            size = 0;
            base = -1;
        }

        private void ensureCapacity(long needed) {
            if (needed > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("durable table would exceed " + (Integer.MAX_VALUE - 8) + " entries");
            }
            if (needed > slots.length) {
                slots = java.util.Arrays.copyOf(slots, (int) Math.min(Integer.MAX_VALUE - 8, Math.max(needed, slots.length * 2L)));
            }
        }
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
        Table t = tables.get(table);
        return t == null ? null : (T) t.get(index);
    }

    @Override
    public void putAt(String table, long index, Object value) {
        if (index < 1) throw new IllegalArgumentException("durable table " + table + ": index must be positive, got " + index);
        writes++;
        Table t = tables.computeIfAbsent(table, k -> new Table());
        if (value == null) {
            if (t.get(index) != null) {
                t.slots[(int) (index - t.base)] = null;
                t.trim();
            }
        } else {
            t.put(index, value);
        }
    }

    @Override
    public void removeFrom(String table, long fromIndex) {
        writes++;
        Table t = tables.get(table);
        if (t != null) t.removeFrom(fromIndex);
    }

    @Override
    public void removeBelow(String table, long belowIndex) {
        writes++;
        Table t = tables.get(table);
        if (t != null) t.removeBelow(belowIndex);
    }

    @Override
    public long lastIndex(String table) {
        Table t = tables.get(table);
        return t == null ? 0 : t.lastIndex();
    }

    @Override
    public long firstIndex(String table) {
        Table t = tables.get(table);
        return t == null ? 0 : t.firstIndex();
    }

    @Override
    public long writes() {
        return writes;
    }
}
