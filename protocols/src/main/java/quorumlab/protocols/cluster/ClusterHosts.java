package quorumlab.protocols.cluster;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;
import quorumlab.protocols.NodeId;

/**
 * Where the processes of a cluster run: the coordinator's and each node's host and port, the seed
 * nodes that joining processes contact, and the command prefix that starts a node on its host
 * (empty for this host; say {@code ssh HOST} for another one).
 */
public record ClusterHosts(Place coordinator, Map<NodeId, Place> nodes, List<String> seedNodes, List<String> launcher) {
    /** A process's host and port. */
    public record Place(String host, int port) {}

    public ClusterHosts {
        nodes = Map.copyOf(nodes);
        seedNodes = List.copyOf(seedNodes);
        launcher = List.copyOf(launcher);
    }

    /** Every process on 127.0.0.1, each on a port from {@code freePort}; the coordinator is the one seed node. */
    static ClusterHosts loopback(List<NodeId> members, IntSupplier freePort) {
        Place coordinator = new Place("127.0.0.1", freePort.getAsInt());
        Map<NodeId, Place> nodes = new LinkedHashMap<>();
        for (NodeId id : members) nodes.put(id, new Place("127.0.0.1", freePort.getAsInt()));
        return new ClusterHosts(coordinator, nodes, List.of(ClusterPekko.address(coordinator.host(), coordinator.port())), List.of());
    }

    Place place(NodeId id) {
        return nodes.get(id);
    }

    /** @throws IllegalArgumentException naming the first member with no place */
    void requirePlaces(List<NodeId> members) {
        List<NodeId> missing = new ArrayList<>();
        for (NodeId id : members) if (!nodes.containsKey(id)) missing.add(id);
        if (!missing.isEmpty()) throw new IllegalArgumentException("the hosts file places no host for " + missing);
    }
}
