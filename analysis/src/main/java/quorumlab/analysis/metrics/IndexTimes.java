package quorumlab.analysis.metrics;

import java.util.Arrays;

/**
 * An instant per log index, for the indexes at or above a floor that only rises: a dense array
 * instead of a map, so a long run costs memory for the indexes still in flight, not for the log.
 * An index below the floor is forgotten: {@link #get} says {@link #FORGOTTEN}.
 */
final class IndexTimes {
    static final long ABSENT = -1;
    static final long FORGOTTEN = -2;

    private long floor;
    private long offset; // the index held in at[0]
    private long[] at = new long[1024];

    IndexTimes() {
        Arrays.fill(at, ABSENT);
    }

    long get(long index) {
        if (index < floor) return FORGOTTEN;
        long i = index - offset;
        return i >= at.length ? ABSENT : at[(int) i];
    }

    /** Sets the instant unless one is set (or the index is forgotten); returns what was there before. */
    long putIfAbsent(long index, long t) {
        long before = get(index);
        if (before != ABSENT) return before;
        long i = index - offset;
        if (i >= at.length) {
            int size = at.length;
            while (i >= size) size *= 2;
            long[] grown = Arrays.copyOf(at, size);
            Arrays.fill(grown, at.length, size, ABSENT);
            at = grown;
        }
        at[(int) i] = t;
        return ABSENT;
    }

    void remove(long index) {
        if (get(index) >= 0) at[(int) (index - offset)] = ABSENT;
    }

    /** Forgets every index below {@code newFloor}. */
    void raiseFloor(long newFloor) {
        if (newFloor <= floor) return;
        floor = newFloor;
        long shift = floor - offset;
        // moving the array costs a copy: only once half of it is behind the floor
        if (shift < at.length / 2) return;
        if (shift >= at.length) {
            Arrays.fill(at, ABSENT);
        } else {
            System.arraycopy(at, (int) shift, at, 0, at.length - (int) shift);
            Arrays.fill(at, at.length - (int) shift, at.length, ABSENT);
        }
        offset = floor;
    }
}
