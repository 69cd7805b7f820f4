package quorumlab.protocols.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;
import quorumlab.protocols.NodeId;

/**
 * Where the processes of a cluster run: the coordinator's and each node's host and port, the seed
 * nodes that joining processes contact, the command prefix that starts a node on its host (empty
 * for this host; say {@code ssh {host}} for another one, {@code {host}} replaced by the node's host),
 * and the directory every host sees at the same path (traces, stores and logs go there; null for a
 * temporary directory on this host). docs/cluster-runtime.md describes the file.
 */
public record ClusterHosts(Place coordinator, Map<NodeId, Place> nodes, List<String> seedNodes, List<String> launcher, Path workDir) {
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
        return new ClusterHosts(coordinator, nodes, List.of(ClusterPekko.address(coordinator.host(), coordinator.port())), List.of(), null);
    }

    /**
     * A hosts file, read (JSON or YAML) into {@code tree} by the caller:
     * <pre>
     * coordinator: 10.0.0.1:25520
     * nodes: {n1: 10.0.0.2:25520, n2: 10.0.0.3:25520, n3: 10.0.0.4:25520}
     * seedNodes: [10.0.0.1:25520]      # optional; default: the coordinator
     * launcher: [ssh, "{host}"]        # optional; default: start on this host
     * workDir: /shared/quorumlab-runs  # optional; the same path on every host
     * </pre>
     *
     * @throws IllegalArgumentException naming the file and the field, for a missing or bad field
     */
    public static ClusterHosts fromTree(JsonNode tree, String file) {
        if (tree == null || !tree.isObject()) throw new IllegalArgumentException(file + ": expected a map with coordinator and nodes");
        for (Iterator<String> names = tree.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!List.of("coordinator", "nodes", "seedNodes", "launcher", "workDir").contains(name)) {
                throw new IllegalArgumentException(file + ": unknown field '" + name + "' (known: coordinator, nodes, seedNodes, launcher, workDir)");
            }
        }
        Place coordinator = place(tree.get("coordinator"), file, "coordinator");
        JsonNode nodesTree = tree.get("nodes");
        if (nodesTree == null || !nodesTree.isObject() || nodesTree.isEmpty()) {
            throw new IllegalArgumentException(file + ": field 'nodes' must map node names (n1, n2, ...) to host:port");
        }
        Map<NodeId, Place> nodes = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = nodesTree.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            NodeId id;
            try {
                id = NodeId.parse(e.getKey());
            } catch (IllegalArgumentException bad) {
                throw new IllegalArgumentException(file + ": field 'nodes." + e.getKey() + "': " + bad.getMessage());
            }
            nodes.put(id, place(e.getValue(), file, "nodes." + e.getKey()));
        }
        List<String> seeds = new ArrayList<>();
        JsonNode seedTree = tree.get("seedNodes");
        if (seedTree == null) {
            seeds.add(ClusterPekko.address(coordinator.host(), coordinator.port()));
        } else {
            if (!seedTree.isArray() || seedTree.isEmpty()) throw new IllegalArgumentException(file + ": field 'seedNodes' must be a list of host:port");
            for (int i = 0; i < seedTree.size(); i++) {
                Place p = place(seedTree.get(i), file, "seedNodes[" + i + "]");
                seeds.add(ClusterPekko.address(p.host(), p.port()));
            }
        }
        List<String> launcher = new ArrayList<>();
        JsonNode launcherTree = tree.get("launcher");
        if (launcherTree != null) {
            if (!launcherTree.isArray()) throw new IllegalArgumentException(file + ": field 'launcher' must be a list of words, e.g. [ssh, \"{host}\"]");
            launcherTree.forEach(w -> launcher.add(w.asText()));
        }
        JsonNode work = tree.get("workDir");
        return new ClusterHosts(coordinator, nodes, seeds, launcher, work == null ? null : Path.of(work.asText()));
    }

    private static Place place(JsonNode value, String file, String field) {
        String text = value == null ? null : value.asText();
        int colon = text == null ? -1 : text.lastIndexOf(':');
        if (colon <= 0) throw new IllegalArgumentException(file + ": field '" + field + "' must be host:port, got " + value);
        try {
            int port = Integer.parseInt(text.substring(colon + 1));
            if (port < 1 || port > 65535) throw new NumberFormatException();
            return new Place(text.substring(0, colon), port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(file + ": field '" + field + "' has no port from 1 to 65535: " + text);
        }
    }

    /** The launcher for {@code node}'s host: {@code {host}} replaced. */
    List<String> launcherFor(NodeId node) {
        String host = nodes.get(node).host();
        return launcher.stream().map(w -> w.replace("{host}", host)).toList();
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
