package quorumlab.protocols.cluster;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import quorumlab.protocols.NodeId;

/**
 * What the coordinator tells a node process it starts, on the process's command line, as JSON: who it is, where it listens, how to join the cluster, the protocol and its options, its
 * random stream's seed, where it writes its trace and keeps its durable store.
 *
 * @param seedNodes Pekko addresses of the cluster's seed nodes ({@code pekko://quorumlab@host:port})
 * @param coordinator the coordinator's Pekko address, where the node reports and answers clients
 * @param traceFile the node's own trace (JSON Lines, not compressed), or null for none
 * @param store {@code memory} or {@code disk}
 */
record NodeSpec(
        NodeId node,
        int incarnation,
        String host,
        int port,
        List<String> seedNodes,
        String coordinator,
        List<NodeId> members,
        String protocol,
        Map<String, Object> options,
        long randomSeed,
        long networkSeed,
        String traceFile,
        String traceLevel,
        boolean countMessages,
        String store,
        String storeDir) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The spec as one line of JSON, passed on the command line (no file to share with another host). */
    String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the node spec of " + node + ": " + e.getMessage(), e);
        }
    }

    static NodeSpec parse(String json) throws IOException {
        return JSON.readValue(json, NodeSpec.class);
    }
}
