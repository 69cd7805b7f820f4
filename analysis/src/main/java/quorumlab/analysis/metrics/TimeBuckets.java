package quorumlab.analysis.metrics;

import java.util.Arrays;

/**
 * Events counted per time bucket over a run of any length, in fixed memory: buckets of 10^k ns
 * from instant 0, at most {@link #CAPACITY} of them; when an event falls beyond the last, ten
 * neighbouring buckets merge into one and k grows. A chart's bucket of 1, 2 or 5 × 10^j ns with
 * 10^j at least the bucket width is a whole number of buckets, so its counts are exact.
 */
public final class TimeBuckets {
    static final int CAPACITY = 10_000;

    private long width = 1_000; // 1 µs to start: exact for any run longer than 75 µs
    private long[] counts = new long[CAPACITY];
    private long total;

    void add(long t) {
        long i = Math.max(0, t) / width;
        while (i >= CAPACITY) {
            long[] merged = new long[CAPACITY];
            for (int b = 0; b < CAPACITY; b++) merged[b / 10] += counts[b];
            counts = merged;
            width *= 10;
            i = Math.max(0, t) / width;
        }
        counts[(int) i]++;
        total++;
    }

    public long total() {
        return total;
    }

    /** The width of one bucket, in ns: the finest resolution a chart can draw. */
    public long width() {
        return width;
    }

    /** Counts in {@code buckets} buckets of {@code bucketNanos} from 0; events past the last go into the last. */
    public long[] counts(long bucketNanos, int buckets) {
        long[] out = new long[buckets];
        for (int b = 0; b < CAPACITY; b++) {
            if (counts[b] == 0) continue;
            out[(int) Math.min(buckets - 1, b * width / Math.max(1, bucketNanos))] += counts[b];
        }
        return out;
    }

    @Override
    public String toString() {
        return "TimeBuckets[width=" + width + ", total=" + total + ", nonEmpty=" + Arrays.stream(counts).filter(c -> c > 0).count() + "]";
    }
}
