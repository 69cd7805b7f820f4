package quorumlab.analysis.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import quorumlab.analysis.report.Report;

@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Rewrites the report of a run directory from its traces.",
            "DIR is <out>/<scenario>/<run-id>: its traces and verdicts are analysed again",
            "and its report and summaries rewritten.",
            "Exit: 0 ok, 1 a violation, 2 bad input, 3 a check unknown."})
final class ReportCommand implements Callable<Integer> {
    @Parameters(paramLabel = "DIR", description = "A run directory written by 'run' or 'compare'.")
    Path dir;

    @Override
    public Integer call() {
        if (!Files.isDirectory(dir)) throw new IllegalArgumentException(dir + ": no such directory");
        Report.Section s = Report.analyse(dir);
        Path html = Report.write(List.of(s), dir);
        CompareCommand.print(List.of(s));
        System.out.println("report: " + html);
        return CompareCommand.exitCode(List.of(s));
    }
}
