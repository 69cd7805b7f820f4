package quorumlab.analysis.viewer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import quorumlab.analysis.check.CheckStatus;
import quorumlab.analysis.check.Checks;
import quorumlab.analysis.check.LinearizabilityChecker;
import quorumlab.analysis.check.Verdict;
import quorumlab.protocols.Protocol;
import quorumlab.protocols.trace.TraceReader;
import quorumlab.protocols.trace.TraceRecord;
import quorumlab.protocols.trace.TraceWriter;
import quorumlab.workload.Runner;
import quorumlab.workload.Scenario;
import quorumlab.workload.ScenarioLoader;

/** The viewer's API called directly (and once over HTTP): states, actions, saved sessions, bad input. */
class ViewApiTest {
    /** Short, so every action's rerun is cheap: five nodes, the leader crashed at 0.8 s for 0.3 s. */
    static final String SCENARIO = """
            name: view-test
            nodes: 5
            duration: 1500ms
            traceLevel: full
            network: {delay: "uniform(1ms,3ms)"}
            workload: {clients: 2, thinkTime: 10ms, timeout: 200ms, giveUpAfter: 400ms}
            faults:
              - {at: 800ms, type: crash, target: leader, duration: 300ms}
            """;
    static final ObjectMapper JSON = new ObjectMapper();
    static final long MS = 1_000_000L;
    /** A client-burst's clients are numbered from here (the workload's Clients). */
    static final long BURST_CLIENTS = 2_000_000_000L;

    static LiveSession session() {
        Scenario s = ScenarioLoader.parse("view-test.yaml", SCENARIO, false);
        return new LiveSession(s, 1, List.of(Protocol.byName("raft"), Protocol.byName("multi-paxos")), List.of());
    }

    static JsonNode state(ViewApi api, long t) throws Exception {
        ViewApi.Response r = api.state(String.valueOf(t), String.valueOf(20 * MS));
        assertEquals(200, r.status(), r.body());
        return JSON.readTree(r.body());
    }

    static JsonNode node(JsonNode protocol, String id) {
        for (JsonNode n : protocol.get("nodes")) if (n.get("id").asText().equals(id)) return n;
        throw new AssertionError("no node " + id + " in " + protocol);
    }

    static ViewApi.Response act(ViewApi api, String json) {
        return api.act(json);
    }

    /** Every trace the tests make goes through the safety checkers and linearizability. */
    static void assertSafe(List<Source.Lane> lanes) {
        for (Source.Lane l : lanes) {
            Checks.TraceCheck check = new Checks.TraceCheck(LinearizabilityChecker.Bound.DEFAULT, true);
            l.records().forEach(check::accept);
            for (Verdict.Check c : check.finish(Checks.Settings.DEFAULT, null, "")) {
                assertEquals(CheckStatus.OK, c.status(), l.protocol() + " " + c.name() + ": " + c.summary());
            }
        }
    }

    @Test
    void theStateAtAnInstantShowsRolesLogsMessagesAndTheCrash() throws Exception {
        LiveSession live = session();
        ViewApi api = new ViewApi(live);
        JsonNode before = state(api, 700 * MS);
        assertEquals(2, before.get("protocols").size());
        List<String> leaders = new ArrayList<>();
        for (JsonNode p : before.get("protocols")) {
            String leader = p.get("leader").asText();
            assertEquals("LEADER", node(p, leader).get("role").asText(), p.get("protocol") + " leader's role");
            leaders.add(leader);
            JsonNode cells = p.get("log").get("cells").get(leader);
            assertTrue(cells.asText().contains("x"), "the leader has applied entries: " + cells);
            assertTrue(p.get("messages").size() > 0, "messages in flight from 0.7 s to 0.72 s: " + p);
            for (JsonNode m : p.get("messages")) {
                assertTrue(m.get("sent").asLong() <= 720 * MS && m.get("arrives").asLong() > 700 * MS, "in flight in the window: " + m);
                assertFalse(m.get("type").asText().isEmpty());
            }
            assertTrue(node(p, leader).get("timers").size() > 0, "the leader's heartbeat timer is shown");
        }
        JsonNode after = state(api, 900 * MS);
        int i = 0;
        for (JsonNode p : after.get("protocols")) {
            JsonNode crashed = node(p, leaders.get(i++));
            assertEquals("DOWN", crashed.get("role").asText(), p.get("protocol") + ": the scenario crashed its leader at 0.8 s");
            assertFalse(crashed.get("up").asBoolean());
            JsonNode windows = after.get("windows").get(p.get("protocol").asText());
            assertEquals("crash", windows.get(0).get("kind").asText());
            assertEquals(800 * MS, windows.get(0).get("from").asLong());
            assertEquals(1100 * MS, windows.get(0).get("to").asLong());
        }
        long next = JSON.readTree(api.next(String.valueOf(700 * MS)).body()).get("t").asLong();
        assertTrue(next > 700 * MS && next < 710 * MS, "the next event after 0.7 s: " + next);
        assertSafe(live.finish());
    }

