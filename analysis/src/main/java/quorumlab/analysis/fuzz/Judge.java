package quorumlab.analysis.fuzz;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import quorumlab.analysis.check.CheckStatus;
import quorumlab.analysis.check.Checks;
import quorumlab.analysis.check.LinearizabilityChecker;
import quorumlab.analysis.check.Verdict;
import quorumlab.protocols.ClientReply;
import quorumlab.protocols.Protocol;
import quorumlab.protocols.sim.Simulation;
import quorumlab.protocols.trace.TraceRecord;
import quorumlab.workload.InMemoryRun;
import quorumlab.workload.Scenario;

/**
 * Runs one schedule and judges it: the protocol's invariants and "no acknowledged write lost"
 * ({@link Checks#traceChecks}), linearizability of the client history, liveness (after the last
 * heal a client's request commits within {@link Schedule#livenessBound}), and cost (no message
 * storm: events per virtual second and messages per committed command in the quiet period under
 * their bounds).
 */
final class Judge {
    static final String LIVENESS = "liveness";
    /** A node threw: the protocol's own assertion, or a crash in its code. */
    static final String NODE_FAILURE = "node-failure";
    static final String EVENTS_PER_SECOND = "cost-events-per-virtual-second";
    static final String MESSAGES_PER_COMMIT = "cost-messages-per-commit";

    /** Far above any healthy run here (a few thousand to twenty thousand). */
    static final long MAX_EVENTS_PER_VIRTUAL_SECOND = 100_000;
    /** A healthy quiet period costs a few to a few tens of messages per committed command. */
    static final double MAX_MESSAGES_PER_COMMIT = 400;

    private static final Checks.Settings CHECK = new Checks.Settings(
            new LinearizabilityChecker.Bound(1_000_000, Duration.ofSeconds(20)), null, false);

    enum Kind {
        SAFETY(1), LIVENESS(4), COST(4), UNKNOWN(3);

        /** The exit status of {@code quorumlab fuzz} when this is the worst finding. */
        final int exit;

        Kind(int exit) {
            this.exit = exit;
        }
    }

    /** One check that did not pass. */
    record Finding(Kind kind, String check, String summary) {}

    /** A run's findings (empty when every check passed) and what it cost. */
    record Outcome(List<Finding> findings, long events, long virtualNanos) {
        boolean failed() {
            return findings.stream().anyMatch(f -> f.kind() != Kind.UNKNOWN);
        }

        boolean fails(String check) {
            return findings.stream().anyMatch(f -> f.check().equals(check) && f.kind() != Kind.UNKNOWN);
        }

        /** The most serious failure: safety over liveness and cost, then the first found. */
        Finding first() {
            return findings.stream().filter(f -> f.kind() == Kind.SAFETY).findFirst()
                    .orElse(findings.stream().filter(f -> f.kind() != Kind.UNKNOWN).findFirst()
                            .orElse(findings.isEmpty() ? null : findings.get(0)));
        }
    }

    private Judge() {}

    static Outcome judge(Schedule schedule, Protocol protocol, long seed) {
        return judge(schedule.toScenario(protocol), protocol, seed, schedule.lastHeal());
    }

    static Outcome judge(Scenario scenario, Protocol protocol, long seed, long lastHeal) {
        InMemoryRun.Result run;
        try {
            run = InMemoryRun.run(scenario, protocol, seed, lastHeal, MAX_EVENTS_PER_VIRTUAL_SECOND);
        } catch (Simulation.SimulationException e) {
            // A node threw: one of the protocol's own assertions (e.g. Raft's election safety) failed.
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return new Outcome(List.of(new Finding(Kind.SAFETY, NODE_FAILURE, e.getMessage().replaceFirst("^seed -?\\d+, ", "")
                    .replaceAll("\\s+", " ") + (cause.getStackTrace().length > 0 ? " (at " + cause.getStackTrace()[0] + ")" : ""))), 0, 0);
        }
        List<TraceRecord> trace = run.trace();
        List<Finding> findings = new ArrayList<>();
        Checks.TraceCheck check = new Checks.TraceCheck(CHECK.bound(), true);
        for (TraceRecord r : trace) check.accept(r);
        for (Verdict.Check c : check.finish(CHECK, null, "fuzz")) {
            if (c.status() == CheckStatus.VIOLATION) findings.add(new Finding(Kind.SAFETY, c.name(), c.summary()));
            if (c.status() == CheckStatus.UNKNOWN && c.name().equals(Checks.LINEARIZABILITY)) {
                findings.add(new Finding(Kind.UNKNOWN, c.name(), c.summary()));
            }
        }
        if (run.stopped()) {
            findings.add(new Finding(Kind.COST, EVENTS_PER_SECOND, String.format(Locale.ROOT,
                    "%d events by %.3f s of virtual time, more than %d per virtual second: stopped there",
                    run.eventsProcessed(), run.stoppedAt() / 1e9, MAX_EVENTS_PER_VIRTUAL_SECOND)));
            return new Outcome(findings, run.eventsProcessed(), run.stoppedAt());
        }
        long bound = Schedule.livenessBound(scenario, protocol);
        // Liveness is judged only when the clients still send for the whole bound after the heal.
        if (run.end() >= lastHeal + bound) {
            long firstCommit = firstCommitAfter(trace, lastHeal);
            if (firstCommit < 0 || firstCommit > lastHeal + bound) {
                findings.add(new Finding(Kind.LIVENESS, LIVENESS, String.format(Locale.ROOT,
                        "no client request committed within %s of the last heal at %s (%s)", Schedule.ms(bound),
                        Schedule.ms(lastHeal), firstCommit < 0 ? "none at all afterwards"
                                : "the first at " + Schedule.ms(firstCommit))));
            } else {
                long commits = commitsAfter(trace, lastHeal);
                double perCommit = (run.messagesSent() - run.messagesSentAtMark()) / (double) commits;
                if (perCommit > MAX_MESSAGES_PER_COMMIT) {
                    findings.add(new Finding(Kind.COST, MESSAGES_PER_COMMIT, String.format(Locale.ROOT,
                            "%.0f messages per committed command after the last heal (%d messages, %d commits), more than %.0f",
                            perCommit, run.messagesSent() - run.messagesSentAtMark(), commits, MAX_MESSAGES_PER_COMMIT)));
                }
            }
        }
        return new Outcome(findings, run.eventsProcessed(), run.end());
    }

    private static long firstCommitAfter(List<TraceRecord> trace, long after) {
        for (TraceRecord r : trace) {
            if (r.t() > after && r instanceof TraceRecord.Complete c && c.reply() instanceof ClientReply.Committed) return r.t();
        }
        return -1;
    }

    private static long commitsAfter(List<TraceRecord> trace, long after) {
        long n = 0;
        for (TraceRecord r : trace) {
            if (r.t() > after && r instanceof TraceRecord.Complete c && c.reply() instanceof ClientReply.Committed) n++;
        }
        return n;
    }
}
