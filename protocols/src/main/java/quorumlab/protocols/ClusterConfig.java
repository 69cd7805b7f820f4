package quorumlab.protocols;

import java.util.ArrayList;
import java.util.List;

/** The fixed membership of a cluster: nodes n1..nN. */
public record ClusterConfig(List<NodeId> members) {
    public ClusterConfig {
        if (members.isEmpty()) throw new IllegalArgumentException("a cluster needs at least one node");
        members = List.copyOf(members);
    }

    public static ClusterConfig ofSize(int n) {
        List<NodeId> ids = new ArrayList<>();
        for (int i = 1; i <= n; i++) ids.add(NodeId.of(i));
        return new ClusterConfig(ids);
    }

    public int size() {
        return members.size();
    }

    /** The smallest number of nodes that forms a majority quorum. */
    public int majority() {
        return members.size() / 2 + 1;
    }

    public boolean contains(NodeId id) {
        return members.contains(id);
    }

    /** Every member except {@code self}, in id order. */
    public List<NodeId> peersOf(NodeId self) {
        List<NodeId> peers = new ArrayList<>(members);
        peers.remove(self);
        return peers;
    }
}
