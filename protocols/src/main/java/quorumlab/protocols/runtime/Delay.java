package quorumlab.protocols.runtime;

import java.util.random.RandomGenerator;

/**
 * A distribution of one-way message delays, in nanoseconds. Samples are whole nanoseconds, never
 * negative. Parameters are validated on construction with a one-line reason.
 */
public sealed interface Delay {
    long MILLIS = 1_000_000L;

    /** One sample, drawn from {@code random}. */
    long sample(RandomGenerator random);

    /** The mean of the distribution, in nanoseconds (infinite for a Pareto with shape at most 1). */
    double mean();

    static Delay constant(long nanos) {
        return new Constant(nanos);
    }

    static Delay uniform(long minNanos, long maxNanos) {
        return new Uniform(minNanos, maxNanos);
    }

    /** A normal distribution truncated at zero: negative draws are drawn again. */
    static Delay normal(double meanNanos, double stdDevNanos) {
        return new Normal(meanNanos, stdDevNanos);
    }

    static Delay exponential(double meanNanos) {
        return new Exponential(meanNanos);
    }

    /** Pareto (type I): at least {@code scaleNanos}; tail heavier as {@code shape} shrinks. */
    static Delay pareto(double scaleNanos, double shape) {
        return new Pareto(scaleNanos, shape);
    }

    record Constant(long nanos) implements Delay {
        public Constant {
            if (nanos < 0) throw new IllegalArgumentException("constant delay must not be negative, got " + nanos);
        }

        @Override
        public long sample(RandomGenerator random) {
            return nanos;
        }

        @Override
        public double mean() {
            return nanos;
        }
    }

    /** Uniform over {@code [min, max]}, both inclusive. */
    record Uniform(long min, long max) implements Delay {
        public Uniform {
            if (min < 0 || max < min) {
                throw new IllegalArgumentException("uniform delay needs 0 <= min <= max, got [" + min + ", " + max + "]");
            }
        }

        @Override
        public long sample(RandomGenerator random) {
            return min == max ? min : random.nextLong(min, max + 1);
        }

        @Override
        public double mean() {
            return (min + (double) max) / 2;
        }
    }

    record Normal(double mean, double stdDev) implements Delay {
        public Normal {
            if (!(mean >= 0) || !(stdDev >= 0)) {
                throw new IllegalArgumentException("normal delay needs mean >= 0 and stdDev >= 0, got " + mean + ", " + stdDev);
            }
        }

        @Override
        public long sample(RandomGenerator random) {
            // Redraw negatives: a truncated normal, not one with a spike at zero. After many tries
            // (only when the mean is far below zero in units of stdDev) give the bound.
            for (int tries = 0; tries < 64; tries++) {
                double x = mean + stdDev * random.nextGaussian();
                if (x >= 0) return Math.round(x);
            }
            return 0;
        }
    }

    record Exponential(double mean) implements Delay {
        public Exponential {
            if (!(mean > 0)) throw new IllegalArgumentException("exponential delay needs mean > 0, got " + mean);
        }

        @Override
        public long sample(RandomGenerator random) {
            return Math.round(-mean * Math.log(1.0 - random.nextDouble()));
        }
    }

    record Pareto(double scale, double shape) implements Delay {
        public Pareto {
            if (!(scale > 0) || !(shape > 0)) {
                throw new IllegalArgumentException("pareto delay needs scale > 0 and shape > 0, got " + scale + ", " + shape);
            }
        }

        @Override
        public long sample(RandomGenerator random) {
            double x = scale / Math.pow(1.0 - random.nextDouble(), 1.0 / shape);
            return x >= Long.MAX_VALUE / 4 ? Long.MAX_VALUE / 4 : Math.round(x);
        }

        @Override
        public double mean() {
            return shape > 1 ? shape * scale / (shape - 1) : Double.POSITIVE_INFINITY;
        }
    }
}
