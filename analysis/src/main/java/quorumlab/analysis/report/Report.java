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
import quorumlab.workload.Runner;

/**
 * Turns run directories ({@code <run>/<protocol>/seed-<n>/trace.jsonl.zst}, or an older run's {@code trace.jsonl.gz}, with {@code verdict.json}
 * beside it when checked) into report.md, report.html, summary.csv, summary.json and the charts.
 * Reads only the files, so an old run can be re-analysed.
 */
public final class Report {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    static final String TRACE = Runner.TRACE_FILE;

    /** One scenario's analysed runs. */
    public record Section(String scenario, Path runDir, Map<String, List<RunMetrics>> runs, Map<String, Summary> summaries,
            Map<String, List<String>> verdictLines, JsonNode run) {
        /** The same section, for the run now at {@code dir} (where the runner moved it). */
        public Section movedTo(Path dir) {
            return new Section(scenario, dir, runs, summaries, verdictLines, run);
        }
    }

    private Report() {}

    /** Reads every protocol's seeds under {@code runDir}. */
    public static Section analyse(Path runDir) {
        return analyse(runDir, new CheckedRuns());
    }

    /**
     * As {@link #analyse(Path)}, taking each seed's metrics from {@code checked} where they were
     * measured while checking it, so that its trace is not read again.
     */
    public static Section analyse(Path runDir, CheckedRuns checked) {
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
            List<Path> seeds = list(p).stream().filter(s -> Runner.traceIn(s) != null).sorted(Report::bySeed).toList();
            if (seeds.isEmpty()) continue;
            String protocol = p.getFileName().toString();
            List<RunMetrics> metrics = new ArrayList<>();
            List<String> violations = new ArrayList<>();
            List<String> lines = new ArrayList<>();
            String linearizable = "true";
            for (Path s : seeds) {
                metrics.add(checked.metricsOf(s));
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
        return new Section(scenario, runDir, runs, summaries, verdictLines, run);
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
            StringBuilder csv = new StringBuilder("scenario,protocol,field,n,basis,value,median,mean,ci95_low,ci95_high\n");
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
                header(s, md, html);
                verdicts(s, md, html);
                options(s, md, html);
                table(s, md, html);
                leaderChanges(s, md, html);
                ObjectNode scenarioJson = many ? json.putObject(s.scenario()) : json;
                if (!many) json.put("scenario", s.scenario());
                summaryJson(s, scenarioJson.putObject("protocols"));
                s.summaries().forEach((p, sum) -> sum.fields().forEach((f, st) -> csv.append(String.join(",", s.scenario(), p, f,
                        String.valueOf(st.n()), st.basis(), num(st.value()), num(st.median()), num(st.mean()), num(st.ciLow()),
                        num(st.ciHigh()))).append('\n')));
                for (Charts.Drawn d : Charts.all(s.runs(), s.summaries())) {
                    Charts.Drawn named = new Charts.Drawn(prefix + d.stem(), d.title(), d.chart());
                    Charts.write(named, tmp);
                    String text = chartText(d.stem());
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

    /** What ran and how it was measured: seeds, runtime, the phases, the client policy, the outage threshold. */
    private static void header(Section s, StringBuilder md, StringBuilder html) {
        List<String> lines = new ArrayList<>();
        s.summaries().forEach((p, sum) -> {
            List<RunMetrics> runs = s.runs().get(p);
            double warm = runs.stream().mapToDouble(m -> m.phases.warmupMs()).average().orElse(Double.NaN);
            double window = runs.stream().mapToDouble(m -> m.phases.windowMs()).average().orElse(Double.NaN);
            double drain = runs.stream().mapToDouble(m -> m.phases.drainMs()).average().orElse(Double.NaN);
            double threshold = runs.stream().mapToDouble(m -> m.outageThresholdMs).filter(d -> !Double.isNaN(d)).average().orElse(Double.NaN);
            lines.add(p + ": " + sum.seeds() + " seeds; phases (mean over seeds): warm-up " + fmt(warm) + " ms, measurement window "
                    + fmt(window) + " ms, drain " + fmt(drain) + " ms; outage threshold " + fmt(threshold) + " ms");
        });
        if (s.run() != null) {
            lines.add("runtime: " + s.run().path("runtime").asText("?") + "; profile: " + s.run().path("scenario").path("profile").asText("matched"));
            s.summaries().keySet().forEach(p -> clusterStartUp(s, p).ifPresent(l -> lines.add(p + ": " + l)));
            JsonNode client = s.run().path("clients");
            if (client.isObject()) {
                List<String> parts = new ArrayList<>();
                client.fields().forEachRemaining(e -> parts.add(e.getKey() + ": " + e.getValue().asText()));
                lines.add("client policy (the same for every protocol): " + String.join("; ", parts));
            }
        }
        lines.add("Every number counts in the measurement window only. Each cell: the value [95% bootstrap interval] "
                + "and n, the seeds (or events, for pooled fields) it rests on.");
        md.append("**Setup**\n\n");
        lines.forEach(l -> md.append("- ").append(l).append('\n'));
        md.append('\n');
        html.append("<h3>Setup</h3><ul>");
        lines.forEach(l -> html.append("<li>").append(esc(l)).append("</li>"));
        html.append("</ul>\n");
    }

    /**
     * What the cluster runtime spent before the scenario's clock started (join, then the warm-up
     * until a leader served a write; docs/cluster-runtime.md), mean over the protocol's seeds, from
     * each seed's run.json; empty for the other runtimes.
     */
    public static java.util.Optional<String> clusterStartUp(Section s, String protocol) {
        if (s.runDir() == null) return java.util.Optional.empty();
        List<double[]> seeds = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(s.runDir().resolve(protocol))) {
            for (Path dir : dirs.sorted().toList()) {
                Path f = dir.resolve(Runner.RUN_FILE);
                if (!Files.isRegularFile(f)) continue;
                JsonNode up = JSON.readTree(f.toFile()).path("clusterStartUp");
                if (up.isObject()) {
                    seeds.add(new double[] {up.path("joinSeconds").asDouble(), up.path("warmupSeconds").asDouble(), up.path("warmupWrites").asDouble()});
                }
            }
        } catch (IOException | UncheckedIOException e) {
            return java.util.Optional.empty();
        }
        if (seeds.isEmpty()) return java.util.Optional.empty();
        double join = seeds.stream().mapToDouble(a -> a[0]).average().orElse(Double.NaN);
        double warm = seeds.stream().mapToDouble(a -> a[1]).average().orElse(Double.NaN);
        return java.util.Optional.of(String.format(Locale.ROOT, "cluster start-up before the scenario's clock (mean over %d seeds):"
                + " nodes joined in %.1f s, then a warm-up of %.1f s (a rehearsal instance of the protocol that served %.0f writes,"
                + " then thrown away; the scenario starts from fresh nodes)", seeds.size(), join, warm, seeds.get(0)[2]));
    }

    /**
     * Both protocols' effective options side by side, from run.json; an option both protocols have
     * under the same name and set differently is marked, since a difference there is a setting, not
     * a protocol, difference.
     */
    private static void options(Section s, StringBuilder md, StringBuilder html) {
        if (s.run() == null || !s.run().path("options").isObject()) return;
        JsonNode opts = s.run().path("options");
        List<String> ps = new ArrayList<>();
        opts.fieldNames().forEachRemaining(ps::add);
        java.util.TreeSet<String> names = new java.util.TreeSet<>();
        ps.forEach(p -> opts.get(p).fieldNames().forEachRemaining(names::add));
        md.append("**Effective options** (* = set differently in protocols that share the option)\n\n| option | ")
                .append(String.join(" | ", ps)).append(" |\n|---|").append("---|".repeat(ps.size())).append('\n');
        html.append("<h3>Effective options</h3><p>* = set differently in protocols that share the option</p><table><tr><th>option</th>");
        ps.forEach(p -> html.append("<th>").append(esc(p)).append("</th>"));
        html.append("</tr>");
        for (String name : names) {
            List<String> values = new ArrayList<>();
            java.util.Set<String> distinct = new java.util.HashSet<>();
            int present = 0;
            for (String p : ps) {
                JsonNode v = opts.get(p).get(name);
                values.add(v == null ? "—" : v.asText());
                if (v != null) {
                    present++;
                    distinct.add(v.asText());
                }
            }
            String label = name + (present > 1 && distinct.size() > 1 ? " *" : "");
            md.append("| ").append(label).append(" | ").append(String.join(" | ", values)).append(" |\n");
            html.append("<tr><td>").append(esc(label)).append("</td>");
            values.forEach(v -> html.append("<td>").append(esc(v)).append("</td>"));
            html.append("</tr>");
        }
        md.append('\n');
        html.append("</table>\n");
    }

    /** Side by side: each field's value, its 95% interval and its n. */
    private static void table(Section s, StringBuilder md, StringBuilder html) {
        List<String> ps = new ArrayList<>(s.summaries().keySet());
        md.append("| metric | ").append(String.join(" | ", ps)).append(" |\n|---|").append("---|".repeat(ps.size())).append('\n');
        html.append("<h3>Summary (value [95% bootstrap interval], n)</h3><table><tr><th>metric</th>");
        ps.forEach(p -> html.append("<th>").append(esc(p)).append(" (").append(s.summaries().get(p).seeds()).append(" seeds)</th>"));
        html.append("</tr>");
        for (String f : Summary.FIELDS.keySet()) {
            String label = f + (Summary.FIELDS.get(f).pooled() ? " (pooled)" : "");
            md.append("| ").append(label);
            html.append("<tr><td>").append(esc(label)).append("</td>");
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

    /** Every leader change, outage, catch-up and membership change of the first seed, with its cause. */
    private static void leaderChanges(Section s, StringBuilder md, StringBuilder html) {
        md.append("**Leader changes, outages and catch-ups (first seed)**\n\n");
        html.append("<h3>Leader changes, outages and catch-ups (first seed)</h3><ul>");
        s.runs().forEach((p, runs) -> {
            RunMetrics m = runs.get(0);
            List<String> items = new ArrayList<>();
            m.leaderChanges.forEach(c -> items.add(String.format(Locale.ROOT, "leader lost at %.0f ms (%s), %s leads at %.0f ms: election %.1f ms",
                    c.lostMs(), c.cause(), c.newLeader(), c.establishedMs(), c.electionMs())));
            m.outages.forEach(o -> items.add(String.format(Locale.ROOT, "outage %.0f–%.0f ms (%.1f ms, %s)", o.startMs(), o.endMs(),
                    o.lengthMs(), o.cause())));
            m.catchUps.forEach(c -> items.add(String.format(Locale.ROOT, "%s catches up after %s: %.0f–%.0f ms, %d entries", c.node(),
                    c.after(), c.startMs(), c.endMs(), c.entries())));
            m.membershipChanges.forEach(c -> items.add(String.format(Locale.ROOT, "membership change %d (%s %s) asked at %.0f ms: %s%s", c.id(),
                    c.kind(), c.node(), c.requestedMs(), c.outcome(), Double.isNaN(c.committedMs()) ? ""
                            : String.format(Locale.ROOT, " after %.1f ms, longest without a commit %.1f ms", c.requestToCommitMs(), c.longestNoCommitMs()))));
            String line = p + ": " + (items.isEmpty() ? "none" : String.join("; ", items));
            md.append("- ").append(line).append('\n');
            html.append("<li>").append(esc(line)).append("</li>");
        });
        md.append('\n');
        html.append("</ul>\n");
    }

    /** How a statistic appears in the tables: the value, its interval, its n; "n/a" when undefined. */
    public static String cell(Stat st) {
        if (st == null || !st.defined()) return "n/a" + (st == null ? "" : " (n=0)");
        String m = fmt(st.value());
        String n = " (n=" + st.n() + ")";
        return Double.isNaN(st.ciLow()) ? m + n : m + " [" + fmt(st.ciLow()) + ", " + fmt(st.ciHigh()) + "]" + n;
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
                v.put("basis", st.basis());
                putNumber(v, "value", st.value());
                putNumber(v, "median", st.median());
                putNumber(v, "mean", st.mean());
                ArrayNode ci = v.putArray("ci95");
                if (!Double.isNaN(st.ciLow())) ci.add(st.ciLow()).add(st.ciHigh());
            });
            ArrayNode viol = o.putArray("violations");
            sum.violations().forEach(viol::add);
            o.put("linearizable", sum.linearizable());
        });
    }

