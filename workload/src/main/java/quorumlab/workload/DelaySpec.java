package quorumlab.workload;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import quorumlab.protocols.runtime.Delay;

/**
 * The delay notation of scenario files: {@code constant(2ms)}, {@code uniform(5ms,15ms)},
 * {@code normal(10ms,2ms)} (mean, standard deviation), {@code exponential(5ms)} (mean),
 * {@code pareto(2ms,1.5)} (scale, shape). A bare duration ({@code 2ms}) means constant.
 */
public final class DelaySpec {
    private static final Pattern CALL = Pattern.compile("\\s*([a-z]+)\\s*\\((.*)\\)\\s*");

    public static Delay parse(String text) {
        if (text == null || text.isBlank()) throw new IllegalArgumentException("a delay is required (for example uniform(5ms,15ms))");
        Matcher m = CALL.matcher(text);
        if (!m.matches()) {
            return Delay.constant(Durations.parse(text));
        }
        String kind = m.group(1);
        List<String> args = new ArrayList<>();
        for (String a : m.group(2).split(",")) args.add(a.trim());
        switch (kind) {
            case "constant" -> {
                arity(text, args, 1);
                return Delay.constant(Durations.parse(args.get(0)));
            }
            case "uniform" -> {
                arity(text, args, 2);
                return Delay.uniform(Durations.parse(args.get(0)), Durations.parse(args.get(1)));
            }
            case "normal" -> {
                arity(text, args, 2);
                return Delay.normal(Durations.parse(args.get(0)), Durations.parse(args.get(1)));
            }
            case "exponential" -> {
                arity(text, args, 1);
                return Delay.exponential(Durations.parse(args.get(0)));
            }
            case "pareto" -> {
                arity(text, args, 2);
                double shape;
                try {
                    shape = Double.parseDouble(args.get(1));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("pareto shape '" + args.get(1) + "' is not a number");
                }
                return Delay.pareto(Durations.parse(args.get(0)), shape);
            }
            default -> throw new IllegalArgumentException("unknown delay '" + kind
                    + "' (known: constant, uniform, normal, exponential, pareto)");
        }
    }

    private static void arity(String text, List<String> args, int n) {
        if (args.size() != n) {
            throw new IllegalArgumentException("'" + text + "' takes " + n + " argument" + (n == 1 ? "" : "s"));
        }
    }

    private DelaySpec() {}
}
