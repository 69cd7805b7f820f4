package quorumlab.analysis.metrics;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import org.apache.commons.statistics.descriptive.Mean;
import org.apache.commons.statistics.descriptive.Median;
import org.apache.commons.statistics.descriptive.Quantile;

/**
 * One metric with its evidence. {@code value} is what the tables show: the mean over seeds for a
 * per-seed metric, or a quantile of all events pooled over seeds (elections, outages) for a pooled
 * one; {@code n} is how many seeds or events it rests on ({@code basis} says which). The 95%
 * interval is a bootstrap percentile interval: the same statistic on resamples drawn with
 * replacement, from a fixed stream so reports reproduce. Its bounds are values the statistic takes
 * on the data, so they never leave the metric's domain (no negative count or duration). NaN inputs
 * (the metric undefined on that seed) are left out; the interval is NaN below two values.
 */
public record Stat(int n, String basis, double value, double median, double mean, double ciLow, double ciHigh) {
    public static final Stat NONE = new Stat(0, "seeds", Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);

    static final int RESAMPLES = 2000;
    private static final long BOOTSTRAP_SEED = 0x5eed_b007L;
    /** Nearest rank: a quantile is always one of the observed values. */
    private static final Quantile NEAREST_RANK = Quantile.withDefaults().with(Quantile.EstimationMethod.HF1);

    /** A per-seed metric: the mean over seeds, with a bootstrap interval for the mean. */
    public static Stat of(double[] perSeed) {
        double[] v = defined(perSeed);
        if (v.length == 0) return NONE;
        double mean = Mean.of(v).getAsDouble();
        double[] ci = bootstrap(v, x -> Mean.of(x).getAsDouble());
        return new Stat(v.length, "seeds", mean, Median.withDefaults().evaluate(v), mean, ci[0], ci[1]);
    }

    /** Events pooled over seeds: quantile {@code q} of them, with a bootstrap interval for that quantile. */
    public static Stat pooled(double[] events, double q, String basis) {
        double[] v = defined(events);
        if (v.length == 0) return new Stat(0, basis, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        double value = NEAREST_RANK.evaluate(v, q);
        double[] ci = bootstrap(v, x -> NEAREST_RANK.evaluate(x, q));
        return new Stat(v.length, basis, value, Median.withDefaults().evaluate(v), Mean.of(v).getAsDouble(), ci[0], ci[1]);
    }

    /** A plain count of events (no interval: it is not an estimate). */
    public static Stat count(long events, String basis) {
        return new Stat((int) Math.min(Integer.MAX_VALUE, events), basis, events, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }

    private static double[] defined(double[] values) {
        return Arrays.stream(values).filter(d -> !Double.isNaN(d)).toArray();
    }

    private static double[] bootstrap(double[] v, ToDoubleFunction<double[]> statistic) {
        if (v.length < 2) return new double[] {Double.NaN, Double.NaN};
        SplittableRandom random = new SplittableRandom(BOOTSTRAP_SEED);
        double[] estimates = new double[RESAMPLES];
        double[] resample = new double[v.length];
        for (int b = 0; b < RESAMPLES; b++) {
            for (int i = 0; i < v.length; i++) resample[i] = v[random.nextInt(v.length)];
            estimates[b] = statistic.applyAsDouble(resample);
        }
        double[] bounds = NEAREST_RANK.evaluate(estimates, 0.025, 0.975);
        // the mean of resamples can differ from every observed value in its last bits: clamp to the data's range
        double min = Arrays.stream(v).min().getAsDouble();
        double max = Arrays.stream(v).max().getAsDouble();
        return new double[] {Math.max(min, bounds[0]), Math.min(max, bounds[1])};
    }

    public boolean defined() {
        return n > 0 && !Double.isNaN(value);
    }
}
