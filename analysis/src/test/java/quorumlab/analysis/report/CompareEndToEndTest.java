package quorumlab.analysis.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import quorumlab.analysis.charts.Charts;
import quorumlab.analysis.cli.Main;
import quorumlab.analysis.metrics.Stat;
import quorumlab.analysis.metrics.Summary;

/** compare and sweep through the real runner in the simulator, on a short leader-crash scenario. */
@Order(8)
class CompareEndToEndTest {
    static final String SCENARIO = """
            name: short-crash
            nodes: 3
            duration: 2500ms
            traceLevel: full
            network:
              delay: uniform(1ms,3ms)
            workload:
              mode: closed
              clients: 2
              thinkTime: 10ms
              keys: 3
            faults:
              - {at: 1s, type: crash, target: leader, duration: 1s}
            """;

    @TempDir
    Path tmp;

    @Test
    void compareWritesEveryFileAndTheReportAgreesWithTheSummary() throws Exception {
        Path scenario = tmp.resolve("short-crash.yaml");
        Files.writeString(scenario, SCENARIO);
        Path out = tmp.resolve("results");
        int exit = Main.commandLine().execute("compare", "--scenario", scenario.toString(), "--seeds", "2", "--out", out.toString());
        assertEquals(Main.EXIT_OK, exit);
        Path run;
        try (Stream<Path> s = Files.list(out.resolve("short-crash"))) {
            run = s.filter(p -> !p.getFileName().toString().startsWith(".")).findFirst().orElseThrow();
        }
        for (String f : List.of("report.md", "report.html", "summary.csv", "summary.json")) {
            assertTrue(Files.size(run.resolve(f)) > 0, f);
        }
        for (String stem : List.of("latency-percentiles", "latency-over-time", "throughput-over-time", "election-cdf",
                "unavailability", "ordering-raft", "ordering-multi-paxos", "gap-lifetime-cdf", "messages-per-commit", "messages-by-node")) {
            BufferedImage png = ImageIO.read(run.resolve(stem + ".png").toFile());
            assertNotNull(png, stem + ".png is not an image");
            assertEquals(Charts.WIDTH, png.getWidth(), stem);
            assertEquals(Charts.HEIGHT, png.getHeight(), stem);
            assertTrue(Files.readString(run.resolve(stem + ".svg")).contains("<svg"), stem + ".svg");
        }
        JsonNode summary = new ObjectMapper().readTree(run.resolve("summary.json").toFile());
        JsonNode raft = summary.path("protocols").path("raft");
        assertEquals(2, raft.path("seeds").asInt());
        assertEquals("true", raft.path("linearizable").asText());
        assertTrue(raft.path("violations").isArray() && raft.path("violations").isEmpty());
        assertTrue(raft.path("election_ms.median").path("value").asDouble() > 0, "the leader crash caused an election");
        assertTrue(raft.path("messages_per_commit").path("value").asDouble() > 0);
        String md = Files.readString(run.resolve("report.md"));
        String html = Files.readString(run.resolve("report.html"));
        assertTrue(html.contains("data:image/png;base64,"), "charts embedded");
        JsonNode protocols = summary.path("protocols");
        assertEquals(quorumlab.protocols.Protocol.consensus().size(), protocols.size(), "every consensus protocol ran, the unsafe baseline only on request");
        for (String field : Summary.FIELDS.keySet()) {
            StringBuilder row = new StringBuilder("| " + field + (Summary.FIELDS.get(field).pooled() ? " (pooled)" : ""));
            for (JsonNode p : protocols) {
                JsonNode f = p.path(field);
                Stat st = new Stat(f.path("n").asInt(), f.path("basis").asText(), num(f.path("value")), num(f.path("median")),
                        num(f.path("mean")), f.path("ci95").path(0).asDouble(Double.NaN), f.path("ci95").path(1).asDouble(Double.NaN));
                row.append(" | ").append(Report.cell(st));
            }
            row.append(" |");
            assertTrue(md.contains(row), "report.md row for " + field + " should be " + row);
        }
        // re-analysing the directory gives the same summary
        String before = Files.readString(run.resolve("summary.json"));
        assertEquals(Main.EXIT_OK, Main.commandLine().execute("report", run.toString()));
        assertEquals(before, Files.readString(run.resolve("summary.json")));
    }

    @Test
    void sweepOverTwoValuesWritesOneChartPerMetric() throws Exception {
        Path scenario = tmp.resolve("short-crash.yaml");
        Files.writeString(scenario, SCENARIO.replace("2500ms", "1500ms"));
        Path out = tmp.resolve("sweep");
        int exit = Main.commandLine().execute("sweep", "--scenario", scenario.toString(), "--param", "nodes=3,5",
                "--seeds", "1", "--out", out.toString());
        assertEquals(Main.EXIT_OK, exit);
        Path dir;
        try (Stream<Path> s = Files.walk(out, 2)) {
            dir = s.filter(p -> Files.exists(p.resolve("sweep.md"))).findFirst().orElseThrow();
        }
        for (String metric : Summary.FIELDS.keySet()) {
            String stem = "sweep-" + metric;
            assertNotNull(ImageIO.read(dir.resolve(stem + ".png").toFile()), stem);
            assertTrue(Files.exists(dir.resolve(stem + ".svg")), stem);
        }
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(Summary.FIELDS.size(), s.filter(p -> p.toString().endsWith(".png")).count());
        }
    }

    @Test
    void aDirectoryWithoutTracesIsBadInput() {
        assertEquals(Main.EXIT_BAD_INPUT, Main.commandLine().execute("report", tmp.toString()));
        assertEquals(Main.EXIT_BAD_INPUT, Main.commandLine().execute("sweep", "--scenario", "leader-crash", "--param", "nodes"));
    }

    private static double num(JsonNode n) {
        return n.isNumber() ? n.asDouble() : Double.NaN;
    }
}