    private static void putNumber(ObjectNode o, String name, double v) {
        if (Double.isNaN(v)) o.putNull(name);
        else o.put(name, v);
    }

    /** The reading guide under each chart; an "ordering-" chart of any protocol shares one text. */
    static String chartText(String stem) {
        return CHART_TEXT.getOrDefault(stem.startsWith("ordering-") ? "ordering" : stem, "");
    }

    static final Map<String, String> CHART_TEXT = Map.ofEntries(
            Map.entry("latency-percentiles", "Client latency at each percentile, both axes logarithmic: a thin line per seed, the seeds "
                    + "merged in bold. Latency runs from the instant the client meant to send (open loop) to the committed reply, "
                    + "for commands sent in the measurement window, so neither the start-up election nor a stall is hidden or added."),
            Map.entry("latency-over-time", "Each committed command's latency at its completion time, first seed; grey bands are fault "
                    + "windows. A window of more than 20,000 commands draws, per 1/2,000 of the window, its fastest and slowest command."),
            Map.entry("throughput-over-time", "Commands committed per second in buckets sized to the run (title), first seed, from the "
                    + "start of the run: the vertical lines mark the measurement window (before: warm-up; after: drain). "
                    + "Grey bands are fault windows."),
            Map.entry("election-cdf", "Election time of every leader change in the window, all seeds pooled: from the instant the "
                    + "leader was lost (a fault that took it, its stepping down, or the start of the outage) to the next leader "
                    + "established (Raft: a candidate wins a majority; Multi-Paxos: a proposer completes phase 1)."),
            Map.entry("unavailability", "After a leader change, pooled over seeds (median, 95% bootstrap interval): the election; the "
                    + "cluster's unavailability, to the first client command the new leader commits; and the client outage, until "
                    + "every client that was waiting has a committed reply (its timeout and retries included)."),
            Map.entry("ordering", "How to see the ordering difference: per node, the entries it holds that still wait. Multi-Paxos "
                    + "may learn a slot before a lower one (a lost or held-back message, a new leader's phase 1, a configuration "
                    + "change); the chosen slot then waits behind the open lower slot before it can be applied, and the line rises "
                    + "while the gap lasts. On FIFO links without loss a leader learns its slots in order and the line stays low. "
                    + "Raft commits in log order, so nothing committed ever waits; its entries wait earlier, appended but not yet "
                    + "committed. A node catching up after a fault is drawn at zero (its backlog is catch-up, listed above). Both "
                    + "panels share one y scale."),
            Map.entry("gap-lifetime-cdf", "Gap lifetime on a log axis: on a node that is up and caught up, from the moment an index is "
                    + "learned above an unlearned lower one to the moment every index below the highest learned is learned, "
                    + "pooled over nodes and seeds (histogram buckets of 3 significant digits)."),
            Map.entry("messages-per-commit", "Peer messages sent in the window per committed command, stacked by the categories both "
                    + "protocols share (election, replication, heartbeat, commit notification, catch-up), mean over seeds."),
            Map.entry("messages-by-node", "Messages each node sent per second of the window, mean over seeds: the leader's bar shows "
                    + "the leader bottleneck."));

    static final String DEFINITIONS = """
            ## Definitions
            - Every number is computed from the traces alone, in the measurement window (warm-up until the first leader serves a client, or the workload's warm-up if later; drain after the workload ends). results/README.md defines each field.
            - Per-seed fields: computed on each seed, then the mean over seeds with a 95% bootstrap percentile interval. Pooled fields (elections, unavailability, client outage, catch-up): a quantile of the events of all seeds, with a bootstrap interval; n counts events.
            - Latency: intended send to committed reply. Throughput: commands sent and committed in the window / window length.
            - Leader change: every LeaderEstablished in the window; election time from the loss of the leader. Unavailability: to the first client command the new leader commits. Client outage: until every waiting client has a committed reply.
            - Outage: no commit for longer than the threshold while requests are outstanding; attributed to the fault that preceded it (within 1 s) or spontaneous.
            - Gaps and choose-to-apply count only indexes a node learned while up, in contact and caught up; catch-up is reported apart.
            - Messages per commit: from the runtime's message counts (every trace level).
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
