package quorumlab.analysis.check;

import java.util.Arrays;

/**
 * The memo of Lowe's improvement to the Wing–Gong search: the configurations already explored.
 * Reaching one again cannot lead anywhere new, so the search skips it. A configuration is a key of
 * a few words (see {@link RegisterSearch}); keys live one after another in a flat array, found
 * through an open-addressing table of their hashes.
 */
final class StateCache {
    // Small to start: most searches are of a window of one or two operations and explore a few
    // configurations, and a search per window is made for every key of a long run; both arrays grow.
    private long[] arena = new long[1 << 6];
    private int arenaSize;
    private int size;
    private long[] hashes = new long[1 << 4];
    private int[] offsets = new int[1 << 4]; // 1 + where the key starts in the arena; 0 = empty slot
    private int mask = (1 << 4) - 1;

    int size() {
        return size;
    }

    /**
     * Adds {@code key} ({@code key[0]} = L, the key's words in {@code key[1..L]}).
     *
     * @return false when it was already there
     */
    boolean add(long[] key) {
        if (size * 2 >= offsets.length) grow();
        int length = (int) key[0];
        long hash = length;
        for (int i = 1; i <= length; i++) hash = mix(hash * 31 + key[i]);
        int slot = (int) hash & mask;
        while (offsets[slot] != 0) {
            if (hashes[slot] == hash && same(offsets[slot] - 1, key, length)) return false;
            slot = (slot + 1) & mask;
        }
        if (arenaSize + length + 1 > arena.length) {
            arena = Arrays.copyOf(arena, Math.max(arena.length * 2, arenaSize + length + 1));
        }
        System.arraycopy(key, 0, arena, arenaSize, length + 1);
        hashes[slot] = hash;
        offsets[slot] = arenaSize + 1;
        arenaSize += length + 1;
        size++;
        return true;
    }

    private boolean same(int at, long[] key, int length) {
        if (arena[at] != length) return false;
        for (int i = 1; i <= length; i++) {
            if (arena[at + i] != key[i]) return false;
        }
        return true;
    }

    private void grow() {
        long[] oldHashes = hashes;
        int[] oldOffsets = offsets;
        int capacity = oldOffsets.length * 2;
        hashes = new long[capacity];
        offsets = new int[capacity];
        mask = capacity - 1;
        for (int j = 0; j < oldOffsets.length; j++) {
            if (oldOffsets[j] == 0) continue;
            int slot = (int) oldHashes[j] & mask;
            while (offsets[slot] != 0) slot = (slot + 1) & mask;
            hashes[slot] = oldHashes[j];
            offsets[slot] = oldOffsets[j];
        }
    }

    /** SplitMix64's finaliser: spreads the bits of {@code z} over the whole word. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
