package quorumlab.analysis.viewer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import quorumlab.analysis.cli.Main;
import quorumlab.workload.Runner;
import quorumlab.workload.ScenarioLoader;

/**
 * {@code quorumlab view} through the command line, as a user runs it: a recorded run served and
 * replayed over HTTP; exported to one HTML file that names no address outside itself; and a run
 * whose traces are missing or damaged, which is one line in the terminal and on the page (the
 * readable protocol still plays), or one line and exit 2 when there is nothing to show or export.
 */
class ViewCommandTest {
    static final long MS = 1_000_000L;
    @TempDir
    static Path dir;
    static Path run;

    @BeforeAll
    static void aRecordedRun() {
        run = new Runner().threads(2).run(ScenarioLoader.parse("view-test.yaml", ViewApiTest.SCENARIO, false), List.of("raft", "multi-paxos"),
                1, 1, Runner.RuntimeKind.SIM, dir.resolve("runs"), new Runner.Listener() {
                    public void started(int total) {}

                    public void finished(Runner.SeedRun r) {}
                }).dir();
    }

    /** A command run in this JVM: what it printed, and its exit code once it has ended. */
    static final class Command {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final AtomicInteger code = new AtomicInteger(-1);
        final Thread thread;

        Command(String... args) {
            CommandLine cli = Main.commandLine();
            cli.setOut(new PrintWriter(out, true));
            cli.setErr(new PrintWriter(err, true));
            thread = new Thread(() -> code.set(cli.execute(args)), "view-command");
            thread.start();
        }

        int exit() throws InterruptedException {
            thread.join(60_000);
            assertFalse(thread.isAlive(), "the command did not end: " + out + err);
            return code.get();
        }

        /** The address a serving view printed. */
        String address() throws InterruptedException {
            Pattern p = Pattern.compile(" at (http://127\\.0\\.0\\.1:[0-9]+/) \\(Ctrl-C to stop\\)");
            for (int i = 0; i < 600; i++) {
                Matcher m = p.matcher(out.toString());
                if (m.find()) return m.group(1);
                assertTrue(thread.isAlive(), "the view ended: " + out + err);
                Thread.sleep(50);
            }
            throw new AssertionError("no address printed: " + out + err);
        }

        /** Stops the serving view, as Ctrl-C would a terminal's. */
        int stop() throws InterruptedException {
            thread.interrupt();
            return exit();
        }
    }

    static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aRecordedRunIsServedAndReplayedOverHttp() throws Exception {
        Command view = new Command("view", run.toString());
        String address = view.address();
        HttpResponse<String> page = get(address);
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("viewer.js"), page.body());
        assertEquals(200, get(address + "viewer.js").statusCode());
        JsonNode info = ViewApiTest.JSON.readTree(get(address + "api/info").body());
        assertEquals("replay", info.get("mode").asText());
        JsonNode state = ViewApiTest.JSON.readTree(get(address + "api/state?t=" + 700 * MS + "&window=" + 20 * MS).body());
        assertEquals(2, state.get("protocols").size());
        for (JsonNode p : state.get("protocols")) assertNotNull(p.get("leader").textValue(), "a leader at 700 ms: " + p);
        assertEquals("", view.err.toString(), "nothing on stderr");
        assertEquals(Main.EXIT_INTERRUPTED, view.stop());
        assertThrows(IOException.class, () -> get(address), "the server stopped with the command");
    }

    @Test
    void anExportIsOneFileThatNamesNoAddressOutsideItself() throws Exception {
        Path html = dir.resolve("export/run.html");
        Command export = new Command("view", "--export", html.toString(), run.toString());
        assertEquals(0, export.exit(), export.err.toString());
        assertTrue(export.out.toString().startsWith("quorumlab view: wrote " + html), export.out.toString());
        String page = Files.readString(html);
        assertTrue(page.contains("window.QL_EXPORT = {"), "the run is inline");
        // The only absolute URL is SVG's namespace, a name that is never fetched; nothing protocol-relative either.
        Matcher urls = Pattern.compile("(?i)(https?:)?//[a-z0-9.-]+\\.[a-z]{2,}[^\\s\"'<>)]*").matcher(page);
        while (urls.find()) assertEquals("http://www.w3.org/2000/svg", urls.group(), "an address outside the file");
        assertFalse(Pattern.compile("(?i)<(script|link|img|iframe)[^>]*(src|href)\\s*=").matcher(page).find(), "nothing loaded by a tag");
        assertFalse(Pattern.compile("(?i)@import|url\\(\\s*['\"]?(?!data:|#)").matcher(page).find(), "nothing loaded by the style");
        try (Stream<Path> files = Files.list(html.getParent())) {
            assertEquals(List.of(html), files.toList(), "one file, no part left beside it");
        }
    }

    /** A copy of the run with raft's trace damaged and, when asked, multi-paxos's removed. */
    static Path damaged(String name, boolean bothBad) throws IOException {
        Path copy = dir.resolve(name);
        try (Stream<Path> walk = Files.walk(run)) {
            for (Path f : walk.toList()) {
                Path to = copy.resolve(run.relativize(f).toString());
                if (Files.isDirectory(f)) Files.createDirectories(to);
                else Files.copy(f, to);
            }
        }
        Path raft = Runner.traceIn(copy.resolve("raft/seed-1"));
        byte[] bytes = Files.readAllBytes(raft);
        Files.write(raft, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        if (bothBad) Files.delete(Runner.traceIn(copy.resolve("multi-paxos/seed-1")));
        return copy;
    }

    @Test
    void aDamagedTraceIsOneLineInTheTerminalAndOnThePageAndTheOtherProtocolStillPlays() throws Exception {
        Command view = new Command("view", damaged("one-bad", false).toString());
        String address = view.address();
        List<String> said = view.err.toString().lines().toList();
        assertEquals(1, said.size(), "one line: " + said);
        assertTrue(said.get(0).startsWith("quorumlab view: ") && said.get(0).contains("raft"), said.get(0));
        JsonNode state = ViewApiTest.JSON.readTree(get(address + "api/state?t=" + 700 * MS).body());
        for (JsonNode p : state.get("protocols")) {
            if (p.get("protocol").asText().equals("multi-paxos")) {
                assertTrue(p.path("error").isMissingNode() || p.path("error").isNull(), p.toString());
                assertNotNull(p.get("leader").textValue(), "multi-paxos still plays: " + p);
            } else {
                assertEquals(said.get(0).substring("quorumlab view: ".length()), p.get("error").asText(), "the same line on the page");
            }
        }
        assertEquals(Main.EXIT_INTERRUPTED, view.stop());
    }

    @Test
    void nothingToShowOrADamagedRunToExportIsOneLineAndExit2() throws Exception {
        Path bad = damaged("all-bad", true);
        Path html = dir.resolve("bad.html");
        for (String[] args : List.of(new String[] {"view", bad.toString()}, new String[] {"view", "--export", html.toString(), bad.toString()},
                new String[] {"view", "--export", html.toString(), damaged("export-bad", false).toString()},
                new String[] {"view", dir.resolve("nowhere").toString()})) {
            Command c = new Command(args);
            assertEquals(Main.EXIT_BAD_INPUT, c.exit(), String.join(" ", args) + ": " + c.out + c.err);
            List<String> said = c.err.toString().lines().toList();
            assertEquals(1, said.size(), "one line: " + said);
            assertTrue(said.get(0).startsWith("quorumlab: "), said.get(0));
            assertFalse(c.out.toString().contains("http://"), "no server: " + c.out);
        }
        assertFalse(Files.exists(html), "no page of a damaged run");
    }
}
