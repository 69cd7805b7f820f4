package quorumlab.protocols.check;

import java.util.Arrays;

/**
 * A map from log index (or slot) to a value, for the indexes a streaming checker still holds in
 * full: a window of consecutive indexes over a ring of slots, in place of a {@code TreeMap<Long, V>}.
 * A checker's indexes arrive nearly in order and leave from the bottom once settled
 * ({@link #removeThrough}), so the ring stays as wide as the indexes held (say, those above the
 * {@link AppliedFloor}) and a lookup is an array access with no boxing. Gaps are allowed; an index
 * below the window widens it downwards.
 */
public final class IndexWindow<V> {
    /** What {@link #forEach} hands each index held. */
    public interface Visitor<V> {
        void visit(long index, V value);
    }

    private Object[] slots = new Object[64];
    /** Every index held is in [low, high). */
    private long low;
    private long high;
    private int size;

    public V get(long index) {
        return index >= low && index < high ? at(index) : null;
    }

    /** Stores {@code value} (not null) at {@code index}; returns what was there, or null. */
    public V put(long index, V value) {
        if (size == 0) {
            low = index;
            high = index;
        }
        long newLow = Math.min(low, index);
        long newHigh = Math.max(high, index + 1);
        if (newHigh - newLow > slots.length) grow(newLow, newHigh);
        low = newLow;
        high = newHigh;
        int slot = slot(index);
        @SuppressWarnings("unchecked")
        V before = (V) slots[slot];
        slots[slot] = value;
        if (before == null) size++;
        return before;
    }

    /** As {@code put}, unless something is there already: returns that, and leaves it. */
    public V putIfAbsent(long index, V value) {
        V before = get(index);
        if (before != null) return before;
        put(index, value);
        return null;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** The lowest index held; the window must not be empty. */
    public long lowestIndex() {
        if (size == 0) throw new IllegalStateException("no index held");
        while (at(low) == null) low++;
        return low;
    }

    /** The highest index held; the window must not be empty. */
    public long lastIndex() {
        if (size == 0) throw new IllegalStateException("no index held");
        while (at(high - 1) == null) high--;
        return high - 1;
    }

    /** Hands every index held in [from, to], in order, to {@code visitor}. */
    public void forEach(long from, long to, Visitor<V> visitor) {
        for (long i = Math.max(from, low), end = Math.min(to, high - 1); i <= end; i++) {
            V v = at(i);
            if (v != null) visitor.visit(i, v);
        }
    }

    /** Forgets every index through {@code index}. */
    public void removeThrough(long index) {
        for (long i = low, end = Math.min(index, high - 1); i <= end; i++) clear(i);
        if (index >= low) low = Math.min(index + 1, high);
        if (size == 0) low = high;
    }

    /** Forgets every index from {@code index} on. */
    public void removeFrom(long index) {
        for (long i = Math.max(index, low); i < high; i++) clear(i);
        if (index < high) high = Math.max(index, low);
        if (size == 0) high = low;
    }

    private void clear(long index) {
        int slot = slot(index);
        if (slots[slot] != null) {
            slots[slot] = null;
            size--;
        }
    }

    @SuppressWarnings("unchecked")
    private V at(long index) {
        return (V) slots[slot(index)];
    }

    private int slot(long index) {
        return (int) (index & (slots.length - 1));
    }

    private void grow(long newLow, long newHigh) {
        long width = newHigh - newLow;
        if (width > 1 << 30) throw new IllegalStateException("index window too wide: " + newLow + ".." + newHigh);
        int capacity = slots.length;
        while (capacity < width) capacity <<= 1;
        Object[] old = slots;
        slots = new Object[capacity];
        for (long i = low; i < high; i++) slots[slot(i)] = old[(int) (i & (old.length - 1))];
        Arrays.fill(old, null);
    }
}
