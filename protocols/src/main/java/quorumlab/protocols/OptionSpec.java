package quorumlab.protocols;

/**
 * One protocol option: its name, type ({@code Long}, {@code Double}, {@code Boolean} or
 * {@code String}), default, and the smallest value allowed for numbers.
 */
public record OptionSpec(String name, Class<?> type, Object defaultValue, String description, double min) {
    public OptionSpec {
        if (!type.isInstance(defaultValue)) {
            throw new IllegalArgumentException("default of option " + name + " is not a " + type.getSimpleName());
        }
    }

    public static OptionSpec ofLong(String name, long defaultValue, long min, String description) {
        return new OptionSpec(name, Long.class, defaultValue, description, min);
    }

    public static OptionSpec ofDouble(String name, double defaultValue, double min, String description) {
        return new OptionSpec(name, Double.class, defaultValue, description, min);
    }

    public static OptionSpec ofBoolean(String name, boolean defaultValue, String description) {
        return new OptionSpec(name, Boolean.class, defaultValue, description, 0);
    }
}
