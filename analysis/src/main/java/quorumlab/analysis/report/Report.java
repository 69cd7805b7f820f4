package quorumlab.analysis.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import quorumlab.analysis.charts.Charts;
import quorumlab.analysis.metrics.RunMetrics;
import quorumlab.analysis.metrics.Stat;
import quorumlab.analysis.metrics.Summary;
import quorumlab.protocols.runtime.TraceReader;

/**
 * Turns run directories ({@code <run>/<protocol>/seed-<n>/trace.jsonl.gz}, with {@code verdict.json}
 * beside it when checked) into report.md, report.html, summary.csv, summary.json and the charts.
 * Reads only the files, so an old run can be re-analysed.
 */
public final class Report {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    static final String TRACE = "trace.jsonl.gz";

    /** One scenario's analysed runs. */
    public record Section(String scenario, Path runDir, Map<String, List<RunMetrics>> runs, Map<String, Summary> summaries,
            Map<String, List<String>> verdictLines) {}

    private Report() {}

    /** Reads every protocol's seeds under {@code runDir}. */
    public static Section analyse(Path runDir) {
        Map<String, List<RunMetrics>> runs = new LinkedHashMap<>();
        Map<String, Summary> summaries = new LinkedHashMap<>();
        Map<String, List<String>> verdictLines = new LinkedHashMap<>();
        List<Path> protocols = list(runDir).stream().filter(Files::isDirectory)
                .filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
        String scenario = runDir.getParent() != null && runDir.getParent().getFileName() != null
                ? runDir.getParent().getFileName().toString() : runDir.getFileName().toString();
        JsonNode run = readJson(runDir.resolve("run.json"));
        if (run != null && run.path("scenario").isTextual()) scenario = run.get("scenario").asText();
        else if (run != null && run.path("scenario").path("name").isTextual()) scenario = run.path("scenario").path("name").asText();
        for (Path p : protocols) {
            List<Path> seeds = list(p).stream().filter(s -> Files.exists(s.resolve(TRACE))).sorted(Report::bySeed).toList();
            if (seeds.isEmpty()) continue;
            String protocol = p.getFileName().toString();
            List<RunMetrics> metrics = new ArrayList<>();
            List<String> violations = new ArrayList<>();
            List<String> lines = new ArrayList<>();
            String linearizable = "true";
            for (Path s : seeds) {
                metrics.add(RunMetrics.of(TraceReader.readAll(s.resolve(TRACE))));
                JsonNode v = readJson(s.resolve("verdict.json"));
                String seed = s.getFileName().toString();
                if (v == null) {
                    lines.add(seed + ": not checked");
                    linearizable = "unknown";
                    continue;
                }
                lines.add(seed + ": " + v.path("status").asText());
                boolean sawLin = false;
                for (JsonNode c : v.path("checks")) {
                    String status = c.path("status").asText();
                    if (status.equalsIgnoreCase("violation")) {
                        if (c.path("details").isEmpty()) violations.add(seed + " " + c.path("name").asText() + ": " + c.path("summary").asText());
                        for (JsonNode d : c.path("details")) violations.add(seed + " " + c.path("name").asText() + ": " + d.asText());
                    }
                    if (c.path("name").asText().equals("linearizability")) {
                        sawLin = true;
                        if (status.equalsIgnoreCase("violation")) linearizable = "false";
                        else if (!status.equalsIgnoreCase("ok") && !linearizable.equals("false")) linearizable = "unknown";
                    }
                }
                if (!sawLin && !linearizable.equals("false")) linearizable = "unknown";
            }
            runs.put(protocol, metrics);
            summaries.put(protocol, Summary.of(protocol, metrics, violations, linearizable));
            verdictLines.put(protocol, lines);
        }
        if (runs.isEmpty()) {
            throw new IllegalArgumentException(runDir + ": no traces found (expected <protocol>/seed-<n>/" + TRACE + ")");
        }
        return new Section(scenario, runDir, runs, summaries, verdictLines);
    }

