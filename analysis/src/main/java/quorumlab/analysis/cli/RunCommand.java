package quorumlab.analysis.cli;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import quorumlab.protocols.Protocol;
import quorumlab.analysis.check.CheckStatus;
import quorumlab.analysis.check.Checks;
import quorumlab.analysis.check.Verdict;
import quorumlab.workload.Bookings;
import quorumlab.workload.Runner;
import quorumlab.workload.Scenario;
import quorumlab.workload.ScenarioLoader;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Runs a scenario on each protocol and seed, and checks each run.",
            "Writes the traces, client histories and run.json into a new run directory;",
            "'report' analyses it."})
final class RunCommand implements Callable<Integer> {
    @Option(names = "--scenario", required = true, paramLabel = "NAME|FILE",
            description = {"A library scenario (see 'quorumlab scenarios')", "or a YAML/JSON file."})
    String scenario;

    @Option(names = "--protocol", defaultValue = "all", paramLabel = "NAME|all",
            completionCandidates = ProtocolNames.class,
            description = {"One of: ${COMPLETION-CANDIDATES};", "or all of them. Default: ${DEFAULT-VALUE}."})
    String protocol;

    @Option(names = "--seeds", paramLabel = "N", description = "Run seeds 1..N (default: the scenario's).")
    Integer seeds;

    @Mixin
    ScenarioRunOptions runOptions;

    /** The cluster runtime's start-up before the scenario's clock, from the seed's run.json (docs/cluster-runtime.md). */
    static java.util.Optional<String> clusterStartUp(java.nio.file.Path seedDir) {
        try {
            var up = new com.fasterxml.jackson.databind.ObjectMapper().readTree(seedDir.resolve(Runner.RUN_FILE).toFile()).path("clusterStartUp");
            if (!up.isObject()) return java.util.Optional.empty();
            return java.util.Optional.of(String.format(java.util.Locale.ROOT, "before the scenario's clock: nodes joined in %.1f s, then a warm-up of %.1f s"
                    + " (a rehearsal that served %d writes, thrown away)", up.path("joinSeconds").asDouble(), up.path("warmupSeconds").asDouble(),
                    up.path("warmupWrites").asInt()) + restarts(up.path("restarts")));
        } catch (java.io.IOException e) {
            return java.util.Optional.empty();
        }
    }

    private static String restarts(com.fasterxml.jackson.databind.JsonNode lines) {
        List<String> out = new java.util.ArrayList<>();
        lines.forEach(l -> out.add(l.asText()));
        return out.isEmpty() ? "" : "; " + String.join("; ", out);
    }

    @Override
    public Integer call() {
        Scenario s = ScenarioLoader.load(scenario);
        List<String> protocols = protocol.equals("all")
                ? Protocol.all().stream().map(Protocol::name).toList()
                : List.of(protocol);
        Runner.RuntimeKind kind = runOptions.runtimeKind();
        int n = seeds != null ? seeds : s.seedCount();
        Runner runner = runOptions.runner();
        Map<Runner.SeedRun, Verdict> verdicts = new ConcurrentHashMap<>();
        // Before the run lands, so each seed's verdict.json is inside the finished directory.
        runner.afterEachRun((dir, run) -> verdicts.put(run, Checks.checkRun(dir)));
        Runner.Result result;
        try (Progress progress = new Progress("run " + s.name(), System.out)) {
            result = runner.run(s, protocols, n, 1, kind, runOptions.out, progress);
        }
        CheckStatus worst = CheckStatus.OK;
        for (Runner.SeedRun r : result.runs()) {
            Verdict v = verdicts.entrySet().stream()
                    .filter(e -> e.getKey().protocol().equals(r.protocol()) && e.getKey().seed() == r.seed())
                    .map(Map.Entry::getValue).findFirst().orElseThrow();
            System.out.printf("%-12s seed %-4d %8d operations completed  %6.2f s wall  checks: %s%n",
                    r.protocol(), r.seed(), r.completedOperations(), r.wallSeconds(), v.status().label());
            clusterStartUp(r.dir()).ifPresent(l -> System.out.println("    " + l));
            if (s.workloadOrDefault().bikes() != null) {
                System.out.println("    bookings: " + Bookings.of(r.dir().resolve(Runner.HISTORY_FILE)).sentence());
            }
            for (Verdict.Check c : v.checks()) {
                if (c.status() != CheckStatus.OK) System.out.println("    " + c.name() + ": " + c.status().label() + " " + c.summary());
            }
            if (v.status() == CheckStatus.VIOLATION || (v.status() == CheckStatus.UNKNOWN && worst == CheckStatus.OK)) worst = v.status();
        }
        System.out.println("results: " + result.dir());
        return worst == CheckStatus.OK ? Main.EXIT_OK : worst == CheckStatus.VIOLATION ? Main.EXIT_VIOLATION : Main.EXIT_UNKNOWN;
    }
}
