package quorumlab.workload;

import java.io.OutputStream;
import java.util.List;
import quorumlab.protocols.ClusterConfig;
import quorumlab.protocols.Options;
import quorumlab.protocols.Protocol;
import quorumlab.protocols.trace.InMemoryTrace;
import quorumlab.protocols.trace.TraceLevel;
import quorumlab.protocols.sim.Simulation;
import quorumlab.protocols.trace.TraceRecord;

/**
 * Runs one scenario against one protocol on one seed in the simulator and keeps the trace in memory:
 * no files, for callers that run thousands of short runs (the fuzzer). It builds the simulation as
 * {@link Runner} does, so a scenario written out and replayed with {@code quorumlab run} on the same
 * seed produces the same trace. The client history is in the trace (invoke and complete records).
 *
 * <p>A run whose event count outgrows {@code maxEventsPerVirtualSecond} (a message storm) is
 * stopped there, so that a runaway protocol costs a bounded amount of wall time and memory.
 */
public final class InMemoryRun {
    /**
     * What happened.
     *
     * @param trace every record at trace level {@code events} (protocol events, faults, clients)
     * @param stoppedAt the virtual instant a runaway run was stopped, or -1 when it ran to its end
     * @param messagesSentAtMark, eventsAtMark the counters at {@code markNanos} (or at the stop)
     */
    public record Result(
            List<TraceRecord> trace,
            long end,
            long completedOperations,
            long eventsProcessed,
            long messagesSent,
            long messagesSentAtMark,
            long eventsAtMark,
            long stoppedAt) {
        public boolean stopped() {
            return stoppedAt >= 0;
        }
    }

    private InMemoryRun() {}

    /** The scenario's workload with every default filled in. */
    public static WorkloadSettings workload(Scenario scenario) {
        return WorkloadSettings.of(scenario.workloadOrDefault());
    }

    /**
     * Runs {@code scenario} with {@code protocol} (options as the scenario resolves them) on
     * {@code seed}, through the clients' send window and the drain after it.
     *
     * @param markNanos an instant at which the message and event counters are noted (e.g. the last heal)
     * @throws IllegalArgumentException for options the protocol rejects
     */
    public static Result run(Scenario scenario, Protocol protocol, long seed, long markNanos, long maxEventsPerVirtualSecond) {
        Options options = ScenarioOptions.forProtocol(scenario, protocol);
        WorkloadSettings ws = WorkloadSettings.of(scenario.workloadOrDefault());
        long end = scenario.durationNanos();
        long drain = ws.giveUpAfter() + ws.timeout();
        InMemoryTrace trace = new InMemoryTrace();
        Simulation sim = Simulation.builder().seed(seed).cluster(ClusterConfig.ofSize(scenario.nodeCount()))
                .protocol(protocol, options).network(Runs.network(scenario)).clientDelay(Runs.clientDelay(scenario))
                .trace(trace, TraceLevel.EVENTS).scenario(scenario.name()).build();
        sim.start();
        FaultInjector faults = new FaultInjector(sim, scenario, seed);
        Clients clients = new Clients(sim, ws, new HistoryWriter(OutputStream.nullOutputStream()), seed, end);
        faults.bursts(clients::burst);
        sim.schedule(0, () -> {
            faults.schedule(scenario.faultList());
            clients.start();
        });
        double perNano = maxEventsPerVirtualSecond / 1e9;
        // A fifth of a second of slack, so that a burst at the start is not taken for a storm.
        java.util.function.BooleanSupplier storm = () -> sim.eventsProcessed() > perNano * (sim.now() + 200_000_000L);
        long mark = Math.min(Math.max(0, markNanos), end + drain);
        boolean stopped = sim.runUntil(storm, mark);
        long sentAtMark = sim.messagesSent();
        long eventsAtMark = sim.eventsProcessed();
        if (!stopped) stopped = sim.runUntil(storm, end + drain);
        return new Result(trace.records(), end, clients.completed(), sim.eventsProcessed(), sim.messagesSent(),
                sentAtMark, eventsAtMark, stopped ? sim.now() : -1);
    }
}
