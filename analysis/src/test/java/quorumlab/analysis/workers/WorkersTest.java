package quorumlab.analysis.workers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import quorumlab.analysis.cli.Cli;
import quorumlab.analysis.cli.Main;
import quorumlab.analysis.experiment.LeaderElectionRun;
import quorumlab.analysis.report.CheckedRuns;
import quorumlab.analysis.report.Report;
import quorumlab.workload.Runner;
import quorumlab.workload.Scenario;
import quorumlab.workload.ScenarioLoader;

/**
 * Seeds run in worker processes land as the embedded path lands them: the same files (traces,
 * histories, run.json, verdicts but for their timings) and the same numbers, even when a worker is
 * killed mid-run (sweep, compare and the done-when sweep go through the same runner and executor;
 * docs/workers.md shows them compared by hand, as the charts they draw cost more than this test). An
 * experiment's trials run on the workers give the same trials.csv and summary.json numbers. A
 * worker of another version, one that cannot reach its coordinator, workers with a real-time
 * runtime and a port in use are one-line errors.
 *
 * <p>One pool of two worker JVMs (fast-start flags) serves the experiment and then the kill, and a
 * worker of another version starts at once beside them, so the JVMs start while this one works.
 * The tests that go through the command line come after them: a command closes the pools its
 * thread opened.
 */
