package quorumlab.analysis.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import quorumlab.analysis.charts.Charts;
import quorumlab.analysis.charts.SweepChart;
import quorumlab.analysis.metrics.Stat;
import quorumlab.analysis.metrics.Summary;
import quorumlab.analysis.report.CheckedRuns;
import quorumlab.analysis.report.Report;
import quorumlab.analysis.report.ScenarioText;
import quorumlab.protocols.Protocol;
import quorumlab.workload.Runner;
import quorumlab.workload.Scenario;

@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = {"Charts every metric against one varied scenario field.",
            "Each value runs on every protocol; the charts show 95%% confidence intervals.",
            "Example: quorumlab sweep --scenario leader-crash --param nodes=3,5,7",
            "Exit: 0 all checks ok, 1 a violation, 2 bad input, 3 a check unknown."})
final class SweepCommand implements Callable<Integer> {
    @Option(names = "--scenario", required = true, paramLabel = "NAME|FILE", description = "A library scenario or a YAML/JSON file.")
    String scenario;

    @Option(names = "--param", required = true, paramLabel = "PATH=V1,V2,...",
            description = {"A dotted scenario field and its numeric values,",
                "e.g. nodes=3,5,7, network.loss=0,0.1 or",
                "options.raft.electionTimeoutMinMs=100,150."})
    String param;

