package quorumlab.protocols;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** A server in the cluster, numbered from 1; written as {@code n1}, {@code n2}, ... */
public record NodeId(int id) implements Comparable<NodeId> {
    public NodeId {
        if (id < 1) throw new IllegalArgumentException("node ids start at 1, got " + id);
    }

    public static NodeId of(int id) {
        return id >= 1 && id <= CACHED ? IDS[id] : new NodeId(id);
    }

    /** Every trace record names nodes, so parsing and printing them must not cost a regex or a new string. */
    private static final int CACHED = 64;
    private static final NodeId[] IDS = new NodeId[CACHED + 1];
    private static final String[] NAMES = new String[CACHED + 1];

    static {
        for (int i = 1; i <= CACHED; i++) {
            IDS[i] = new NodeId(i);
            NAMES[i] = "n" + i;
        }
    }

    @JsonCreator
    public static NodeId parse(String name) {
        int id = name == null ? -1 : number(name);
        if (id < 1) {
            throw new IllegalArgumentException("not a node name (expected n1, n2, ...): " + name);
        }
        return id <= CACHED ? IDS[id] : new NodeId(id);
    }

    /** The number in {@code n<number>}, or -1 if the name is not of that form. */
    private static int number(String name) {
        int length = name.length();
        if (length < 2 || length > 10 || name.charAt(0) != 'n' || name.charAt(1) == '0') return -1;
        int id = 0;
        for (int i = 1; i < length; i++) {
            char c = name.charAt(i);
            if (c < '0' || c > '9') return -1;
            id = id * 10 + (c - '0');
        }
        return id;
    }

    @JsonValue
    @Override
    public String toString() {
        return id <= CACHED ? NAMES[id] : "n" + id;
    }

    @Override
    public int compareTo(NodeId other) {
        return Integer.compare(id, other.id);
    }
}
