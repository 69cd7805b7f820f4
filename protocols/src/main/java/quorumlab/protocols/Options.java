package quorumlab.protocols;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A protocol's options, resolved: every option has a value of its declared type. */
public final class Options {
    private final Map<String, Object> values;

    private Options(Map<String, Object> values) {
        this.values = Collections.unmodifiableMap(values);
    }

    /**
     * Checks {@code given} against {@code specs} and fills in defaults.
     *
     * @throws IllegalArgumentException with a one-line reason naming the option
     */
    public static Options resolve(String protocol, List<OptionSpec> specs, Map<String, ?> given) {
        Map<String, OptionSpec> byName = new LinkedHashMap<>();
        specs.forEach(s -> byName.put(s.name(), s));
        for (String name : given.keySet()) {
            if (!byName.containsKey(name)) {
                throw new IllegalArgumentException(
                        "unknown option '" + name + "' for protocol " + protocol + " (known: "
                                + String.join(", ", byName.keySet()) + ")");
            }
        }
        Map<String, Object> resolved = new TreeMap<>();
        for (OptionSpec spec : specs) {
            Object raw = given.containsKey(spec.name()) ? given.get(spec.name()) : spec.defaultValue();
            resolved.put(spec.name(), coerce(protocol, spec, raw));
        }
        return new Options(resolved);
    }

    private static Object coerce(String protocol, OptionSpec spec, Object raw) {
        String where = "option '" + spec.name() + "' of " + protocol;
        if (spec.type() == Boolean.class) {
            if (raw instanceof Boolean) return raw;
            if ("true".equals(raw) || "false".equals(raw)) return Boolean.valueOf((String) raw);
            throw new IllegalArgumentException(where + " must be true or false, got " + raw);
        }
        if (spec.type() == String.class) {
            if (raw instanceof String) return raw;
            throw new IllegalArgumentException(where + " must be a string, got " + raw);
        }
        double number;
        if (raw instanceof Number n) {
            number = n.doubleValue();
        } else if (raw instanceof String s) {
            try {
                number = Double.parseDouble(s);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(where + " must be a number, got '" + s + "'");
            }
        } else {
            throw new IllegalArgumentException(where + " must be a number, got " + raw);
        }
        if (number < spec.min()) {
            throw new IllegalArgumentException(where + " must be at least " + spec.min() + ", got " + raw);
        }
        if (spec.type() == Long.class) {
            if (number != Math.rint(number)) {
                throw new IllegalArgumentException(where + " must be a whole number, got " + raw);
            }
            return (long) number;
        }
        return number;
    }

    public long getLong(String name) {
        return (Long) require(name);
    }

    public double getDouble(String name) {
        return (Double) require(name);
    }

    public boolean getBoolean(String name) {
        return (Boolean) require(name);
    }

    public String getString(String name) {
        return (String) require(name);
    }

    /** Every option with its value, in name order (written to run.json). */
    public Map<String, Object> asMap() {
        return values;
    }

    private Object require(String name) {
        Object v = values.get(name);
        if (v == null) throw new IllegalArgumentException("no option named " + name);
        return v;
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
