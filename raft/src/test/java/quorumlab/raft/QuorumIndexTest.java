package quorumlab.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import quorumlab.protocols.NodeId;

/** Figure 2's "a majority of matchIndex[i] ≥ N", solved at once, against counting for every N. */
class QuorumIndexTest {
    private static List<NodeId> nodes(int... ids) {
        return java.util.Arrays.stream(ids).mapToObj(NodeId::of).toList();
    }

    /** The largest N that a quorum holds, by counting the holders of every N as Figure 2 reads. */
    private static long byCounting(Configuration c, Map<NodeId, Long> held) {
        long best = 0;
        for (long n = 1; n <= 100; n++) {
            final long index = n;
            List<NodeId> holders = held.entrySet().stream().filter(e -> e.getValue() >= index).map(Map.Entry::getKey).toList();
            if (c.isQuorum(holders)) best = n;
        }
        return best;
    }

    @Test
    void agreesWithCountingOnRandomIndexesInSimpleAndJointConfigurations() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(7);
        List<Configuration> configurations = List.of(
                new Configuration(0, 0, nodes(1, 2, 3), List.of()),
                new Configuration(0, 0, nodes(1, 2, 3, 4), List.of()),
                new Configuration(0, 0, nodes(1, 2, 3, 4, 5), List.of()),
                new Configuration(0, 0, nodes(3, 4, 5, 6), nodes(1, 2, 3)),
                new Configuration(0, 0, nodes(1), List.of()));
        for (Configuration c : configurations) {
            for (int trial = 0; trial < 500; trial++) {
                Map<NodeId, Long> held = new java.util.HashMap<>();
                for (int id = 1; id <= 7; id++) held.put(NodeId.of(id), (long) random.nextInt(0, 100));
                assertEquals(byCounting(c, held), c.quorumIndex(v -> held.getOrDefault(v, 0L)), c + " " + held);
            }
        }
    }

    @Test
    void aNodeOutsideTheConfigurationNeverCounts() {
        Configuration c = new Configuration(0, 0, nodes(1, 2, 3), List.of());
        Map<NodeId, Long> held = Map.of(NodeId.of(1), 9L, NodeId.of(4), 9L, NodeId.of(5), 9L);
        assertEquals(0, c.quorumIndex(v -> held.getOrDefault(v, 0L)));
    }
}