@Order(3)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WorkersTest {
    @TempDir
    static Path dir;

    static Path scenario;
    static WorkerPool pool;
    static final ByteArrayOutputStream poolSaid = new ByteArrayOutputStream();
    static Process otherVersion;

    @BeforeAll
    static void tinyScenarioAndAPoolOfTwo() throws IOException {
        System.setProperty(WorkerPool.JVM_OPTIONS_PROPERTY, "-Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:CICompilerCount=1");
        scenario = dir.resolve("tiny.yaml");
        Files.writeString(scenario, String.join("\n", "name: tiny", "nodes: 3", "duration: 1s",
                "workload: {clients: 2, thinkTime: 10ms, keys: 2}",
                "faults: [{at: 400ms, type: crash, target: leader, duration: 300ms}]", ""));
        pool = WorkerPool.start(2, null, new PrintStream(poolSaid, true, StandardCharsets.UTF_8));
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(List.of(System.getProperty(WorkerPool.JVM_OPTIONS_PROPERTY).split(" ")));
        command.addAll(List.of("-Dquorumlab.workers.version=quorumlab 0.0.1 (git elsewhere)", "-cp", programClassPath(),
                Main.class.getName(), "worker", "--join", pool.address(), "--timeout", "120"));
        otherVersion = new ProcessBuilder(command).redirectOutput(dir.resolve("out.txt").toFile())
                .redirectError(dir.resolve("err.txt").toFile()).start();
    }

    @AfterAll
    static void noPoolLeftOpen() {
        if (otherVersion != null) otherVersion.destroyForcibly();
        if (pool != null) pool.close();
        WorkerPool.closeAll();
        System.clearProperty(WorkerPool.JVM_OPTIONS_PROPERTY);
    }

    /** SHA-256 of every file under {@code root} by relative path; a verdict by its text without timings. */
    private static Map<String, String> files(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path f : walk.filter(Files::isRegularFile).toList()) {
                String name = root.relativize(f).toString();
                if (name.equals("run.json")) continue; // names the run's own id and time
                String digest = name.endsWith("verdict.json")
                        ? Files.readString(f).replaceAll("in [0-9.]+ m?s", "in (time)") : Coordinator.sha256(f);
                out.put(name, digest);
            }
        }
        return out;
    }

    @Test
    @Order(1)
    void anExperimentsTrialsOnTheWorkersGiveTheSameTrialsAndSummaryNumbers() throws Exception {
        Path alone = dir.resolve("election-alone");
        Path spread = dir.resolve("election-workers");
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        List<String> protocols = List.of("raft", "multi-paxos");
        assertFalse(LeaderElectionRun.run("paper", "two-behind", protocols, List.of("150-300", "150-150"), 6, 5, null, null, false, 3,
                alone, null, quiet, quiet));
        assertFalse(LeaderElectionRun.run("paper", "two-behind", protocols, List.of("150-300", "150-150"), 6, 5, null, null, false, 3,
                spread, pool, quiet, quiet));
        List<String> csv = Files.readAllLines(alone.resolve("trials.csv"));
        // every trial ran on a worker (batches of one here: fewer than 100 trials), none in this JVM; on a
        // crowded machine one worker may have joined only after the other had run them all
        int done = 0;
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("w[12] ([0-9]+) done").matcher(pool.status());
        while (m.find()) done += Integer.parseInt(m.group(1));
        assertEquals(csv.size() - 1, done, "trials run by the workers: " + pool.status());
        assertEquals(String.join("\n", csv), String.join("\n", Files.readAllLines(spread.resolve("trials.csv"))));
        // every number of summary.json but the wall time
        assertEquals(withoutWallTime(alone.resolve("summary.json")), withoutWallTime(spread.resolve("summary.json")));
        assertEquals(withoutWallTime(alone.resolve("report.md")), withoutWallTime(spread.resolve("report.md")));
    }

    private static String withoutWallTime(Path file) throws IOException {
        String text = Files.readString(file).replaceAll("\"wall_seconds\" : [0-9.E-]+", "(wall)").replaceAll("ran in [0-9.]+ s", "(wall)");
        assertTrue(text.contains("(wall)"), file + " has no wall time to leave out");
        return text;
    }

    @Test
    @Order(2)
    void aWorkerKilledMidRunHasItsRunsReassignedAndTheFilesAndNumbersAreTheEmbeddedOnes() throws IOException {
        Scenario tiny = ScenarioLoader.load(scenario);
        List<String> protocols = List.of("raft", "multi-paxos");
        CheckedRuns alone = new CheckedRuns();
        Runner.Result expected = new Runner().afterEachRun(alone::checkAndMeasure)
                .run(tiny, protocols, 2, 1, Runner.RuntimeKind.SIM, dir.resolve("alone"), quiet(() -> {}));

        CheckedRuns checked = new CheckedRuns();
        AtomicReference<String> killed = new AtomicReference<>();
        {
            Runner.Result result = new Runner().executor(pool).afterEachRun(checked::measure)
                    .run(tiny, protocols, 2, 1, Runner.RuntimeKind.SIM, dir.resolve("killed"), quiet(() -> {
                        // at the first result, SIGKILL a worker that is running a seed
                        if (killed.get() != null) return;
                        for (String part : pool.status().split("; ")) {
                            if (part.contains("running") && killed.compareAndSet(null, part.substring(0, part.indexOf(' ')))) {
                                int i = Integer.parseInt(killed.get().substring(1)) - 1;
                                pool.processes().get(i).destroyForcibly();
                            }
                        }
                    }));
            assertTrue(killed.get() != null, "no worker was running a seed at the first result: " + pool.status());
            String log = poolSaid.toString(StandardCharsets.UTF_8);
            assertTrue(log.contains("worker " + killed.get() + " is gone"), log);
            assertEquals(4, result.runs().size());
            Map<String, String> got = files(result.dir());
            assertEquals(4 * 4, got.size(), "trace, history, run.json, verdict per seed: " + got.keySet());
            assertEquals(files(expected.dir()), got, "every run present once, the same files");
            assertFalse(got.keySet().stream().anyMatch(n -> n.contains(".part")), "no staging left: " + got.keySet());
            Report.Section a = Report.analyse(expected.dir(), alone);
            Report.Section b = Report.analyse(result.dir(), checked);
            for (String p : protocols) {
                // every number of summary.json, digit for digit
                assertEquals(String.valueOf(a.summaries().get(p).fields()), String.valueOf(b.summaries().get(p).fields()));
                assertEquals(a.summaries().get(p).linearizable(), b.summaries().get(p).linearizable());
                assertEquals(a.verdictLines().get(p), b.verdictLines().get(p));
            }
        }
    }

    @Test
    @Order(3)
    void aWorkerOfAnotherVersionIsRefusedOnBothSides() throws IOException, InterruptedException {
        assertTrue(otherVersion.waitFor(180, TimeUnit.SECONDS), "the refused worker did not exit");
        String out = Files.readString(dir.resolve("out.txt"));
        String err = Files.readString(dir.resolve("err.txt"));
        assertEquals(Main.EXIT_BAD_INPUT, otherVersion.exitValue(), err);
        assertEquals("", out, "nothing on the worker's stdout");
        assertEquals(1, err.lines().count(), "one line: " + err);
        assertTrue(err.startsWith("quorumlab: refused worker") && err.contains("quorumlab 0.0.1 (git elsewhere)"), err);
        String coordinator = poolSaid.toString(StandardCharsets.UTF_8);
        assertTrue(coordinator.lines().anyMatch(l -> l.startsWith("quorumlab: refused worker")), coordinator);
        assertTrue(coordinator.lines().allMatch(l -> l.startsWith("quorumlab: ")), "only our own lines: " + coordinator);
    }

    /** {@code quorumlab ARGS} in this JVM: its exit code and what it said on stderr. */
    private static Map.Entry<Integer, String> cli(String... args) {
        StringWriter err = new StringWriter();
        return Map.entry(Cli.execute(new StringWriter(), err, args), err.toString());
    }

    @Test
    @Order(4)
    void workersWithARealTimeRuntimeAreRefusedBeforeAnyWorkerStarts() {
        for (String runtime : List.of("local", "cluster")) {
            Map.Entry<Integer, String> r = cli("compare", "--scenario", scenario.toString(), "--seeds", "1", "--runtime", runtime, "--workers", "2",
                    "--out", dir.resolve("refused").toString());
            assertEquals(Main.EXIT_BAD_INPUT, r.getKey(), r.getValue());
            assertEquals("quorumlab: --workers needs --runtime sim (a worker runs seeds in the simulator), got --runtime " + runtime + "\n",
                    r.getValue());
        }
        Map.Entry<Integer, String> sweep = cli("sweep", "--scenario", scenario.toString(), "--param", "nodes=3,5", "--seeds", "1",
                "--runtime", "local", "--listen", "127.0.0.1:1", "--out", dir.resolve("refused").toString());
        assertEquals(Main.EXIT_BAD_INPUT, sweep.getKey(), sweep.getValue());
        assertEquals("quorumlab: --listen needs --runtime sim (a worker runs seeds in the simulator), got --runtime local\n", sweep.getValue());
        assertFalse(Files.exists(dir.resolve("refused")), "nothing written");
    }

    @Test
    @Order(5)
    void listeningOnAPortInUseIsOneLineAndExit2() throws IOException {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            String listen = "127.0.0.1:" + taken.getLocalPort();
            Map.Entry<Integer, String> r = cli("experiment", "election-cost", "--trials", "1", "--divergence", "0", "--listen", listen,
                    "--out", dir.resolve("in-use").toString());
            assertEquals(Main.EXIT_BAD_INPUT, r.getKey(), r.getValue());
            assertEquals("quorumlab: --listen: cannot listen on " + listen + ": the port is in use\n", r.getValue());
        }
        assertFalse(Files.exists(dir.resolve("in-use")), "no half-written results");
    }

    @Test
    @Order(6)
    @org.junit.jupiter.api.parallel.ResourceLock(org.junit.jupiter.api.parallel.Resources.SYSTEM_ERR)
    void aCoordinatorThatCannotBeReachedIsOneLineAndExit2() throws IOException {
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(err, true));
        PrintStream stderr = System.err;
        ByteArrayOutputStream said = new ByteArrayOutputStream();
        System.setErr(new PrintStream(said, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = cli.execute("worker", "--join", "127.0.0.1:" + freePort(), "--timeout", "1");
        } finally {
            System.setErr(stderr);
        }
        // (the test class path's logback-test.xml lets Pekko's warnings through here; the refused worker above runs with the program's)
        List<String> ours = (said + err.toString()).lines().filter(l -> l.startsWith("quorumlab")).toList();
        assertEquals(Main.EXIT_BAD_INPUT, code, String.join("\n", ours));
        assertEquals(1, ours.size(), String.join("\n", ours));
        assertTrue(ours.get(0).startsWith("quorumlab: cannot reach the coordinator at 127.0.0.1:") && ours.get(0).endsWith("within 1 s"), ours.get(0));
        assertEquals(Main.EXIT_BAD_INPUT, cli.execute("worker", "--join", "nowhere"));
    }

    /** The class path without test classes: the program's own logging configuration, as {@code ./quorumlab} runs. */
    private static String programClassPath() {
        String full = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return java.util.Arrays.stream(full.split(java.io.File.pathSeparator))
                .filter(entry -> !entry.contains("test-classes") && !entry.endsWith("-tests.jar"))
                .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static Runner.Listener quiet(Runnable onFinished) {
        return new Runner.Listener() {
            @Override
            public void started(int total) {}

            @Override
            public void finished(Runner.SeedRun run) {
                onFinished.run();
            }
        };
    }
}
