package quorumlab.protocols;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** A server in the cluster, numbered from 1; written as {@code n1}, {@code n2}, ... */
public record NodeId(int id) implements Comparable<NodeId> {
    public NodeId {
        if (id < 1) throw new IllegalArgumentException("node ids start at 1, got " + id);
    }

    public static NodeId of(int id) {
        return new NodeId(id);
    }

    @JsonCreator
    public static NodeId parse(String name) {
        if (name == null || !name.matches("n[1-9][0-9]*")) {
            throw new IllegalArgumentException("not a node name (expected n1, n2, ...): " + name);
        }
        return new NodeId(Integer.parseInt(name.substring(1)));
    }

    @JsonValue
    @Override
    public String toString() {
        return "n" + id;
    }

    @Override
    public int compareTo(NodeId other) {
        return Integer.compare(id, other.id);
    }
}
