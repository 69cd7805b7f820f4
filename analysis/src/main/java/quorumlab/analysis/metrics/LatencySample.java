package quorumlab.analysis.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The points of the latency-over-time chart in bounded memory: every committed command while the
 * window holds at most {@link #EVERY} of them; beyond, the window is cut into {@link #BUCKETS}
 * equal slices and each keeps its fastest and its slowest command, so the envelope (and every
 * spike a fault causes) stays visible while the point cloud inside it is thinned.
 */
public final class LatencySample {
    static final int EVERY = 20_000;
    public static final int BUCKETS = 2_000;

    private final List<double[]> all = new ArrayList<>();
    private double fromMs;
    private double toMs;
    private double[][] fastest; // per slice {completion ms, latency ms}
    private double[][] slowest;
    private long count;

    void window(double fromMs, double toMs) {
        this.fromMs = fromMs;
        this.toMs = toMs;
    }

    void add(double completionMs, double latencyMs) {
        count++;
        if (fastest == null) {
            all.add(new double[] {completionMs, latencyMs});
            if (all.size() <= EVERY) return;
            fastest = new double[BUCKETS][];
            slowest = new double[BUCKETS][];
            for (double[] p : all) slice(p);
            all.clear();
            return;
        }
        slice(new double[] {completionMs, latencyMs});
    }

    private void slice(double[] p) {
        double span = Math.max(1e-9, toMs - fromMs);
        int b = (int) Math.max(0, Math.min(BUCKETS - 1, (p[0] - fromMs) * BUCKETS / span));
        if (fastest[b] == null || p[1] < fastest[b][1]) fastest[b] = p;
        if (slowest[b] == null || p[1] > slowest[b][1]) slowest[b] = p;
    }

    /** True when the points are the per-slice fastest and slowest rather than every command. */
    public boolean sampled() {
        return fastest != null;
    }

    /** Commands committed in the window (every one, whether drawn or not). */
    public long count() {
        return count;
    }

    public boolean isEmpty() {
        return count == 0;
    }

    /** The points to draw, in completion order. */
    public List<double[]> points() {
        if (fastest == null) return List.copyOf(all);
        List<double[]> out = new ArrayList<>();
        for (int b = 0; b < BUCKETS; b++) {
            if (fastest[b] == null) continue;
            out.add(fastest[b]);
            if (slowest[b] != fastest[b]) out.add(slowest[b]);
        }
        out.sort((x, y) -> Double.compare(x[0], y[0]));
        return out;
    }

    @Override
    public String toString() {
        return "LatencySample[count=" + count + ", sampled=" + sampled() + ", first=" + (all.isEmpty() ? "-" : Arrays.toString(all.get(0))) + "]";
    }
}
