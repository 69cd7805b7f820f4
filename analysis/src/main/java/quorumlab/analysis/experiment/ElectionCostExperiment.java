package quorumlab.analysis.experiment;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.IntConsumer;
import java.util.function.ToDoubleFunction;
import org.apache.commons.statistics.descriptive.Quantile;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import quorumlab.analysis.charts.Charts;
import quorumlab.analysis.experiment.ElectionCostTrial.Outcome;
import quorumlab.analysis.experiment.ElectionCostTrial.Spread;
import quorumlab.protocols.MatchedSettings;
import quorumlab.protocols.Protocol;

/**
 * Election cost against log divergence (Howard & Mortier 2020, "Paxos vs Raft: have we reached
 * consensus on distributed consensus?"): for each protocol, number of uncommitted entries and way
 * they are spread over the survivors, many trials, each trace through the checkers.
 */
public final class ElectionCostExperiment {
    static final String NAME = "election-cost";
    public static final int DEFAULT_TRIALS = 10;
    static final List<Integer> DEFAULT_DIVERGENCE = List.of(0, 10, 100, 1000);

    record Config(List<String> protocols, List<Integer> divergence, List<Spread> spreads, int trials, long seed, int threads) {}

    record Trial(String protocol, Spread spread, int divergence, int index, long seed, Outcome outcome) {}

    record Row(String protocol, String spread, int divergence, int trials, double electMs, double firstCommitMs, double messages,
            double bytes, double entriesDuring, double entriesAfter, double promiseEntries, int leaderHeldMost, int censored,
            int violations, int electedBeforeCrash) {}

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Returns 0, 1 when a trial broke a safety check, 3 when a check could not decide. */
    public static int run(List<Integer> divergence, int trials, long seed, int threads, Path out, PrintStream stdout,
            PrintStream stderr) throws Exception {
        return run(divergence, trials, seed, threads, out, null, stdout, stderr);
    }

    /** As above, the trials on the workers ({@code remote}), or on {@code threads} threads here when it is null. */
    public static int run(List<Integer> divergence, int trials, long seed, int threads, Path out, Trials.Remote remote,
            PrintStream stdout, PrintStream stderr) throws Exception {
        if (Files.exists(out)) throw new IllegalArgumentException(out + " exists already; choose another --out");
        List<Integer> ds = divergence == null || divergence.isEmpty() ? DEFAULT_DIVERGENCE : divergence.stream().distinct().sorted().toList();
        for (int d : ds) {
            if (d < 0 || d > 1000) throw new IllegalArgumentException("--divergence must be between 0 and 1000, got " + d);
        }
        Config config = new Config(List.of("raft", "multi-paxos"), ds, List.of(Spread.values()), trials, seed, threads);
        int total = config.protocols().size() * ds.size() * config.spreads().size() * trials;
        int step = Math.max(1, total / 10);
        long start = System.nanoTime();
        List<Trial> results = runTrials(config, remote, done -> {
            if (done % step == 0 || done == total) stderr.printf("election-cost: %d/%d trials%s%n", done, total, Trials.status(remote));
        });
        double seconds = (System.nanoTime() - start) / 1e9;
        List<Row> rows = rows(results, config);
        String report = report(rows, config, seconds);
        write(results, rows, config, report, out);
        stdout.print(report);
        stdout.println("results: " + out);
        List<Trial> bad = results.stream().filter(t -> !t.outcome().violations().isEmpty()).toList();
        if (!bad.isEmpty()) {
            stderr.println("quorumlab: VIOLATION: " + bad.size() + " trials broke a safety check, e.g. " + bad.get(0).protocol()
                    + " " + bad.get(0).spread().label + " " + bad.get(0).divergence() + ": " + bad.get(0).outcome().violations().get(0));
            return 1;
        }
        return results.stream().anyMatch(t -> t.outcome().unknown()) ? 3 : 0;
    }

    static List<Trial> runTrials(Config config, IntConsumer progress) throws Exception {
        return runTrials(config, null, progress);
    }

    /** Here, or on the workers ({@code remote}); the trials in a fixed order either way. */
    static List<Trial> runTrials(Config config, Trials.Remote remote, IntConsumer progress) throws Exception {
        return Trials.runAll(NAME, config, tasks(config), Trial.class, config.threads(), remote, progress);
    }

