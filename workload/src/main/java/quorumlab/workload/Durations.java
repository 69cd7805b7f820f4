package quorumlab.workload;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as scenarios write them: {@code 150ms}, {@code 2s}, {@code 500us}, {@code 1m}, {@code 0}. */
public final class Durations {
    private static final Pattern FORM = Pattern.compile("\\s*([0-9]+(?:\\.[0-9]+)?)\\s*(ns|us|ms|s|m|h)?\\s*");

    /** Nanoseconds, or IllegalArgumentException with the reason. */
    public static long parse(String text) {
        if (text == null) throw new IllegalArgumentException("a duration is required (for example 150ms)");
        Matcher m = FORM.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration (for example 150ms, 2s, 500us)");
        }
        double value = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? (value == 0 ? "ns" : "") : m.group(2);
        double scale = switch (unit) {
            case "ns" -> 1;
            case "us" -> 1e3;
            case "ms" -> 1e6;
            case "s" -> 1e9;
            case "m" -> 60e9;
            case "h" -> 3600e9;
            default -> throw new IllegalArgumentException("duration '" + text + "' needs a unit (ns, us, ms, s, m, h)");
        };
        return Math.round(value * scale);
    }

    /** A duration written back in the largest unit that keeps it whole. */
    public static String format(long nanos) {
        if (nanos % 1_000_000_000L == 0) return nanos / 1_000_000_000L + "s";
        if (nanos % 1_000_000L == 0) return nanos / 1_000_000L + "ms";
        if (nanos % 1_000L == 0) return nanos / 1_000L + "us";
        return nanos + "ns";
    }

    private Durations() {}
}
