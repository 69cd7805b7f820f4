package quorumlab.analysis.viewer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;
import quorumlab.protocols.Protocol;
import quorumlab.workload.Runner;
import quorumlab.workload.ScenarioLoader;

/**
 * The page in Debian's headless Chromium: the live view of leader-crash at 1 s, the leader clicked in one
 * panel, shown down in both, a new leader in each within the election time, the session saved and
 * replayed to the same trace. Skipped, saying why, where no Chromium and chromedriver are installed.
 */
@Order(4)
class ViewerBrowserTest {
    /** The matched profile's election timeout is 150-300 ms: a new leader well within two timeouts and a round of votes. */
    static final long ELECTION_TIME_NANOS = 700_000_000L;

    static Path firstExisting(String... paths) {
        for (String p : paths) if (Files.isExecutable(Path.of(p))) return Path.of(p);
        return null;
    }

    @Test
    void clickingTheLeaderCrashesItInBothPanelsAndEachElectsAnother(@TempDir Path tmp) throws Exception {
        Path chromium = firstExisting("/usr/bin/chromium", "/usr/bin/chromium-browser");
        Path chromedriver = firstExisting("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");
        if (chromium == null || chromedriver == null) {
            String why = "browser test skipped: Debian's chromium and chromium-driver are not installed (apt-get install -y chromium chromium-driver)";
            System.out.println(why);
            Assumptions.assumeTrue(false, why);
        }
        List<Protocol> protocols = List.of(Protocol.byName("raft"), Protocol.byName("multi-paxos"));
        LiveSession live = LiveSession.load("leader-crash", 1, protocols);
        ViewApi api = new ViewApi(live);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + tmp.resolve("profile"), "--window-size=1280,720");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(chromedriver.toFile()).usingAnyFreePort().build();
        WebDriver browser = null;
        try (ViewServer server = ViewServer.start(api, 0)) {
            browser = new ChromeDriver(service, options);
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
            // 1 s: both protocols have a leader; the check ends before the scenario's own crash of the leader at 2 s
            browser.get(server.address() + "#t=1");
            WebDriver b = browser;
            wait.until(d -> panels(b).size() == 2 && panels(b).stream().allMatch(p -> !p.getAttribute("data-leader").isEmpty()));
            WebElement raft = panel(browser, "raft");
            String leader = raft.getAttribute("data-leader");
            node(raft, leader).click();
            wait.until(d -> panels(b).stream().allMatch(p -> "false".equals(node(p, leader).getAttribute("data-up"))));
            for (WebElement p : panels(browser)) assertEquals("DOWN", node(p, leader).getAttribute("data-role"), p.getAttribute("data-protocol"));
            long crashedAt = live.actions().get(0).at();
            assertEquals("crash", live.actions().get(0).type());

            // move the scrubber to the end of the election time, as a student drags it
            long target = crashedAt + ELECTION_TIME_NANOS;
            long end = live.end();
            ((JavascriptExecutor) browser).executeScript("const s = document.getElementById('scrub');"
                    + " s.value = arguments[0]; s.dispatchEvent(new Event('input'));", String.valueOf(target * 1000 / end));
            wait.until(d -> panels(b).stream().allMatch(p -> Long.parseLong(p.getAttribute("data-t")) >= target - end / 1000));
            for (WebElement p : panels(browser)) {
                String now = p.getAttribute("data-leader");
                long shownAt = Long.parseLong(p.getAttribute("data-t"));
                assertTrue(shownAt - crashedAt <= ELECTION_TIME_NANOS, "shown at " + shownAt);
                assertTrue(!now.isEmpty() && !now.equals(leader), p.getAttribute("data-protocol") + " has a new leader within "
                        + ELECTION_TIME_NANOS / 1_000_000 + " ms of the crash: '" + now + "'");
                assertEquals("LEADER", node(p, now).getAttribute("data-role"));
            }
            screenshots(browser);

            // Save scenario: the link's download, replayed the way 'quorumlab run' does, gives the same trace
            String href = browser.findElement(By.id("save")).getAttribute("href");
            HttpResponse<String> saved = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(href)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, saved.statusCode());
            Path file = tmp.resolve("session.yaml");
            Files.writeString(file, saved.body());
            List<Source.Lane> lanes = live.finish();
            ViewApiTest.assertSafe(lanes);
            Runner.Result run = new Runner().run(ScenarioLoader.load(file), List.of("raft", "multi-paxos"), 1, 1,
                    Runner.RuntimeKind.SIM, tmp.resolve("out"), new Runner.Listener() {
                        public void started(int total) {}

                        public void finished(Runner.SeedRun r) {}
                    });
            for (int i = 0; i < 2; i++) {
                Runner.SeedRun r = run.runs().get(i);
                assertEquals(lanes.get(i).protocol(), r.protocol());
                assertArrayEquals(ViewApiTest.bytes(lanes.get(i).records()),
                        ViewApiTest.bytes(quorumlab.protocols.trace.TraceReader.readAll(Runner.traceIn(r.dir()))), r.protocol());
            }
            assertNotEquals(0, lanes.get(0).records().size());

