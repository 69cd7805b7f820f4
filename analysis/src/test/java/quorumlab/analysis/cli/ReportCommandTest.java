package quorumlab.analysis.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import quorumlab.analysis.check.Checks;
import quorumlab.analysis.report.Report;
import quorumlab.workload.Runner;
import quorumlab.workload.Scenario;
import quorumlab.workload.ScenarioLoader;

/** {@code report DIR} on a run, on the combined directory of {@code compare --scenario all}, and on a directory above runs. */
@Order(7)
class ReportCommandTest {
    private static final Runner.Listener QUIET = new Runner.Listener() {
        @Override
        public void started(int total) {}

        @Override
        public void finished(Runner.SeedRun run) {}
    };

    @TempDir
    Path dir;

    private final StringWriter err = new StringWriter();

    private int report(Path target) {
        return Cli.execute(null, err, "report", target.toString());
    }

    /** Two small scenarios' runs and their combined report, laid out as compare --scenario all lays them out. */
    private Path combined(Path out) throws IOException {
        List<Report.Section> sections = new ArrayList<>();
        for (String name : List.of("small-a", "small-b")) {
            Scenario s = ScenarioLoader.parse(name + ".yaml", "name: " + name + "\nnodes: 3\nduration: 1s\nworkload: {clients: 2}\n", false);
            Runner.Result r = new Runner().afterEachRun((d, run) -> Checks.checkRun(d))
                    .run(s, List.of("raft"), 1, 1, Runner.RuntimeKind.SIM, out, QUIET);
            sections.add(Report.analyse(r.dir()));
        }
        Path all = Files.createDirectories(out.resolve("all").resolve("20260101-000000-000"));
        CompareCommand.writeCombined(sections, all);
        return all;
    }

    @Test
    void theDirectoryThatCompareAllPrintsGetsItsCombinedReportRewritten() throws IOException {
        Path out = dir.resolve("results");
        Path all = combined(out);
        Files.delete(all.resolve("report.md"));
        assertEquals(Main.EXIT_OK, report(all), err.toString());
        String md = Files.readString(all.resolve("report.md"));
        assertTrue(md.contains("## Scenario small-a") && md.contains("## Scenario small-b"), md);

        // a directory above runs: each run's own report is rewritten in its run directory
        assertEquals(Main.EXIT_OK, report(out.resolve("small-b")), err.toString());
        try (var runs = Files.list(out.resolve("small-b"))) {
            Path run = runs.filter(Files::isDirectory).findFirst().orElseThrow();
            assertTrue(Files.exists(run.resolve("report.md")), "report of " + run);
        }
    }

    @Test
    void aDirectoryWithoutRunsIsOneLineOfBadInput() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("nothing"));
        assertEquals(Main.EXIT_BAD_INPUT, report(empty));
        String line = err.toString().strip();
        assertTrue(line.startsWith("quorumlab: " + empty + ": no run here") && !line.contains("\n"), line);
    }
}