    @Test
    void everyActionReachesBothProtocolsAtItsInstant() throws Exception {
        LiveSession live = session();
        ViewApi api = new ViewApi(live);
        assertEquals(200, act(api, "{\"type\":\"crash\",\"node\":\"n2\",\"at\":300000000}").status());
        for (JsonNode p : state(api, 301 * MS).get("protocols")) assertEquals("DOWN", node(p, "n2").get("role").asText());
        assertEquals(200, act(api, "{\"type\":\"restart\",\"node\":\"n2\",\"at\":350000000}").status());
        for (JsonNode p : state(api, 351 * MS).get("protocols")) assertTrue(node(p, "n2").get("up").asBoolean());
        assertEquals(200, act(api, "{\"type\":\"partition\",\"groups\":[[\"n1\",\"n2\"],[\"n3\",\"n4\",\"n5\"]],\"at\":400000000}").status());
        assertEquals(200, act(api, "{\"type\":\"heal\",\"at\":500000000}").status());
        // light loss: under 20% an election's votes are lost often enough (about one election in ten in
        // Raft, which here, as in etcd, asks for each vote once per term) that the burst below may find no
        // leader before the crash
        assertEquals(200, act(api, "{\"type\":\"loss\",\"value\":0.05,\"at\":520000000}").status());
        assertEquals(200, act(api, "{\"type\":\"delay\",\"ms\":8,\"at\":540000000}").status());
        String follower = null;
        JsonNode justBefore = state(api, 559 * MS);
        for (int k = 1; k <= 5 && follower == null; k++) {
            boolean both = true;
            for (JsonNode p : justBefore.get("protocols")) both &= node(p, "n" + k).get("role").asText().equals("FOLLOWER");
            if (both) follower = "n" + k;
        }
        assertNotNull(follower, "a node that follows in both protocols: " + justBefore);
        assertEquals(200, act(api, "{\"type\":\"expire\",\"node\":\"" + follower + "\",\"at\":560000000}").status());
        assertEquals(200, act(api, "{\"type\":\"burst\",\"count\":5,\"at\":580000000}").status());
        JsonNode st = state(api, 600 * MS);
        for (JsonNode p : st.get("protocols")) {
            List<String> kinds = new ArrayList<>();
            for (JsonNode w : st.get("windows").get(p.get("protocol").asText())) {
                kinds.add(w.get("kind").asText() + "@" + w.get("from").asLong() / MS + "-" + (w.get("to").isNull() ? "" : w.get("to").asLong() / MS));
            }
            assertTrue(kinds.containsAll(List.of("crash@300-350", "cut@400-500", "loss@520-", "delay@540-", "mark@560-560", "mark@580-580")),
                    p.get("protocol") + " fault timeline: " + kinds);
        }
        List<Source.Lane> lanes = live.finish();
        for (Source.Lane l : lanes) {
            boolean fired = false;
            boolean electionAfter = false;
            int burstInvokes = 0;
            int burstOk = 0;
            for (TraceRecord r : l.records()) {
                if (r instanceof TraceRecord.TimerFire f && f.t() == 560 * MS && f.node().toString().equals(follower) && f.name().equals("election")) fired = true;
                if (fired && r instanceof TraceRecord.Event e && e.node().toString().equals(follower)
                        && e.event() instanceof quorumlab.protocols.ProtocolEvent.ElectionStarted && e.t() < 600 * MS) electionAfter = true;
                if (r instanceof TraceRecord.Invoke v && v.request().clientId() >= BURST_CLIENTS && v.t() >= 580 * MS) burstInvokes++;
                if (r instanceof TraceRecord.Complete c && c.clientId() >= BURST_CLIENTS && c.outcome().equals("ok")) burstOk++;
            }
            assertTrue(fired, l.protocol() + ": the follower's election timer fired at the instant of the action");
            assertTrue(electionAfter, l.protocol() + ": the follower started an election right after");
            assertTrue(burstInvokes >= 5, l.protocol() + ": the burst's five writes were sent, " + burstInvokes);
            assertEquals(5, burstOk, l.protocol() + ": the burst's writes committed");
        }
        assertSafe(lanes);
        // an action before the last one rewrites the future: the later ones are dropped
        assertEquals(200, act(api, "{\"type\":\"heal\",\"at\":450000000}").status());
        assertEquals(List.of("crash", "restart", "partition", "heal"), live.actions().stream().map(Action::type).toList());
    }

