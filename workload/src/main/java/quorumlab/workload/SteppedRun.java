package quorumlab.workload;

import java.io.OutputStream;
import quorumlab.protocols.ClusterConfig;
import quorumlab.protocols.Protocol;
import quorumlab.protocols.sim.Simulation;
import quorumlab.protocols.trace.TraceLevel;
import quorumlab.protocols.trace.TraceSink;

/**
 * A scenario set up in the simulator exactly as {@link Runner} sets up one seed (the same network,
 * clients and fault timeline, the same meta record), but left for the caller to run in steps: the
 * viewer advances it a slice at a time and may schedule more of its own on it. Run to
 * {@link #end(Scenario)} it writes the trace {@code quorumlab run} writes for the seed.
 */
public final class SteppedRun {
    private SteppedRun() {}

    /** The simulation, started, with the scenario's clients and faults scheduled; nothing has run yet. */
    public static Simulation start(Scenario scenario, Protocol protocol, long seed, TraceSink sink, TraceLevel level) {
        WorkloadSettings ws = WorkloadSettings.of(scenario.workloadOrDefault());
        long end = scenario.durationNanos();
        Simulation sim = Simulation.builder().seed(seed).cluster(ClusterConfig.ofSize(scenario.nodeCount()))
                .protocol(protocol, ScenarioOptions.forProtocol(scenario, protocol)).network(Runs.network(scenario))
                .clientDelay(Runs.clientDelay(scenario)).trace(sink, level).scenario(scenario.name())
                .workloadWindow(ws.warmup(), end).build();
        sim.start();
        FaultInjector faults = new FaultInjector(sim, scenario, seed);
        Clients clients = new Clients(sim, ws, new HistoryWriter(OutputStream.nullOutputStream()), seed, end);
        faults.bursts(clients::burst);
        sim.schedule(0, () -> {
            faults.schedule(scenario.faultList());
            clients.start();
        });
        return sim;
    }

    /** The instant a run of {@code scenario} stops: its duration plus the drain that lets the last requests finish. */
    public static long end(Scenario scenario) {
        WorkloadSettings ws = WorkloadSettings.of(scenario.workloadOrDefault());
        return scenario.durationNanos() + ws.giveUpAfter() + ws.timeout();
    }
}