    /** Every trial, in a fixed order: a worker rebuilds the same list from the same config. */
    static List<Callable<Trial>> tasks(Config config) {
        List<Callable<Trial>> tasks = new ArrayList<>();
        for (String p : config.protocols()) {
            Protocol protocol = Protocol.byName(p);
            for (Spread s : config.spreads()) {
                for (int d : config.divergence()) {
                    for (int i = 0; i < config.trials(); i++) {
                        int index = i;
                        // The same seeds for both protocols and every setting: only the setting differs.
                        long seed = config.seed() * 1_000_003L + index;
                        tasks.add(() -> new Trial(p, s, d, index, seed, ElectionCostTrial.run(protocol, d, s, seed)));
                    }
                }
            }
        }
        return tasks;
    }

    static List<Row> rows(List<Trial> trials, Config config) {
        List<Row> rows = new ArrayList<>();
        for (String p : config.protocols()) {
            for (Spread s : config.spreads()) {
                for (int d : config.divergence()) {
                    List<Outcome> mine = trials.stream().filter(t -> t.protocol().equals(p) && t.spread() == s && t.divergence() == d)
                            .map(Trial::outcome).toList();
                    rows.add(new Row(p, s.label, d, mine.size(), median(mine, Outcome::electMs), median(mine, Outcome::firstCommitMs),
                            median(mine, Outcome::messages), median(mine, Outcome::bytes), median(mine, Outcome::entriesDuringElection),
                            median(mine, Outcome::entriesAfterElection), median(mine, Outcome::promiseEntries),
                            (int) mine.stream().filter(o -> o.newLeaderHeld() == o.heldBySurvivor().stream().mapToInt(i -> i).max().orElse(0))
                                    .count(),
                            (int) mine.stream().filter(Outcome::censored).count(),
                            (int) mine.stream().filter(o -> !o.violations().isEmpty()).count(),
                            (int) mine.stream().filter(Outcome::electedBeforeCrash).count()));
                }
            }
        }
        return rows;
    }

    /** The median over the trials that have the value (a trial elected before the crash has no election time). */
    private static double median(List<Outcome> outcomes, ToDoubleFunction<Outcome> f) {
        double[] values = outcomes.stream().mapToDouble(f).filter(v -> !Double.isNaN(v)).toArray();
        return values.length == 0 ? Double.NaN : Quantile.withDefaults().evaluate(values, 0.5);
    }

    /** Howard & Mortier's claims about each protocol, and the test of our rows that agrees with it. */
    static String published(String protocol) {
        return protocol.equals("raft")
                ? "a candidate must already hold an up-to-date log: votes carry no entries, and the leader then sends followers only what they lack"
                : "any node may win phase 1, which must collect the accepted values above the commit point and propose them again";
    }

    static boolean agrees(String protocol, List<Row> rows) {
        if (protocol.equals("raft")) {
            return rows.stream().filter(r -> r.protocol().equals("raft")).allMatch(r -> r.entriesDuring() == 0);
        }
        List<Row> paxos = rows.stream().filter(r -> r.protocol().equals(protocol)).toList();
        // Phase 1 transfers grow with the divergence, for every spread.
        for (Spread s : Spread.values()) {
            List<Row> mine = paxos.stream().filter(r -> r.spread().equals(s.label)).toList();
            if (mine.size() > 1 && !(mine.get(mine.size() - 1).promiseEntries() > mine.get(0).promiseEntries())) return false;
        }
        return true;
    }

