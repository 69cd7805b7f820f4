package quorumlab.analysis.fuzz;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import quorumlab.protocols.OptionSpec;
import quorumlab.protocols.Options;
import quorumlab.protocols.Protocol;
import quorumlab.workload.Durations;
import quorumlab.workload.Scenario;
import quorumlab.workload.ScenarioOptions;
import quorumlab.workload.InMemoryRun;

/**
 * A fault schedule: a scenario without its timeline, and the timeline as groups of faults. A group
 * is what heals as one (a crash and the restart of the same node, a partition and its heal, every
 * node's crash in a crash of the whole cluster), so that removing a group, as the shrinker does,
 * never leaves a fault that is not undone. Every schedule ends with a quiet period long enough for
 * the liveness check: the scenario's duration is the last heal plus {@link #livenessBound}, plus
 * {@link #QUIET_SLACK}, unless {@code endNanos} says otherwise.
 *
 * @param endNanos the scenario's duration; 0 means "the last heal plus the quiet period"
 */
record Schedule(Scenario base, List<List<Scenario.Fault>> groups, long endNanos) {
    static final long MS = 1_000_000L;
    /** The quiet period runs this much past the liveness bound. */
    static final long QUIET_SLACK = 100 * MS;
    /** Election timeouts a protocol has without saying (the papers' 150-300 ms). */
    static final long DEFAULT_ELECTION_MAX_MS = 300;

    Schedule {
        List<List<Scenario.Fault>> copy = new ArrayList<>();
        for (List<Scenario.Fault> g : groups) {
            if (!g.isEmpty()) copy.add(List.copyOf(g));
        }
        groups = List.copyOf(copy);
    }

    /** A scenario as written, each fault its own group (for a replay: nothing is shrunk). */
    static Schedule of(Scenario scenario) {
        List<List<Scenario.Fault>> groups = new ArrayList<>();
        for (Scenario.Fault f : scenario.faultList()) groups.add(List.of(f));
        return new Schedule(withFaults(scenario, null, scenario.duration()), groups, scenario.durationNanos());
    }

    List<Scenario.Fault> faults() {
        List<Scenario.Fault> all = new ArrayList<>();
        groups.forEach(all::addAll);
        all.sort((a, b) -> Long.compare(Durations.parse(a.at()), Durations.parse(b.at())));
        return all;
    }

    int faultCount() {
        return faults().size();
    }

    /** The instant the last fault is undone: the end of its window, or a restart, resume or heal. */
    static long lastHeal(List<Scenario.Fault> faults) {
        long heal = 0;
        for (Scenario.Fault f : faults) {
            long end = Durations.parse(f.at()) + (f.duration() != null ? Durations.parse(f.duration()) : 0);
            heal = Math.max(heal, end);
        }
        return heal;
    }

    long lastHeal() {
        return lastHeal(faults());
    }

    /**
     * How soon after the last heal the cluster must commit again: ten of the protocol's largest
     * election timeouts (several rounds of split votes or preempted ballots), two client time-outs
     * (a client waiting on a node that lost its request), and 200 ms.
     */
    static long livenessBound(Scenario scenario, Protocol protocol) {
        Options options = ScenarioOptions.forProtocol(scenario, protocol);
        boolean has = protocol.options().stream().map(OptionSpec::name).anyMatch("electionTimeoutMaxMs"::equals);
        long electionMax = (has ? options.getLong("electionTimeoutMaxMs") : DEFAULT_ELECTION_MAX_MS) * MS;
        return 10 * electionMax + 2 * InMemoryRun.workload(scenario).timeout() + 200 * MS;
    }

    Scenario toScenario(Protocol protocol) {
        long end = endNanos > 0 ? endNanos : lastHeal() + livenessBound(base, protocol) + QUIET_SLACK;
        return withFaults(base, faults().isEmpty() ? null : faults(), Durations.format(roundUpToMs(end)));
    }

    Schedule withGroups(List<List<Scenario.Fault>> newGroups) {
        return new Schedule(base, newGroups, endNanos);
    }

    Schedule withBase(Scenario newBase) {
        return new Schedule(newBase, groups, endNanos);
    }

    Schedule withEnd(long end) {
        return new Schedule(base, groups, end);
    }

    static Scenario withFaults(Scenario s, List<Scenario.Fault> faults, String duration) {
        return new Scenario(s.name(), s.description(), s.nodes(), duration, s.seeds(), s.traceLevel(), s.profile(),
                s.options(), s.network(), s.workload(), faults);
    }

    static Scenario withOptions(Scenario s, Map<String, Map<String, Object>> options) {
        return new Scenario(s.name(), s.description(), s.nodes(), s.duration(), s.seeds(), s.traceLevel(), s.profile(),
                options.isEmpty() ? null : options, s.network(), s.workload(), s.faults());
    }

    static Scenario withNetwork(Scenario s, Scenario.Network network) {
        return new Scenario(s.name(), s.description(), s.nodes(), s.duration(), s.seeds(), s.traceLevel(), s.profile(),
                s.options(), network, s.workload(), s.faults());
    }

    static Scenario withWorkload(Scenario s, Scenario.Workload workload) {
        return new Scenario(s.name(), s.description(), s.nodes(), s.duration(), s.seeds(), s.traceLevel(), s.profile(),
                s.options(), s.network(), workload, s.faults());
    }

    static Map<String, Map<String, Object>> copyOptions(Scenario s) {
        Map<String, Map<String, Object>> copy = new LinkedHashMap<>();
        s.optionsOrEmpty().forEach((k, v) -> copy.put(k, new LinkedHashMap<>(v)));
        return copy;
    }

    static String ms(long nanos) {
        return Durations.format(roundUpToMs(nanos));
    }

    private static long roundUpToMs(long nanos) {
        return (nanos + MS - 1) / MS * MS;
    }
}
