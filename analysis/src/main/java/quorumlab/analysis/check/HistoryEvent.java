package quorumlab.analysis.check;

import java.util.List;
import java.util.Locale;

/**
 * One line of a client history, in the convention of Jepsen, Knossos and Porcupine: a process
 * invokes an operation, and later the operation completes as {@code ok}, {@code fail} (it certainly
 * did not take effect) or {@code info} (it may or may not have taken effect).
 *
 * <p>{@code key} is null when the history is one register. Keys and values are plain Java values:
 * {@code null}, {@link Long}, {@link String}, {@link Boolean}, {@link Double} or a {@link List} of
 * them; a cas value is the list {@code [from, to]}; an append's value is the string it appends. {@code time} is in nanoseconds, or
 * {@link #NO_TIME} when the source gave none. See docs/history-format.md.
 */
public record HistoryEvent(long process, Type type, Fn f, Object key, Object value, long time) {
    public static final long NO_TIME = -1;

    public enum Type {
        INVOKE, OK, FAIL, INFO;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** @return the type named {@code label}, or null when it is not one */
        public static Type parse(String label) {
            for (Type t : values()) {
                if (t.label().equals(label)) return t;
            }
            return null;
        }
    }

    /**
     * The key-value operations: {@code read}, {@code write}, {@code cas}, and {@code append}, which
     * adds a string to the end of the key's value (Porcupine's key-value model). Porcupine's names
     * {@code get} and {@code put} are read and write.
     */
    public enum Fn {
        READ, WRITE, CAS, APPEND;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** @return the function named {@code label} (or its alias get, put), or null when it is not one */
        public static Fn parse(String label) {
            if ("get".equals(label)) return READ;
            if ("put".equals(label)) return WRITE;
            for (Fn f : values()) {
                if (f.label().equals(label)) return f;
            }
            return null;
        }
    }

    public static HistoryEvent invoke(long process, Fn f, Object key, Object value, long time) {
        return new HistoryEvent(process, Type.INVOKE, f, key, value, time);
    }

    public boolean isInvoke() {
        return type == Type.INVOKE;
    }

    @Override
    public String toString() {
        return "{process " + process + ", " + type.label() + " " + f.label()
                + (key != null ? " key " + key : "") + " value " + value
                + (time != NO_TIME ? " at " + time : "") + "}";
    }
}
