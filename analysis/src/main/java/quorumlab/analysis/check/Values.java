package quorumlab.analysis.check;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The plain values a history holds, as readers make them and writers and reports show them. */
final class Values {
    private Values() {}

    /**
     * Makes {@code raw} one of the value kinds of {@link HistoryEvent}: integers as Long, lists as
     * unmodifiable lists, EDN keywords and symbols as their printed form ({@code ":foo"}).
     *
     * @throws IllegalArgumentException when {@code raw} is a map
     */
    static Object normalize(Object raw) {
        if (raw == null || raw instanceof String || raw instanceof Long || raw instanceof Boolean
                || raw instanceof Double) {
            return raw;
        }
        if (raw instanceof Integer || raw instanceof Short || raw instanceof Byte) {
            return ((Number) raw).longValue();
        }
        if (raw instanceof BigInteger big) {
            return big.bitLength() < 64 ? (Object) big.longValue() : big.toString();
        }
        if (raw instanceof BigDecimal || raw instanceof Float) {
            return ((Number) raw).doubleValue();
        }
        if (raw instanceof Character c) {
            return String.valueOf(c);
        }
        if (raw instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            for (Object item : list) copy.add(normalize(item));
            return java.util.Collections.unmodifiableList(copy);
        }
        if (raw instanceof Map) {
            throw new IllegalArgumentException("a value must be a number, string, boolean, null or list, not a map");
        }
        return raw.toString();
    }

    /** A short human form: strings quoted, null as nil. */
    static String show(Object value) {
        if (value == null) return "nil";
        if (value instanceof String s) return "\"" + s + "\"";
        if (value instanceof List<?> list) {
            StringBuilder b = new StringBuilder("[");
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) b.append(' ');
                b.append(show(list.get(i)));
            }
            return b.append(']').toString();
        }
        return value.toString();
    }
}
