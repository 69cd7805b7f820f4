package quorumlab.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.runtime.ClientOutcome;
import quorumlab.protocols.trace.TraceReader;
import quorumlab.protocols.trace.TraceRecord;

/** The clients' policy: what run.json says about it, and that a NotLeader hint is followed at once. */
class ClientPolicyTest {
    private static final Runner.Listener QUIET = new Runner.Listener() {
        @Override
        public void started(int total) {}

        @Override
        public void finished(Runner.SeedRun run) {}
    };

    /** fixed-leader-log: n1 always leads and every other node answers NotLeader(hint n1). */
    private static Scenario threeNodes() {
        return ScenarioLoader.parse("hint.yaml", """
                name: hint
                nodes: 3
                duration: 600ms
                network: {delay: "uniform(1ms,3ms)"}
                workload: {clients: 3, thinkTime: 5ms, timeout: 300ms, giveUpAfter: 600ms}
                """, false);
    }

    /**
     * Clients 1 and 2 start at followers (a client starts at node clientId mod 3). Each NotLeader reply
     * names n1, and the client's next attempt at the same request goes to n1 at the instant the reply
     * arrived, not a timeout later.
     */
    @ParameterizedTest
    // the cluster runtime's process start-up is tested once, in the analysis module's ClusterRuntimeTest
    @EnumSource(value = Runner.RuntimeKind.class, names = {"SIM", "LOCAL"})
    void aClientFollowsANotLeaderHintAtOnce(Runner.RuntimeKind runtime, @TempDir Path out) {
        Runner.Result r = new Runner().run(threeNodes(), List.of("fixed-leader-log"), 1, 1, runtime, out, QUIET);
        List<TraceRecord> trace = TraceReader.readAll(r.runs().get(0).dir().resolve(Runner.TRACE_FILE));
        Map<String, List<TraceRecord>> byRequest = new HashMap<>();
        for (TraceRecord t : trace) {
            if (t instanceof TraceRecord.Invoke i) {
                byRequest.computeIfAbsent(i.request().clientId() + ":" + i.request().seq(), k -> new ArrayList<>()).add(t);
            } else if (t instanceof TraceRecord.Complete c) {
                byRequest.computeIfAbsent(c.clientId() + ":" + c.seq(), k -> new ArrayList<>()).add(t);
            }
        }
        int followed = 0;
        for (Map.Entry<String, List<TraceRecord>> e : byRequest.entrySet()) {
            List<TraceRecord> records = e.getValue();
            for (int k = 0; k < records.size(); k++) {
                if (!(records.get(k) instanceof TraceRecord.Complete c) || !ClientOutcome.NOT_LEADER.equals(c.outcome())) continue;
                assertTrue(k + 1 < records.size(), "request " + e.getKey() + " was not sent again after NotLeader");
                TraceRecord.Invoke next = (TraceRecord.Invoke) records.get(k + 1);
                assertEquals(NodeId.of(1), next.node(), "request " + e.getKey() + " went to the hinted leader");
                long waited = next.t() - c.t();
                assertTrue(waited >= 0 && waited < 5_000_000L, "request " + e.getKey() + " waited " + waited + " ns after the hint");
                followed++;
            }
        }
        assertTrue(followed >= 2, "clients 1 and 2 each got a hint and followed it; followed " + followed);
    }

    @Test
    void runJsonStatesTheClientPolicy(@TempDir Path out) throws IOException {
        Runner.Result r = new Runner().run(threeNodes(), List.of("fixed-leader-log"), 1, 1, Runner.RuntimeKind.SIM, out, QUIET);
        JsonNode clients = new ObjectMapper().readTree(r.dir().resolve(Runner.RUN_FILE).toFile()).get("clients");
        assertEquals("closed", clients.get("loop").asText());
        assertEquals(3, clients.get("clients").asInt());
        assertEquals("5ms", clients.get("thinkTime").asText());
        assertEquals("300ms", clients.get("timeout").asText());
        assertEquals("600ms", clients.get("giveUpAfter").asText());
        assertEquals("0s", clients.get("warmup").asText());
        assertTrue(clients.get("notLeader").asText().contains("at once"), clients.toString());
        assertTrue(clients.get("notLeader").asText().contains("10ms"), clients.toString());
    }
}