    @Option(names = "--seeds", paramLabel = "N", description = {"Seeds per value.", "Default: the scenario's own seed count."})
    Integer seeds;

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
        int eq = param.indexOf('=');
        if (eq <= 0 || eq == param.length() - 1) throw new IllegalArgumentException("--param: expected PATH=V1,V2,... got '" + param + "'");
        String path = param.substring(0, eq);
        List<String> raw = List.of(param.substring(eq + 1).split(","));
        List<Double> values = new ArrayList<>();
        for (String v : raw) {
            try {
                values.add(Double.parseDouble(v.trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--param " + path + ": '" + v + "' is not a number");
            }
        }
        ObjectNode tree = ScenarioText.tree(scenario);
        List<Scenario> variants = new ArrayList<>();
        for (String v : raw) variants.add(ScenarioText.with(tree, path, v.trim(), null)); // validates all before running any
        int seeds = this.seeds != null ? this.seeds : variants.get(0).seedCount();
        Runner.RuntimeKind kind = runOptions.runtimeKind();
        workers.check(kind);
        List<String> protocols = Protocol.select(protocolNames).stream().map(Protocol::name).toList();
        Path dir = runOptions.out.resolve("sweep-" + variants.get(0).name() + "-" + path.replace('.', '_'))
                .resolve(java.time.LocalDateTime.now().format(java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS")));
        List<Report.Section> sections = new ArrayList<>();
        try (Progress progress = new Progress("compare", System.err).batches(variants.size()).detail(workers::status)) {
            for (int i = 0; i < variants.size(); i++) {
                progress.task = path + "=" + raw.get(i);
                CheckedRuns checked = new CheckedRuns();
                Runner.Result r = workers.checkedRunner(runOptions.runner(), checked)
                        .run(variants.get(i), protocols, seeds, 1, kind, dir.resolve("runs").resolve(path + "=" + raw.get(i).trim()), progress);
                sections.add(Report.analyse(r.dir(), checked));
            }
        }
        Path tmp = dir.resolve(".charts.tmp");
        try {
            Files.createDirectories(tmp);
            StringBuilder md = new StringBuilder("# Sweep of " + path + " in " + scenario + "\n\n" + seeds
                    + " seeds per value and protocol; each cell: value [95% bootstrap interval] (n).\n\n");
            verdicts(md, path, raw, protocols, sections);
            if (path.equals("workload.rate")) loadCurve(md, tmp, protocols, sections, raw, seeds);
            for (String metric : Summary.FIELDS.keySet()) {
                Map<String, List<Stat>> byProtocol = new LinkedHashMap<>();
                for (String p : protocols) {
                    List<Stat> stats = new ArrayList<>();
                    for (Report.Section s : sections) {
                        Summary sum = s.summaries().get(p);
                        stats.add(sum == null ? Stat.NONE : sum.fields().get(metric));
                    }
                    byProtocol.put(p, stats);
                }
                Charts.Drawn d = SweepChart.of(metric, path, values, byProtocol, seeds);
                Charts.write(d, tmp);
                md.append("## ").append(SweepChart.label(metric)).append(" (`").append(metric).append("`)").append("\n\n![").append(metric).append("](").append(d.stem()).append(".png)\n\n| ")
                        .append(path).append(" | ").append(String.join(" | ", protocols)).append(" |\n|---|").append("---|".repeat(protocols.size())).append('\n');
                for (int i = 0; i < values.size(); i++) {
                    md.append("| ").append(raw.get(i).trim());
                    for (String p : protocols) md.append(" | ").append(Report.cell(byProtocol.get(p).get(i)));
                    md.append(" |\n");
                }
                md.append('\n');
            }
            Files.writeString(tmp.resolve("sweep.md"), md);
            try (var files = Files.list(tmp)) {
                for (Path f : files.toList()) Files.move(f, dir.resolve(f.getFileName()), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
            Files.delete(tmp);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the sweep into " + dir + ": " + e.getMessage(), e);
        }
        System.out.println("sweep: " + dir.resolve("sweep.md"));
        return CompareCommand.exitCode(sections);
    }

    /** The checkers' verdicts for every point, so a number is never read without knowing its run was safe. */
    private static void verdicts(StringBuilder md, String path, List<String> raw, List<String> protocols, List<Report.Section> sections) {
        md.append("## Checker verdicts\n\n| ").append(path).append(" | ").append(String.join(" | ", protocols)).append(" |\n|---|")
                .append("---|".repeat(protocols.size())).append('\n');
        for (int i = 0; i < sections.size(); i++) {
            md.append("| ").append(raw.get(i).trim());
            for (String p : protocols) {
                Summary sum = sections.get(i).summaries().get(p);
                md.append(" | ").append(sum == null ? "not run" : "linearizable " + sum.linearizable() + ", "
                        + (sum.violations().isEmpty() ? "no violation" : sum.violations().size() + " VIOLATION(S)"));
            }
            md.append(" |\n");
        }
        md.append('\n');
    }

    /** For an open-loop rate sweep: the saturation curve, latency against offered and achieved throughput. */
    private static void loadCurve(StringBuilder md, Path dir, List<String> protocols, List<Report.Section> sections, List<String> raw,
            int seeds) throws IOException {
        Map<String, List<Stat>> achieved = new LinkedHashMap<>();
        Map<String, List<Stat>> p50 = new LinkedHashMap<>();
        Map<String, List<Stat>> p99 = new LinkedHashMap<>();
        for (String p : protocols) {
            achieved.put(p, column(sections, p, "throughput_ops_s"));
            p50.put(p, column(sections, p, "latency_ms.p50"));
            p99.put(p, column(sections, p, "latency_ms.p99"));
        }
        Charts.Drawn d = SweepChart.loadCurve(achieved, p50, p99, seeds);
        Charts.write(d, dir);
        md.append("## Load curve\n\n![load curve](load-curve.png)\n\n| offered (commands/s) |");
        protocols.forEach(p -> md.append(' ').append(p).append(" achieved | ").append(p).append(" p50 ms | ").append(p).append(" p99 ms |"));
        md.append("\n|---|").append("---|---|---|".repeat(protocols.size())).append('\n');
        for (int i = 0; i < raw.size(); i++) {
            md.append("| ").append(raw.get(i).trim());
            for (String p : protocols) {
                md.append(" | ").append(Report.cell(achieved.get(p).get(i))).append(" | ").append(Report.cell(p50.get(p).get(i)))
                        .append(" | ").append(Report.cell(p99.get(p).get(i)));
            }
            md.append(" |\n");
        }
        md.append('\n');
    }

    private static List<Stat> column(List<Report.Section> sections, String protocol, String field) {
        List<Stat> out = new ArrayList<>();
        for (Report.Section s : sections) {
            Summary sum = s.summaries().get(protocol);
            out.add(sum == null ? Stat.NONE : sum.fields().get(field));
        }
        return out;
    }
}