            // the README's second thing to try: Partition..., click n1 and n2, Partition again
            int before = live.actions().size();
            browser.findElement(By.id("partition")).click();
            node(panel(browser, "raft"), "n1").click();
            node(panel(browser, "multi-paxos"), "n2").click();
            browser.findElement(By.id("partition")).click();
            wait.until(d -> live.actions().size() == before + 1);
            Action cut = live.actions().get(before);
            assertEquals("partition", cut.type());
            assertEquals(List.of(List.of("n1", "n2"), List.of("n3", "n4", "n5")), cut.groups(), "the clicked nodes are one side, the rest the other");
            // then Heal
            browser.findElement(By.id("heal")).click();
            wait.until(d -> live.actions().size() == before + 2);
            assertEquals("heal", live.actions().get(before + 1).type());
            // and the third: drag Loss to 10%, then watch a Paxos hole (hatched) appear as time runs
            ((JavascriptExecutor) browser).executeScript("const l = document.getElementById('loss');"
                    + " l.value = 10; l.dispatchEvent(new Event('input')); l.dispatchEvent(new Event('change'));");
            wait.until(d -> live.actions().size() == before + 3);
            assertEquals(0.1, live.actions().get(before + 2).value(), 1e-9);
            long from = live.actions().get(before + 2).at();
            boolean hole = false;
            for (long t = from; t < from + 900_000_000L && !hole; t += 25_000_000L) {
                long at = t;
                ((JavascriptExecutor) browser).executeScript("const s = document.getElementById('scrub');"
                        + " s.value = arguments[0]; s.dispatchEvent(new Event('input'));", String.valueOf(at * 1000 / end));
                wait.until(d -> panels(b).stream().allMatch(p -> Long.parseLong(p.getAttribute("data-t")) >= at - end / 1000));
                hole = !panel(browser, "multi-paxos").findElements(By.cssSelector(".cell.hole")).isEmpty();
                assertTrue(panel(browser, "raft").findElements(By.cssSelector(".cell.hole")).isEmpty(), "a hole in Raft's log at " + at);
            }
            assertTrue(hole, "Multi-Paxos showed a hole within 0.9 s of 10% loss");
        } finally {
            if (browser != null) browser.quit();
        }
    }

    static List<WebElement> panels(WebDriver browser) {
        return browser.findElements(By.cssSelector("section.panel"));
    }

    static WebElement panel(WebDriver browser, String protocol) {
        return browser.findElement(By.cssSelector("section.panel[data-protocol='" + protocol + "']"));
    }

    static WebElement node(WebElement panel, String id) {
        return panel.findElement(By.cssSelector("g.node[data-node='" + id + "']"));
    }

    /** One picture per panel and one of the page: under target/, and in results/gallery/viewer/ for the README. */
    static void screenshots(WebDriver browser) throws Exception {
        Path target = Path.of("target", "viewer-screenshots");
        Files.createDirectories(target);
        for (WebElement p : panels(browser)) {
            File shot = p.getScreenshotAs(OutputType.FILE);
            Files.copy(shot.toPath(), target.resolve(p.getAttribute("data-protocol") + ".png"), StandardCopyOption.REPLACE_EXISTING);
        }
        File page = ((org.openqa.selenium.TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(page.toPath(), target.resolve("page.png"), StandardCopyOption.REPLACE_EXISTING);
        Path gallery = Path.of("..", "results", "gallery");
        if (Files.isDirectory(gallery)) {
            Path viewer = gallery.resolve("viewer");
            Files.createDirectories(viewer);
            try (var files = Files.list(target)) {
                for (Path f : files.toList()) Files.copy(f, viewer.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
