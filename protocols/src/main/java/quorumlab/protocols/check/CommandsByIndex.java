package quorumlab.protocols.check;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The command each log index (or slot) holds, as a streaming checker remembers it: in full while
 * some node may still act on the index, then, once the caller says every node is past it
 * ({@link #settleThrough}), as a 64-bit fingerprint only. A node that restarts and applies an old
 * index again is still compared, at 8 bytes per settled index (about 29 MB for a virtual hour at
 * 1,000 commands per second) instead of a string per index. Two different commands whose
 * fingerprints collide (odds 2^-64) would go unnoticed.
 */
public final class CommandsByIndex {
    private final Map<Long, String> recent = new HashMap<>();
    private long[] settled = new long[1024]; // fingerprint + 1 per settled index; 0 = nothing there
    private long settledThrough;

    /**
     * Records {@code command} at {@code index} unless something is there already.
     *
     * @return null when the index was empty or holds {@code command}; else what it holds (a settled
     *     index, known by fingerprint only, says so)
     */
    public String conflict(long index, String command) {
        if (index <= settledThrough) {
            long known = settledAt(index);
            if (known == 0) {
                store(index, command);
                return null;
            }
            return known == fingerprint(command) + 1 ? null : "another command (index settled earlier)";
        }
        String before = recent.putIfAbsent(index, command);
        return before == null || before.equals(command) ? null : before;
    }

    /** True when something is recorded at {@code index}. */
    public boolean has(long index) {
        return index <= settledThrough ? settledAt(index) != 0 : recent.containsKey(index);
    }

    /** The command at {@code index} in full, or null when none is recorded or the index is settled. */
    public String recentAt(long index) {
        return recent.get(index);
    }

    /** Null when {@code index} holds {@code command} or nothing; else what it holds, as in {@link #conflict}. */
    public String differs(long index, String command) {
        if (index <= settledThrough) {
            long known = settledAt(index);
            return known == 0 || known == fingerprint(command) + 1 ? null : "another command (index settled earlier)";
        }
        String before = recent.get(index);
        return before == null || before.equals(command) ? null : before;
    }

    /** Every index through {@code index} is kept as a fingerprint from now on. */
    public void settleThrough(long index) {
        while (settledThrough < index) {
            settledThrough++;
            String command = recent.remove(settledThrough);
            if (command != null) store(settledThrough, command);
        }
    }

    /** How many indexes are held in full: what a checker's memory grows with. */
    public int recentSize() {
        return recent.size();
    }

    private long settledAt(long index) {
        return index < settled.length ? settled[(int) index] : 0;
    }

    private void store(long index, String command) {
        if (index >= settled.length) settled = Arrays.copyOf(settled, (int) Math.max(index + 1, settled.length * 2L));
        settled[(int) index] = fingerprint(command) + 1;
    }

    /** FNV-1a over the characters, spread by SplitMix64's finaliser; never -1, so + 1 is never 0. */
    static long fingerprint(String s) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001b3L;
        }
        h = (h ^ (h >>> 30)) * 0xBF58476D1CE4E5B9L;
        h = (h ^ (h >>> 27)) * 0x94D049BB133111EBL;
        h ^= h >>> 31;
        return h == -1 ? 0 : h;
    }
}
