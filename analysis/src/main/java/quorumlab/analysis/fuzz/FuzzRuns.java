package quorumlab.analysis.fuzz;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import quorumlab.protocols.Protocol;
import quorumlab.workload.Scenario;

/** What {@code quorumlab fuzz} prints: a fuzz run's coverage and failures, and a replay's findings. */
public final class FuzzRuns {
    private FuzzRuns() {}

    /** One scenario replayed on one seed with every fuzz check. */
    public record Replay(String protocol, long seed, Judge.Outcome outcome) {
        public int exitCode() {
            int code = 0;
            for (Judge.Finding f : outcome.findings()) code = Fuzzer.Report.worse(code, f.kind().exit);
            return code;
        }

        public String describe() {
            StringBuilder b = new StringBuilder();
            b.append(String.format(Locale.ROOT, "%s seed %d: %s (%d events, %.3f s virtual)%n", protocol, seed,
                    outcome.findings().isEmpty() ? "every check passed" : outcome.findings().size() + " check(s) did not pass",
                    outcome.events(), outcome.virtualNanos() / 1e9));
            for (Judge.Finding f : outcome.findings()) {
                b.append("  ").append(f.check()).append(" (").append(f.kind().name().toLowerCase(Locale.ROOT)).append("): ")
                        .append(f.summary()).append('\n');
            }
            return b.toString();
        }
    }

    public static Replay replay(Scenario scenario, Protocol protocol, long seed) {
        return new Replay(protocol.name(), seed, Judge.judge(scenario, protocol, seed, Schedule.lastHeal(scenario.faultList())));
    }

    /** The coverage lines and one paragraph per failure. */
    public static String describe(Fuzzer.Report r) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "fuzz %s: %d of %d schedules run in %.1f s (%.1f/s), %.0f s virtual, %d events%n",
                r.protocol(), r.schedulesRun(), r.schedulesAsked(), r.wallSeconds(), r.schedulesRun() / Math.max(1e-9, r.wallSeconds()),
                r.virtualNanos() / 1e9, r.events()));
        b.append(String.format(Locale.ROOT, "  option combinations: %d of %d%n", r.combinationsRun(), r.combinationsTotal()));
        StringBuilder kinds = new StringBuilder();
        for (Map.Entry<String, Integer> e : r.faultKinds().entrySet()) {
            if (kinds.length() > 0) kinds.append(", ");
            kinds.append(e.getKey()).append(' ').append(e.getValue());
        }
        b.append("  fault kinds (schedules with each): ").append(kinds).append('\n');
        b.append(String.format(Locale.ROOT, "  schedules with a membership change: %d%n", r.membershipSchedules()));
        b.append(String.format(Locale.ROOT, "  failing schedules: %d; linearizability undecided: %d%n", r.failingSchedules(), r.unknown()));
        for (Fuzzer.Failure f : r.failures()) {
            b.append(String.format(Locale.ROOT, "  FAILED %s (%s) first on seed %d: %s%n", f.finding().check(),
                    f.finding().kind().name().toLowerCase(Locale.ROOT), f.seed(), f.finding().summary()));
            b.append(String.format(Locale.ROOT, "    shrunk in %d runs from %d faults on %d nodes to %d faults on %d nodes, %d client(s), %s: %s%n",
                    f.shrinkRuns(), f.schedule().faultCount(), f.schedule().base().nodeCount(), f.shrunk().faultCount(),
                    f.shrunk().base().nodeCount(), clients(f.shrunk()), describeFaults(f.shrunk().faults()), f.shrunkFinding().summary()));
            if (f.file() != null) {
                b.append("    scenario: ").append(f.file()).append('\n');
                b.append("    replay:   ").append(f.replay()).append('\n');
            }
        }
        return b.toString();
    }

    private static int clients(Schedule s) {
        Integer c = s.base().workloadOrDefault().clients();
        return c != null ? c : 4;
    }

    static String describeFaults(List<Scenario.Fault> faults) {
        if (faults.isEmpty()) return "no fault";
        StringBuilder b = new StringBuilder();
        for (Scenario.Fault f : faults) {
            if (b.length() > 0) b.append("; ");
            b.append(f.type()).append(" at ").append(f.at());
            if (f.target() != null) b.append(' ').append(f.target());
            if (f.groups() != null) b.append(' ').append(f.groups());
            if (f.from() != null) b.append(' ').append(f.from()).append("->").append(f.to());
            if (f.value() != null) b.append(' ').append(f.value());
            if (f.delay() != null) b.append(' ').append(f.delay());
            if (f.duration() != null) b.append(" for ").append(f.duration());
        }
        return b.toString();
    }
}