    static String report(List<Row> rows, Config config, double seconds) {
        MatchedSettings m = ElectionCostTrial.SETTINGS;
        StringBuilder md = new StringBuilder("# Election cost against log divergence (Howard & Mortier 2020), reproduced\n\n");
        md.append(String.format(Locale.ROOT, "Five nodes; %d trials per protocol, spread and divergence; per-message delay 1-3 ms; "
                + "matched settings for both protocols: election timeout %d-%d ms, heartbeat %d ms, batch %d, %d in flight, resend "
                + "%d ms (Raft: heartbeat = resend = %d ms); seed %d; ran in %.1f s.%n%n", config.trials(), m.electionTimeoutMinMs(),
                m.electionTimeoutMaxMs(), m.heartbeatIntervalMs(), m.maxBatch(), m.maxInFlight(), m.retransmitMs(),
                Math.min(m.heartbeatIntervalMs(), m.retransmitMs()), config.seed(), seconds));
        md.append("Divergence: entries the leader appended (Raft) or proposed (Paxos) after every follower's replies to it were cut, "
                + "so it never learned any was committed; then it crashed. Spread: how many of the four quarters of those entries "
                + "each survivor holds, in order n2..n5: one = 4,0,0,0; staircase = 4,3,2,1; all = 4,4,4,4. Medians over the "
                + "trials: time from the crash to a new leader (Raft: won its votes; Paxos: finished phase 1) and to the first "
                + "new client write acknowledged; messages and bytes sent by the nodes in that time; entries carried by messages "
                + "during the election and from the election to that first commit; entries in Promises (phase 1b); trials "
                + "whose new leader held the most uncommitted entries of all survivors; censored: no commit within "
                + ElectionCostTrial.CAP / ElectionCostTrial.MS / 1000 + " s; elected before: trials in which the survivors the "
                + "leader no longer reached had elected one of them before it crashed, so no election followed the crash (the "
                + "elect median leaves them out; their entries all count after the election).\n\n");
        md.append("| protocol | spread | divergence | elect (ms) | first commit (ms) | messages | bytes | entries during election "
                + "| entries after | entries in Promises | leader held most | censored | elected before | violations |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %d | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f | %d/%d | %d | %d | %d |%n",
                    r.protocol(), r.spread(), r.divergence(), r.electMs(), r.firstCommitMs(), r.messages(), r.bytes(),
                    r.entriesDuring(), r.entriesAfter(), r.promiseEntries(), r.leaderHeldMost(), r.trials(), r.censored(),
                    r.electedBeforeCrash(), r.violations()));
        }
        md.append("\n## Beside the published claims\n\n| protocol | Howard & Mortier (2020) | test of our rows | agrees |\n|---|---|---|---|\n");
        for (String p : config.protocols()) {
            md.append("| ").append(p).append(" | ").append(published(p)).append(" | ")
                    .append(p.equals("raft") ? "no entries carried between the crash and the new leader, at any divergence"
                            : "entries in Promises at the largest divergence exceed those at the smallest, for every spread")
                    .append(" | ").append(agrees(p, rows) ? "yes" : "NO").append(" |\n");
        }
        md.append("\nThe paper gives no numbers for this comparison; its claims are qualitative. "
                + "What the model represents and what it leaves out: docs/election-cost-experiment.md.\n");
        return md.toString();
    }

    static void write(List<Trial> trials, List<Row> rows, Config config, String report, Path out) throws IOException {
        Path tmp = out.resolveSibling("." + out.getFileName() + ".tmp");
        Files.createDirectories(tmp);
        StringBuilder csv = new StringBuilder("protocol,spread,divergence,trial,seed,elect_ms,first_commit_ms,messages,bytes,"
                + "entries_during_election,entries_after_election,promise_entries,held_n2,held_n3,held_n4,held_n5,new_leader,"
                + "new_leader_held,leader_log_covers_voters,censored,violations,unknown,elected_before_crash\n");
        for (Trial t : trials) {
            Outcome o = t.outcome();
            csv.append(String.format(Locale.ROOT, "%s,%s,%d,%d,%d,%.3f,%.3f,%d,%d,%d,%d,%d,%d,%d,%d,%d,%s,%d,%b,%b,%d,%b,%b%n",
                    t.protocol(), t.spread().label, t.divergence(), t.index(), t.seed(), o.electMs(), o.firstCommitMs(), o.messages(),
                    o.bytes(), o.entriesDuringElection(), o.entriesAfterElection(), o.promiseEntries(), o.heldBySurvivor().get(0),
                    o.heldBySurvivor().get(1), o.heldBySurvivor().get(2), o.heldBySurvivor().get(3), o.newLeader(), o.newLeaderHeld(),
                    o.leaderLogCoversVoters(), o.censored(), o.violations().size(), o.unknown(), o.electedBeforeCrash()));
        }
        Files.writeString(tmp.resolve("trials.csv"), csv, StandardCharsets.UTF_8);
        Map<String, Object> summary = new LinkedHashMap<>();
        Map<String, Object> setup = new LinkedHashMap<>();
        setup.put("trials", config.trials());
        setup.put("seed", config.seed());
        setup.put("matched", ElectionCostTrial.SETTINGS);
        Map<String, Object> options = new LinkedHashMap<>();
        for (String p : config.protocols()) options.put(p, new TreeMap<>(ElectionCostTrial.options(Protocol.byName(p))));
        setup.put("options", options);
        summary.put("setup", setup);
        for (Row r : rows) {
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("trials", r.trials());
            v.put("elect_ms_median", r.electMs());
            v.put("first_commit_ms_median", r.firstCommitMs());
            v.put("messages_median", r.messages());
            v.put("bytes_median", r.bytes());
            v.put("entries_during_election_median", r.entriesDuring());
            v.put("entries_after_election_median", r.entriesAfter());
            v.put("promise_entries_median", r.promiseEntries());
            v.put("leader_held_most", r.leaderHeldMost());
            v.put("censored", r.censored());
            v.put("elected_before_crash", r.electedBeforeCrash());
            v.put("violations", r.violations());
            @SuppressWarnings("unchecked")
            Map<String, Object> bySpread = (Map<String, Object>) ((Map<String, Object>) summary.computeIfAbsent(r.protocol(),
                    k -> new LinkedHashMap<String, Object>())).computeIfAbsent(r.spread(), k -> new LinkedHashMap<String, Object>());
            bySpread.put(String.valueOf(r.divergence()), v);
        }
        Map<String, Object> agreement = new LinkedHashMap<>();
        for (String p : config.protocols()) agreement.put(p, Map.of("published", published(p), "agrees", agrees(p, rows)));
        summary.put("published", agreement);
        Files.writeString(tmp.resolve("summary.json"), JSON.writeValueAsString(summary), StandardCharsets.UTF_8);
        Files.writeString(tmp.resolve("report.md"), report, StandardCharsets.UTF_8);
        chart(rows, config, "elect-time", "time to elect a new leader (median)", "ms", Row::electMs, tmp);
        chart(rows, config, "first-commit", "time to the first new commit (median)", "ms", Row::firstCommitMs, tmp);
        chart(rows, config, "messages", "messages from the crash to the first new commit (median)", "messages", Row::messages, tmp);
        chart(rows, config, "bytes", "bytes from the crash to the first new commit (median)", "bytes", Row::bytes, tmp);
        chart(rows, config, "entries-election", "entries carried during the election (median)", "entries", Row::entriesDuring, tmp);
        chart(rows, config, "entries-after", "entries carried from the election to the first commit (median)", "entries",
                Row::entriesAfter, tmp);
        if (Files.exists(out)) throw new IOException(out + " exists already; choose another --out");
        Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void chart(List<Row> rows, Config config, String stem, String title, String yAxis, ToDoubleFunction<Row> value,
            Path dir) throws IOException {
        CategoryChart c = new CategoryChartBuilder().width(Charts.WIDTH + 200).height(Charts.HEIGHT).title(title)
                .xAxisTitle("uncommitted entries when the leader failed").yAxisTitle(yAxis).build();
        c.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        c.getStyler().setPlotBackgroundColor(java.awt.Color.WHITE);
        c.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideE);
        List<String> xs = config.divergence().stream().map(String::valueOf).toList();
        int k = 0;
        for (String p : config.protocols()) {
            for (Spread s : config.spreads()) {
                List<Double> ys = new ArrayList<>();
                for (int d : config.divergence()) {
                    ys.add(rows.stream().filter(r -> r.protocol().equals(p) && r.spread().equals(s.label) && r.divergence() == d)
                            .mapToDouble(value).findFirst().orElse(0));
                }
                c.addSeries(p + ", " + s.label, xs, ys).setFillColor(Charts.palette(k++));
            }
        }
        Charts.write(new Charts.Drawn(stem, title, c), dir);
    }

    private ElectionCostExperiment() {}
}
