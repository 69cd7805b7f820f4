package quorumlab.analysis.metrics;

import java.util.Arrays;
import org.apache.commons.statistics.descriptive.Mean;
import org.apache.commons.statistics.descriptive.Median;
import org.apache.commons.statistics.descriptive.StandardDeviation;
import org.apache.commons.statistics.distribution.TDistribution;

/**
 * One metric across seeds: median, mean and a 95% Student-t confidence interval for the mean
 * (Apache Commons Statistics). Seeds where the metric is undefined (NaN, e.g. no election
 * happened) are left out; {@code n} says how many remained. {@code ciLow}/{@code ciHigh} are NaN
 * when fewer than two values remain.
 */
public record Stat(int n, double median, double mean, double ciLow, double ciHigh) {
    public static final Stat NONE = new Stat(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);

    public static Stat of(double[] perSeed) {
        double[] v = Arrays.stream(perSeed).filter(d -> !Double.isNaN(d)).toArray();
        if (v.length == 0) return NONE;
        double median = Median.withDefaults().evaluate(v);
        double mean = Mean.of(v).getAsDouble();
        if (v.length < 2) return new Stat(1, median, mean, Double.NaN, Double.NaN);
        double sd = StandardDeviation.of(v).getAsDouble();
        double t = TDistribution.of(v.length - 1).inverseCumulativeProbability(0.975);
        double half = t * sd / Math.sqrt(v.length);
        return new Stat(v.length, median, mean, mean - half, mean + half);
    }

    public boolean defined() {
        return n > 0;
    }
}
