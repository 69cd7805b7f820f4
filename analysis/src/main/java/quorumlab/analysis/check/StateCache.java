package quorumlab.analysis.check;

import java.util.Arrays;

/**
 * The memo of Lowe's improvement to the Wing–Gong search: the configurations (set of operations
 * linearized, register state) already explored. Reaching one again cannot lead anywhere new, so
 * the search skips it. Bit sets live in one flat array; the set's hash is kept incrementally by
 * the caller (Zobrist hashing: the xor of one random word per linearized operation).
 */
final class StateCache {
    private final int words;
    private long[] bitsArena;
    private int size;
    private long[] hashes;
    private int[] states;
    private int[] slots; // 1 + index into the arena's entries; 0 = empty
    private int mask;

    StateCache(int operations) {
        this.words = Math.max(1, (operations + 63) >>> 6);
        int capacity = 1 << 10;
        this.hashes = new long[capacity];
        this.states = new int[capacity];
        this.slots = new int[capacity];
        this.mask = capacity - 1;
        this.bitsArena = new long[words * 256];
    }

    int size() {
        return size;
    }

    /** Adds the configuration; false when it was already there. */
    boolean add(long setHash, long[] bits, int state) {
        if (size * 2 >= slots.length) grow();
        long hash = mix(setHash ^ (state * 0x9E3779B97F4A7C15L));
        int i = (int) hash & mask;
        while (slots[i] != 0) {
            if (hashes[i] == hash && states[i] == state && sameBits(slots[i] - 1, bits)) return false;
            i = (i + 1) & mask;
        }
        if ((size + 1) * words > bitsArena.length) {
            bitsArena = Arrays.copyOf(bitsArena, Math.max(bitsArena.length * 2, (size + 1) * words));
        }
        System.arraycopy(bits, 0, bitsArena, size * words, words);
        hashes[i] = hash;
        states[i] = state;
        slots[i] = ++size;
        return true;
    }

    private boolean sameBits(int entry, long[] bits) {
        int base = entry * words;
        for (int w = 0; w < words; w++) {
            if (bitsArena[base + w] != bits[w]) return false;
        }
        return true;
    }

    private void grow() {
        long[] oldHashes = hashes;
        int[] oldStates = states;
        int[] oldSlots = slots;
        int capacity = oldSlots.length * 2;
        hashes = new long[capacity];
        states = new int[capacity];
        slots = new int[capacity];
        mask = capacity - 1;
        for (int j = 0; j < oldSlots.length; j++) {
            if (oldSlots[j] == 0) continue;
            int i = (int) oldHashes[j] & mask;
            while (slots[i] != 0) i = (i + 1) & mask;
            hashes[i] = oldHashes[j];
            states[i] = oldStates[j];
            slots[i] = oldSlots[j];
        }
    }

    /** SplitMix64's finaliser: spreads the bits of {@code z} over the whole word. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