    @Test
    void aSavedSessionReplaysToTheSameTrace(@TempDir Path dir) throws Exception {
        LiveSession live = session();
        ViewApi api = new ViewApi(live);
        assertEquals(200, act(api, "{\"type\":\"partition\",\"groups\":[[\"n1\",\"n2\"],[\"n3\",\"n4\",\"n5\"]],\"at\":250123456}").status());
        assertEquals(200, act(api, "{\"type\":\"heal\",\"at\":420000001}").status());
        assertEquals(200, act(api, "{\"type\":\"crash\",\"node\":\"n5\",\"at\":430000000}").status());
        List<Source.Lane> lanes = live.finish();
        assertSafe(lanes);
        ViewApi.Response saved = api.scenario();
        assertEquals(200, saved.status());
        Path file = dir.resolve("session.yaml");
        Files.writeString(file, saved.body());

        // quorumlab run: the Runner, the way the command line replays a scenario file
        Runner.Result run = new Runner().threads(1).run(ScenarioLoader.load(file), List.of("raft", "multi-paxos"), 1, 1,
                Runner.RuntimeKind.SIM, dir.resolve("out"), new Runner.Listener() {
                    public void started(int total) {}

                    public void finished(Runner.SeedRun r) {}
                });
        for (int i = 0; i < 2; i++) {
            Runner.SeedRun r = run.runs().get(i);
            assertEquals(lanes.get(i).protocol(), r.protocol());
            assertArrayEquals(bytes(lanes.get(i).records()), bytes(TraceReader.readAll(Runner.traceIn(r.dir()))),
                    r.protocol() + ": the saved scenario's trace differs from the live session's");
        }

        // an expired timer and a burst of writes are faults of the timeline too: quorumlab run replays them
        assertEquals(200, act(api, "{\"type\":\"expire\",\"node\":\"n3\",\"at\":600000000}").status());
        assertEquals(200, act(api, "{\"type\":\"burst\",\"count\":3,\"at\":650000000}").status());
        List<Source.Lane> withExtras = live.finish();
        assertSafe(withExtras);
        Files.writeString(file, api.scenario().body());
        String text = Files.readString(file);
        assertTrue(text.contains("type: expire-timer") && text.contains("target: n3") && text.contains("type: client-burst")
                && text.contains("count: 3"), text);
        assertFalse(text.contains("view-action"), "no viewer-only lines: " + text);
        Runner.Result rerun = new Runner().threads(1).run(ScenarioLoader.load(file), List.of("raft", "multi-paxos"), 1, 1,
                Runner.RuntimeKind.SIM, dir.resolve("out-extras"), new Runner.Listener() {
                    public void started(int total) {}

                    public void finished(Runner.SeedRun r) {}
                });
        for (int i = 0; i < 2; i++) {
            byte[] live2 = bytes(withExtras.get(i).records());
            assertArrayEquals(live2, bytes(TraceReader.readAll(Runner.traceIn(rerun.runs().get(i).dir()))), withExtras.get(i).protocol());
            // and the viewer, loading the file, runs the same
            LiveSession replay = LiveSession.load(file.toString(), 1, List.of(Protocol.byName("raft"), Protocol.byName("multi-paxos")));
            assertArrayEquals(live2, bytes(replay.finish().get(i).records()), withExtras.get(i).protocol());
        }
        assertNotEquals(bytes(lanes.get(0).records()).length, bytes(withExtras.get(0).records()).length, "the extra actions changed the run");
    }

