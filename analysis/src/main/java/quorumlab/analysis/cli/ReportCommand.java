package quorumlab.analysis.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import quorumlab.analysis.report.Report;
import quorumlab.workload.Runner;

@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Rewrites the report of a run directory from its traces.",
            "DIR is <out>/<scenario>/<run-id>: its traces and verdicts are analysed again",
            "and its report and summaries rewritten. The directory that",
            "'compare --scenario all' prints gets its one combined report rewritten",
            "from every scenario's run; a directory that holds run directories",
            "further down gets each of their reports rewritten.",
            "Exit: 0 ok, 1 a violation, 2 bad input, 3 a check unknown."})
final class ReportCommand implements Callable<Integer> {
    /** Written by 'compare --scenario all' beside its combined report: the run directories it covers, one a line. */
    static final String RUN_LIST = "runs.txt";

    @Parameters(paramLabel = "DIR", description = "A run directory written by 'run' or 'compare'.")
    Path dir;

    @Override
    public Integer call() {
        if (!Files.isDirectory(dir)) throw new IllegalArgumentException(dir + ": no such directory");
        if (Files.exists(dir.resolve(RUN_LIST))) {
            return report(runsListed(dir), dir);
        }
        if (Files.exists(dir.resolve(Runner.RUN_FILE))) {
            return report(List.of(dir), dir);
        }
        List<Path> runs = runsBelow(dir);
        if (runs.isEmpty()) {
            throw new IllegalArgumentException(dir + ": no run here (a run directory holds " + Runner.RUN_FILE
                    + "; the one 'compare --scenario all' prints holds " + RUN_LIST + ")");
        }
        int worst = Main.EXIT_OK;
        for (Path run : runs) worst = worse(worst, report(List.of(run), run));
        return worst;
    }

    /** Analyses {@code runs} again and writes one report of them all into {@code out}. */
    private static int report(List<Path> runs, Path out) {
        List<Report.Section> sections = new ArrayList<>();
        for (Path run : runs) sections.add(Report.analyse(run));
        Path html = Report.write(sections, out);
        CompareCommand.print(sections);
        System.out.println("report: " + html);
        return CompareCommand.exitCode(sections);
    }

    /** A violation outranks unknown, which outranks ok. */
    private static int worse(int a, int b) {
        if (a == Main.EXIT_VIOLATION || b == Main.EXIT_VIOLATION) return Main.EXIT_VIOLATION;
        return Math.max(a, b);
    }

    static void writeRunList(Path reportDir, List<Report.Section> sections) {
        StringBuilder text = new StringBuilder();
        for (Report.Section s : sections) {
            // relative, so that the results tree can be moved or copied whole
            text.append(reportDir.toAbsolutePath().relativize(s.runDir().toAbsolutePath())).append('\n');
        }
        try {
            Files.writeString(reportDir.resolve(RUN_LIST), text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + reportDir.resolve(RUN_LIST) + ": " + e.getMessage(), e);
        }
    }

    private static List<Path> runsListed(Path dir) {
        List<Path> runs = new ArrayList<>();
        try {
            int n = 0;
            for (String line : Files.readAllLines(dir.resolve(RUN_LIST), StandardCharsets.UTF_8)) {
                n++;
                if (line.isBlank()) continue;
                Path run = dir.resolve(line.strip()).normalize();
                if (!Files.exists(run.resolve(Runner.RUN_FILE))) {
                    throw new IllegalArgumentException(dir.resolve(RUN_LIST) + ":" + n + ": " + run + " is not a run directory (no "
                            + Runner.RUN_FILE + ")");
                }
                runs.add(run);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir.resolve(RUN_LIST) + ": " + e.getMessage(), e);
        }
        if (runs.isEmpty()) throw new IllegalArgumentException(dir.resolve(RUN_LIST) + ": lists no run");
        return runs;
    }

    /** Run directories (holding run.json) up to two levels down: {@code <out>} or {@code <out>/<scenario>}. */
    private static List<Path> runsBelow(Path dir) {
        try (Stream<Path> walk = Files.walk(dir, 3)) {
            return walk.filter(p -> p.getFileName().toString().equals(Runner.RUN_FILE))
                    .map(Path::getParent)
                    .filter(p -> !p.equals(dir) && !p.getFileName().toString().startsWith("."))
                    // a seed's own run.json lies inside its run: keep only the outermost
                    .filter(p -> p.getParent().getParent() == null || !Files.exists(p.getParent().getParent().resolve(Runner.RUN_FILE)))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }
}
