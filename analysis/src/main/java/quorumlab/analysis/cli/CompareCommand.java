package quorumlab.analysis.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import quorumlab.analysis.report.CheckedRuns;
import quorumlab.analysis.report.Report;
import quorumlab.protocols.Protocol;
import quorumlab.workload.Runner;
import quorumlab.workload.Scenario;
import quorumlab.workload.ScenarioLibrary;
import quorumlab.workload.ScenarioLoader;

@Command(name = "compare", mixinStandardHelpOptions = true,
        description = {"Runs a scenario on each protocol and seed, and compares them.",
            "Checks every run and writes report.md, report.html, summary.csv,",
            "summary.json and the charts into a new run directory.",
            "Exit: 0 all checks ok, 1 a violation, 2 bad input, 3 a check unknown."})
final class CompareCommand implements Callable<Integer> {
    @Option(names = "--scenario", defaultValue = "leader-crash", paramLabel = "NAME|FILE|all",
            description = {"A library scenario, a YAML/JSON file,", "or 'all' (every library scenario).", "Default: ${DEFAULT-VALUE}."})
    String scenario;

    @Option(names = "--seeds", defaultValue = "5", paramLabel = "N", description = "Seeds 1..N per protocol. Default: ${DEFAULT-VALUE}.")
    int seeds;

    @Option(names = "--protocols", defaultValue = "consensus", paramLabel = "consensus|all|P1,P2",
            description = {"Which protocols: the consensus ones (default),",
                "all (adds the unsafe primary-backup),",
                "or a list of: ${COMPLETION-CANDIDATES}."},
            completionCandidates = ProtocolNames.class)
    String protocolNames;

    @Mixin
    ScenarioRunOptions runOptions;

    @Mixin
    quorumlab.analysis.workers.WorkerOptions workers;

    @Override
    public Integer call() {
        List<Scenario> scenarios = new ArrayList<>();
        if (scenario.equals("all")) ScenarioLibrary.names().forEach(n -> scenarios.add(ScenarioLibrary.load(n)));
        else scenarios.add(ScenarioLoader.load(scenario));
        Runner.RuntimeKind kind = runOptions.runtimeKind();
        workers.check(kind);
        List<String> protocols = Protocol.select(protocolNames).stream().map(Protocol::name).toList();
        List<Report.Section> sections = new ArrayList<>();
        Path reportDir = null;
        try (Progress progress = new Progress("compare", System.err).batches(scenarios.size()).detail(workers::status)) {
            for (Scenario s : scenarios) {
                progress.task = "compare " + s.name();
                // Each seed is checked and measured in one pass over its trace.
                CheckedRuns checked = new CheckedRuns();
                Runner runner = workers.checkedRunner(runOptions.runner(), checked);
                boolean single = scenarios.size() == 1;
                Report.Section[] landing = new Report.Section[1];
                // A single scenario's report lands with its runs, in the same atomic move.
                if (single) runner.beforeLanding(dir -> Report.write(List.of(landing[0] = Report.analyse(dir, checked)), dir));
                Runner.Result result = runner.run(s, protocols, seeds, 1, kind, runOptions.out, progress);
                sections.add(single ? landing[0].movedTo(result.dir()) : Report.analyse(result.dir(), checked));
                if (single) reportDir = result.dir();
            }
        }
        if (reportDir == null) {
            reportDir = runOptions.out.resolve("all").resolve(java.time.LocalDateTime.now()
                    .format(java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS")));
            try {
                java.nio.file.Files.createDirectories(reportDir);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("cannot create " + reportDir + ": " + e.getMessage(), e);
            }
            writeCombined(sections, reportDir);
        }
        print(sections);
        System.out.println("report: " + reportDir.resolve("report.html"));
        return exitCode(sections);
    }

    /**
     * The combined report of several scenarios' runs, with the list of those runs beside it, so
     * that 'report' on this directory can analyse them again.
     */
    static void writeCombined(List<Report.Section> sections, Path reportDir) {
        Report.write(sections, reportDir);
        ReportCommand.writeRunList(reportDir, sections);
    }

    static void print(List<Report.Section> sections) {
        String[] fields = {"latency_ms.p50", "latency_ms.p99", "throughput_ops_s", "leader_changes", "election_ms.median",
            "unavailability_ms.median", "client_outage_ms.median", "outages", "gaps.out_of_order", "gaps.max_width",
            "choose_to_apply_ms.p99", "append_to_commit_ms.p99", "messages_per_commit", "leader_message_share"};
        for (Report.Section s : sections) {
            List<String> ps = new ArrayList<>(s.summaries().keySet());
            String profile = s.run() == null ? "?" : s.run().path("scenario").path("profile").asText("matched");
            System.out.printf("%n%s (per-seed fields: mean over seeds; pooled fields: over all events; profile %s; "
                    + "options in the report)%n%-26s", s.scenario(), profile, "");
            ps.forEach(p -> System.out.printf("%16s", p));
            System.out.println();
            for (String f : fields) {
                System.out.printf("%-26s", f);
                ps.forEach(p -> System.out.printf("%16s", Report.fmt(s.summaries().get(p).fields().get(f).value())));
                System.out.println();
            }
            System.out.printf("%-26s", "linearizable");
            ps.forEach(p -> System.out.printf("%16s", s.summaries().get(p).linearizable()));
            System.out.println();
            System.out.printf("%-26s", "violations");
            ps.forEach(p -> System.out.printf("%16s", s.summaries().get(p).violations().size()));
            System.out.println();
            ps.forEach(p -> Report.clusterStartUp(s, p).ifPresent(l -> System.out.println(p + ": " + l)));
        }
    }

    static int exitCode(List<Report.Section> sections) {
        boolean unknown = false;
        for (Report.Section s : sections) {
            for (var sum : s.summaries().values()) {
                if (!sum.violations().isEmpty() || sum.linearizable().equals("false")) return Main.EXIT_VIOLATION;
                if (!sum.linearizable().equals("true")) unknown = true;
            }
            // a seed whose checks could not all run (e.g. no protocol events at trace level none)
            for (List<String> lines : s.verdictLines().values()) {
                if (lines.stream().anyMatch(l -> l.endsWith(": unknown") || l.endsWith(": not checked"))) unknown = true;
            }
        }
        return unknown ? Main.EXIT_UNKNOWN : Main.EXIT_OK;
    }
}