    static byte[] bytes(List<TraceRecord> records) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TraceWriter w = TraceWriter.to(out, "memory")) {
            records.forEach(w::record);
        }
        return out.toByteArray();
    }

    @Test
    void badRequestsGetOneLineNamingTheField() throws Exception {
        ViewApi api = new ViewApi(session());
        String[][] cases = {
            {api.state("abc", null).body(), "'t'"},
            {api.state(null, null).body(), "'t'"},
            {api.state("-5", null).body(), "'t'"},
            {api.state("0", "99999999999").body(), "'window'"},
            {api.next("x").body(), "'t'"},
            {act(api, "{\"type\":\"explode\",\"at\":0}").body(), "unknown type 'explode'"},
            {act(api, "{\"type\":\"crash\",\"at\":0}").body(), "'node'"},
            {act(api, "{\"type\":\"crash\",\"node\":\"n9\",\"at\":0}").body(), "n9"},
            {act(api, "{\"type\":\"crash\",\"node\":\"n1\"}").body(), "'at'"},
            {act(api, "{\"type\":\"crash\",\"node\":\"n1\",\"at\":999999999999}").body(), "'at'"},
            {act(api, "{\"type\":\"loss\",\"value\":2,\"at\":0}").body(), "'value'"},
            {act(api, "{\"type\":\"delay\",\"ms\":0,\"at\":0}").body(), "'ms'"},
            {act(api, "{\"type\":\"burst\",\"count\":1000,\"at\":0}").body(), "'count'"},
            {act(api, "{\"type\":\"partition\",\"groups\":[[\"n1\"],[\"n1\",\"n2\"]],\"at\":0}").body(), "twice"},
            {act(api, "{\"type\":\"heal\",\"at\":0,\"colour\":1}").body(), "colour"},
            {act(api, "{not json").body(), "not a JSON action"},
            {act(api, "").body(), "empty"},
        };
        for (String[] c : cases) {
            String error = JSON.readTree(c[0]).get("error").asText();
            assertTrue(error.contains(c[1]), "'" + error + "' names " + c[1]);
            assertFalse(error.contains("\n"), "one line: " + error);
        }
        assertEquals(400, api.state("abc", null).status());
        assertEquals(400, act(api, "{\"type\":\"explode\",\"at\":0}").status());
    }

    @Test
    void aMissingOrDamagedTraceIsOneLineOnThePageAndNoActionsOnARecording(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        Files.createDirectories(run.resolve("raft/seed-1"));
        Files.write(run.resolve("raft/seed-1").resolve(Runner.TRACE_FILE), new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd, 1, 2, 3});
        Files.createDirectories(run.resolve("multi-paxos/seed-1"));
        ReplaySource source = ReplaySource.read(run, 1);
        String error = source.error();
        assertNotNull(error);
        assertFalse(error.contains("\n"), error);
        ViewApi api = new ViewApi(source);
        JsonNode st = JSON.readTree(api.state("0", null).body());
        List<String> errors = new ArrayList<>();
        for (JsonNode p : st.get("protocols")) errors.add(p.get("protocol").asText() + ": " + p.get("error").asText());
        assertTrue(errors.stream().anyMatch(e -> e.startsWith("multi-paxos: ") && e.contains("missing")), errors.toString());
        assertTrue(errors.stream().anyMatch(e -> e.startsWith("raft: ") && e.contains(Runner.TRACE_FILE)), errors.toString());
        assertEquals(400, api.act("{\"type\":\"heal\",\"at\":0}").status());
        assertTrue(ReplaySource.read(dir.resolve("nowhere"), 1).error().contains("no such directory"));
    }

    @Test
    void aRecordedRunReplaysAndExportsToOneSelfContainedFile(@TempDir Path dir) throws Exception {
        Scenario s = ScenarioLoader.parse("view-test.yaml", SCENARIO, false);
        Runner.Result run = new Runner().threads(1).run(s, List.of("raft", "multi-paxos"), 1, 1, Runner.RuntimeKind.SIM, dir,
                new Runner.Listener() {
                    public void started(int total) {}

                    public void finished(Runner.SeedRun r) {}
                });
        ReplaySource source = ReplaySource.read(run.dir(), 1);
        assertNull(source.error());
        ViewApi api = new ViewApi(source);
        JsonNode st = state(api, 700 * MS);
        for (JsonNode p : st.get("protocols")) assertNotNull(p.get("leader").textValue(), p.toString());
        Path html = dir.resolve("run.html");
        Export.write(api, html);
        String page = Files.readString(html);
        assertTrue(page.contains("window.QL_EXPORT = {"), "the data is inline");
        assertFalse(page.contains("src=\""), "no script or picture is loaded from anywhere");
        assertFalse(page.contains("href=\"viewer.css\""), "the style is inline");
        assertFalse(page.matches("(?s).*(src|href|url)\\s*[=(]\\s*[\"']?https?:.*"), "nothing from the network");
        assertFalse(page.contains("fetch('http"), "nothing from the network");
    }

    @Test
    void theServerAnswersOverHttpAndAPortInUseIsOneLine() throws Exception {
        ViewApi api = new ViewApi(session());
        try (ViewServer server = ViewServer.start(api, 0)) {
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(server.address())).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode());
            assertTrue(page.body().contains("viewer.js"));
            HttpResponse<String> info = http.send(HttpRequest.newBuilder(URI.create(server.address() + "api/info")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals("live", JSON.readTree(info.body()).get("mode").asText());
            HttpResponse<String> bad = http.send(HttpRequest.newBuilder(URI.create(server.address() + "api/action"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"crash\",\"node\":\"n7\",\"at\":0}", StandardCharsets.UTF_8)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(400, bad.statusCode());
            IllegalArgumentException inUse = assertThrows(IllegalArgumentException.class, () -> ViewServer.start(api, server.port()));
            assertTrue(inUse.getMessage().contains("port " + server.port() + " on 127.0.0.1 is in use"), inUse.getMessage());
        }
    }
}