    /**
     * Writes the report of {@code sections} into {@code out}: first into a temporary directory, then
     * each file is moved into place, so a failure leaves no half-written report.
     */
    public static Path write(List<Section> sections, Path out) {
        Path tmp = out.resolve(".report.tmp");
        try {
            deleteRecursively(tmp);
            Files.createDirectories(tmp);
            StringBuilder md = new StringBuilder();
            StringBuilder html = new StringBuilder();
            ObjectNode json = JSON.createObjectNode();
            StringBuilder csv = new StringBuilder("scenario,protocol,field,n,median,mean,ci95_low,ci95_high\n");
            boolean many = sections.size() > 1;
            md.append("# quorumlab report\n\n");
            html.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>quorumlab report</title><style>")
                    .append("body{font-family:sans-serif;max-width:1000px;margin:2em auto;color:#222}table{border-collapse:collapse}")
                    .append("td,th{border:1px solid #bbb;padding:3px 8px;text-align:right}th:first-child,td:first-child{text-align:left}")
                    .append(".bad{color:#b00;font-weight:bold}img{max-width:100%}</style></head><body><h1>quorumlab report</h1>\n");
            for (Section s : sections) {
                String prefix = many ? s.scenario() + "-" : "";
                md.append(many ? "## Scenario " + s.scenario() + "\n\n" : "Scenario: **" + s.scenario() + "**\n\n");
                html.append(many ? "<h2>Scenario " + esc(s.scenario()) + "</h2>" : "<p>Scenario: <b>" + esc(s.scenario()) + "</b></p>");
                verdicts(s, md, html);
                table(s, md, html);
                ObjectNode scenarioJson = many ? json.putObject(s.scenario()) : json;
                if (!many) json.put("scenario", s.scenario());
                summaryJson(s, scenarioJson.putObject("protocols"));
                s.summaries().forEach((p, sum) -> sum.fields().forEach((f, st) -> csv.append(String.join(",", s.scenario(), p, f,
                        String.valueOf(st.n()), num(st.median()), num(st.mean()), num(st.ciLow()), num(st.ciHigh()))).append('\n')));
                for (Charts.Drawn d : Charts.all(s.runs(), s.summaries())) {
                    Charts.Drawn named = new Charts.Drawn(prefix + d.stem(), d.title(), d.chart());
                    Charts.write(named, tmp);
                    String text = CHART_TEXT.getOrDefault(d.stem(), "");
                    md.append("### ").append(d.title()).append("\n\n![").append(d.title()).append("](").append(named.stem()).append(".png)\n\n")
                            .append(text).append("\n\n");
                    String b64 = Base64.getEncoder().encodeToString(Files.readAllBytes(tmp.resolve(named.stem() + ".png")));
                    html.append("<h3>").append(esc(d.title())).append("</h3><img alt=\"").append(esc(d.title()))
                            .append("\" src=\"data:image/png;base64,").append(b64).append("\"><p>").append(esc(text)).append("</p>\n");
                }
            }
            md.append(DEFINITIONS);
            html.append("<h2>Definitions</h2><p>").append(esc(DEFINITIONS.replace("## Definitions\n", "")).replace("\n- ", "<br>• ")).append("</p></body></html>\n");
            Files.writeString(tmp.resolve("report.md"), md);
            Files.writeString(tmp.resolve("report.html"), html);
            Files.writeString(tmp.resolve("summary.csv"), csv);
            JSON.writeValue(tmp.resolve("summary.json").toFile(), json);
            try (Stream<Path> files = Files.list(tmp)) {
                for (Path f : files.toList()) Files.move(f, out.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            return out.resolve("report.html");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report into " + out + ": " + e.getMessage(), e);
        } finally {
            deleteRecursively(tmp);
        }
    }

    private static void verdicts(Section s, StringBuilder md, StringBuilder html) {
        md.append("**Checker verdicts**\n\n");
        html.append("<h3>Checker verdicts</h3><ul>");
        s.summaries().forEach((p, sum) -> {
            String line = p + ": linearizable " + sum.linearizable() + "; " + (sum.violations().isEmpty()
                    ? "no safety violations" : sum.violations().size() + " VIOLATION(S)") + " (" + String.join(", ", s.verdictLines().get(p)) + ")";
            md.append("- ").append(sum.violations().isEmpty() ? line : "**" + line + "**").append('\n');
            sum.violations().forEach(v -> md.append("  - ").append(v).append('\n'));
            html.append("<li").append(sum.violations().isEmpty() ? "" : " class=\"bad\"").append(">").append(esc(line));
            sum.violations().forEach(v -> html.append("<br>").append(esc(v)));
            html.append("</li>");
        });
        md.append('\n');
        html.append("</ul>\n");
    }

    /** Side by side: mean across seeds, [95% CI] when there are two or more. */
    private static void table(Section s, StringBuilder md, StringBuilder html) {
        List<String> ps = new ArrayList<>(s.summaries().keySet());
        md.append("| metric (mean [95% CI]) | ").append(String.join(" | ", ps)).append(" |\n|---|")
                .append("---|".repeat(ps.size())).append('\n');
        html.append("<h3>Summary (mean [95% CI] over seeds)</h3><table><tr><th>metric</th>");
        ps.forEach(p -> html.append("<th>").append(esc(p)).append(" (").append(s.summaries().get(p).seeds()).append(" seeds)</th>"));
        html.append("</tr>");
        for (String f : Summary.FIELDS.keySet()) {
            md.append("| ").append(f);
            html.append("<tr><td>").append(f).append("</td>");
            for (String p : ps) {
                String cell = cell(s.summaries().get(p).fields().get(f));
                md.append(" | ").append(cell);
                html.append("<td>").append(esc(cell)).append("</td>");
            }
            md.append(" |\n");
            html.append("</tr>");
        }
        md.append("| linearizable");
        html.append("<tr><td>linearizable</td>");
        for (String p : ps) {
            md.append(" | ").append(s.summaries().get(p).linearizable());
            html.append("<td>").append(s.summaries().get(p).linearizable()).append("</td>");
        }
        md.append(" |\n\n");
        html.append("</tr></table>\n");
    }

    /** How a statistic appears in the tables: the mean, then its CI; "n/a" when undefined. */
    public static String cell(Stat st) {
        if (!st.defined()) return "n/a";
        String m = fmt(st.mean());
        return Double.isNaN(st.ciLow()) ? m : m + " [" + fmt(st.ciLow()) + ", " + fmt(st.ciHigh()) + "]";
    }

    public static String fmt(double v) {
        if (Double.isNaN(v)) return "n/a";
        if (Math.abs(v) >= 100 || v == Math.rint(v)) return String.format(Locale.ROOT, "%.0f", v);
        return String.format(Locale.ROOT, Math.abs(v) >= 10 ? "%.1f" : "%.2f", v);
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "" : String.valueOf(v);
    }

    private static void summaryJson(Section s, ObjectNode protocols) {
        s.summaries().forEach((p, sum) -> {
            ObjectNode o = protocols.putObject(p);
            o.put("seeds", sum.seeds());
            sum.fields().forEach((f, st) -> {
                ObjectNode v = o.putObject(f);
                v.put("n", st.n());
                if (st.defined()) {
                    v.put("median", st.median());
                    v.put("mean", st.mean());
                } else {
                    v.putNull("median");
                    v.putNull("mean");
                }
                ArrayNode ci = v.putArray("ci95");
                if (!Double.isNaN(st.ciLow())) ci.add(st.ciLow()).add(st.ciHigh());
            });
            ArrayNode viol = o.putArray("violations");
            sum.violations().forEach(viol::add);
            o.put("linearizable", sum.linearizable());
        });
    }

    static final Map<String, String> CHART_TEXT = Map.of(
            "latency-percentiles", "Client latency at each percentile, all seeds merged in one HdrHistogram per protocol. "
                    + "Latency runs from the instant the client meant to send (open loop) to the committed reply, so stalls are not hidden.",
            "latency-over-time", "Each committed command's latency at its completion time, first seed; grey bands are fault windows.",
            "throughput-over-time", "Commands committed per one-second bucket, first seed; grey bands are fault windows.",
            "election-cdf", "Election time: from the fault that takes the leader away to the next leader established by another node "
                    + "(Raft: a candidate wins a majority of votes; Multi-Paxos: a proposer completes phase 1), pooled over seeds.",
            "unavailability", "Unavailability: from the leader fault to the commit of the first command submitted after it; "
                    + "per seed the median, then the mean across seeds with a 95% Student-t interval.",
            "gaps-over-time", "The highest slot chosen (solid) and highest slot applied (dashed) on any node, first seed. "
                    + "Where they part, chosen entries wait behind an open lower slot (head-of-line blocking).",
            "gap-lifetime-cdf", "Gap lifetime: on each node, from the moment a slot is chosen above an unchosen lower one "
                    + "to the moment every slot below the highest chosen is chosen, pooled over nodes and seeds.",
            "messages-per-commit", "Messages sent per committed command, by message type, mean over seeds (needs trace level FULL).");

    static final String DEFINITIONS = """
            ## Definitions
            - Every number is computed from the traces alone (see results/README.md); per seed first, then across seeds: mean, median and a 95% Student-t confidence interval.
            - Latency: invoke (intended send time) to committed reply. Throughput: committed commands / run length.
            - Election time: leader crashed, paused, isolated or cut off, to LeaderEstablished on another node. Unavailability: same start, to the commit of the first command submitted after it.
            - Out of order: a slot chosen (or entry committed) on a node while a lower one is not yet; width: the number of unchosen slots below it.
            - Messages per commit: Send records / committed commands; n/a when the trace level is not FULL.
            """;

    private static int bySeed(Path a, Path b) {
        return Long.compare(seedOf(a), seedOf(b));
    }

    private static long seedOf(Path p) {
        String n = p.getFileName().toString();
        try {
            return Long.parseLong(n.replaceAll("\\D", ""));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static JsonNode readJson(Path f) {
        if (!Files.exists(f)) return null;
        try {
            return JSON.readTree(f.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException(f + ": not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    private static List<Path> list(Path dir) {
        if (!Files.isDirectory(dir)) throw new IllegalArgumentException(dir + ": not a directory");
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot list: " + e.getMessage(), e);
        }
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: a leftover temp dir is harmless and replaced next time
        }
    }
}
