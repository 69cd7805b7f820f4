package quorumlab.protocols;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class NodeIdTest {
    @Test
    void namesRoundTrip() {
        for (int id : new int[] {1, 9, 10, 64, 65, 1000, 999_999_999}) {
            NodeId node = NodeId.of(id);
            assertEquals("n" + id, node.toString());
            assertEquals(node, NodeId.parse(node.toString()));
        }
    }

    @Test
    void malformedNamesAreRefused() {
        for (String bad : new String[] {"", "n", "n0", "n01", "m1", "n1x", "n-1", "1", "n12345678901", " n1"}) {
            assertThrows(IllegalArgumentException.class, () -> NodeId.parse(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> NodeId.parse(null));
    }
}
