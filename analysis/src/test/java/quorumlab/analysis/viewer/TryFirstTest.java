package quorumlab.analysis.viewer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import quorumlab.protocols.Protocol;

/**
 * The README's three things to try first in {@code quorumlab view --scenario leader-crash}, through
 * the calls the page makes (an action at the instant on screen, then the state the page draws), and
 * what the README says the student sees. The scenario crashes its leader itself at 2 s, so each
 * check ends before that. (ViewerBrowserTest clicks the leader in the page itself.)
 */
class TryFirstTest {
    static final long MS = 1_000_000L;
    static final long AT = 1_000 * MS;

    static ViewApi live() {
        return new ViewApi(LiveSession.load("leader-crash", 1, List.of(Protocol.byName("raft"), Protocol.byName("multi-paxos"))));
    }

    static JsonNode state(ViewApi api, long t) throws Exception {
        return ViewApiTest.state(api, t);
    }

    static void act(ViewApi api, String json) {
        ViewApi.Response r = api.act(json);
        assertEquals(200, r.status(), r.body());
    }

    /** The highest index a node shows committed or applied in the strip; 0 when it shows none there. */
    static long committed(JsonNode protocol, String node) {
        JsonNode log = protocol.get("log");
        String cells = log.get("cells").get(node).asText().toLowerCase();
        int last = Math.max(cells.lastIndexOf('c'), cells.lastIndexOf('x'));
        return last < 0 ? 0 : log.get("from").asLong() + last;
    }

    @Test
    void crashTheLeaderItGoesDownInBothAndEachElectsANewOne() throws Exception {
        ViewApi api = live();
        String leader = state(api, AT).get("protocols").get(0).get("leader").asText();
        act(api, "{\"type\":\"crash\",\"node\":\"" + leader + "\",\"at\":" + AT + "}");
        for (JsonNode p : state(api, AT + 1).get("protocols")) assertEquals("DOWN", ViewApiTest.node(p, leader).get("role").asText());
        for (JsonNode p : state(api, AT + 700 * MS).get("protocols")) {
            assertNotNull(p.get("leader").textValue(), p.get("protocol") + " has a leader");
            assertNotEquals(leader, p.get("leader").asText(), p.get("protocol") + " elected another");
        }
    }

    @Test
    void partition2To3TheMinorityCannotCommitWhileTheMajorityGoesOn() throws Exception {
        ViewApi api = live();
        act(api, "{\"type\":\"partition\",\"groups\":[[\"n1\",\"n2\"],[\"n3\",\"n4\",\"n5\"]],\"at\":" + AT + "}");
        // what was in flight at the cut may still land: the minority stops within a few message delays
        JsonNode before = state(api, AT + 50 * MS);
        long[] atCut = new long[2];
        for (int i = 0; i < 2; i++) {
            JsonNode p = before.get("protocols").get(i);
            atCut[i] = Math.max(committed(p, "n1"), committed(p, "n2"));
        }
        // The strip shows the newest 40 indexes; every 50 ms it moves by fewer than that, so every index is seen.
        for (long t = AT + 50 * MS; t <= AT + 900 * MS; t += 50 * MS) {
            JsonNode now = state(api, t);
            for (int i = 0; i < 2; i++) {
                JsonNode p = now.get("protocols").get(i);
                for (String n : List.of("n1", "n2")) {
                    assertTrue(committed(p, n) <= atCut[i], p.get("protocol") + ": " + n + " committed nothing new in the minority: "
                            + committed(p, n) + " against " + atCut[i] + " at " + t);
                }
            }
        }
        for (JsonNode p : state(api, AT + 900 * MS).get("protocols")) {
            String name = p.get("protocol").asText();
            int i = name.equals(before.get("protocols").get(0).get("protocol").asText()) ? 0 : 1;
            assertTrue(Set.of("n3", "n4", "n5").contains(p.get("leader").asText()), name + ": the majority leads: " + p.get("leader"));
            assertTrue(committed(p, "n3") > atCut[i] + 10, name + ": the majority went on: " + committed(p, "n3") + " against " + atCut[i]);
        }
        act(api, "{\"type\":\"heal\",\"at\":" + (AT + 900 * MS) + "}");
        JsonNode healed = state(api, AT + 900 * MS);
        for (JsonNode p : healed.get("protocols")) {
            assertTrue(healed.get("windows").get(p.get("protocol").asText()).toString().contains("\"to\":" + (AT + 900 * MS)),
                    "the cut's window ends at the heal");
        }
    }

    @Test
    void withTenPercentLossPaxosShowsHolesBelowChosenSlotsAndRaftNever() throws Exception {
        ViewApi api = live();
        act(api, "{\"type\":\"loss\",\"value\":0.1,\"at\":" + AT + "}");
        int paxosHoles = 0;
        for (long t = AT; t < AT + 900 * MS; t += 5 * MS) {
            for (JsonNode p : state(api, t).get("protocols")) {
                for (var row : (Iterable<java.util.Map.Entry<String, JsonNode>>) p.get("log").get("cells")::fields) {
                    String cells = row.getValue().asText().toLowerCase();
                    // a hole: a slot the node has not accepted below one it has; watched: one chosen above it
                    boolean hole = cells.replaceAll("\\.+$", "").contains(".");
                    if (p.get("protocol").asText().equals("raft")) {
                        assertTrue(!hole, "raft's log has no hole: " + row.getKey() + " " + cells + " at " + t);
                    } else if (cells.matches(".*\\.[^.]*c.*")) {
                        paxosHoles++;
                    }
                }
            }
        }
        assertTrue(paxosHoles > 0, "multi-paxos showed no hole below a chosen slot in 0.9 s at 10% loss");
    }
}
