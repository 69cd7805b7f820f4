package quorumlab.analysis.viewer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.util.ArrayList;
import java.util.List;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.Protocol;
import quorumlab.protocols.sim.Simulation;
import quorumlab.protocols.trace.TraceLevel;
import quorumlab.protocols.trace.TraceRecord;
import quorumlab.protocols.trace.TraceSink;
import quorumlab.workload.Scenario;
import quorumlab.workload.ScenarioLoader;
import quorumlab.workload.SteppedRun;

/**
 * A scenario running live: one simulation per protocol, the same seed, advanced together on one
 * virtual clock, a little ahead of the instant the page shows (so a message's arrival is known when
 * it leaves).
 *
 * <p>An action at instant {@code t} does not poke the running simulations: the session adds it to its
 * list and runs every protocol again from 0 with the scenario plus the list. The simulator is
 * deterministic, so everything before {@code t} happens again exactly, and the session's trace is by
 * construction the trace of the scenario it saves. An action before the last one rewrites the future:
 * the later actions are dropped.
 */
final class LiveSession implements Source {
    /** Virtual time simulated beyond the instant asked for. */
    static final long LOOKAHEAD_NANOS = 500_000_000L;
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

    private final Scenario base;
    private final long seed;
    private final List<Protocol> protocols;
    private final long end;
    private final List<Action> actions = new ArrayList<>();
    private final List<Running> running = new ArrayList<>();
    private long ranTo;

    /** One protocol's simulation and the trace it has written so far. */
    private record Running(Protocol protocol, Simulation sim, List<TraceRecord> trace) {}

    LiveSession(Scenario scenario, long seed, List<Protocol> protocols, List<Action> actions) {
        this.base = scenario;
        this.seed = seed;
        this.protocols = List.copyOf(protocols);
        this.end = SteppedRun.end(scenario);
        for (Action a : actions) a.validate(scenario.nodeCount(), end);
        this.actions.addAll(actions);
        rebuild();
    }

    /** A session from a scenario file or library name (a session the viewer saved is one). */
    static LiveSession load(String nameOrFile, long seed, List<Protocol> protocols) {
        return new LiveSession(ScenarioLoader.load(nameOrFile), seed, protocols, List.of());
    }

    private void rebuild() {
        running.clear();
        Scenario scenario = scenario();
        for (Protocol p : protocols) {
            List<TraceRecord> trace = new ArrayList<>();
            TraceSink sink = trace::add;
            running.add(new Running(p, SteppedRun.start(scenario, p, seed, sink, TraceLevel.FULL), trace));
        }
        ranTo = 0;
    }

    /** The scenario with the actions that have an entry in its fault timeline, as it will be saved. */
    synchronized Scenario scenario() {
        List<Scenario.Fault> faults = new ArrayList<>(base.faultList());
        for (Action a : actions) faults.add(a.toFault());
        return new Scenario(base.name(), base.description(), base.nodes(), base.duration(), (int) Math.max(1, seed), "full",
                base.profile(), base.options(), base.network(), base.workload(), faults.isEmpty() ? null : faults);
    }

    /** The session as a scenario file: {@code quorumlab run} and {@code quorumlab view --scenario} replay it exactly. */
    synchronized String scenarioText() {
        StringBuilder out = new StringBuilder();
        out.append("# Saved by 'quorumlab view' from scenario ").append(base.name()).append(", seed ").append(seed)
                .append(": the live session's actions are the last faults below.\n");
        out.append("# Replay it: quorumlab view --scenario FILE").append(seed == 1 ? "" : " --seed " + seed)
                .append(" (or quorumlab run --scenario FILE, seed ").append(seed).append(")\n");
        try {
            out.append(YAML.writeValueAsString(scenario()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return out.toString();
    }

    /** Applies {@code action} to every protocol at its instant; throws IllegalArgumentException for a bad one. */
    synchronized void act(Action action) {
        action.validate(base.nodeCount(), end);
        actions.removeIf(a -> a.at() > action.at());
        actions.add(action);
        rebuild();
        advance(action.at() + LOOKAHEAD_NANOS);
    }

    synchronized List<Action> actions() {
        return List.copyOf(actions);
    }

    /** Runs every simulation to {@code t} (at most to the end), in lockstep. */
    private void advance(long t) {
        long to = Math.min(t, end);
        if (to <= ranTo) return;
        for (Running r : running) {
            r.sim.runUntil(to);
            if (to == end) r.sim.close();
        }
        ranTo = to;
    }

    /** Runs to the end and returns every protocol's whole trace (for tests and the saved-session check). */
    synchronized List<Lane> finish() {
        advance(end);
        return lanes(end);
    }

    @Override
    public String mode() {
        return "live";
    }

    @Override
    public String title() {
        return base.name() + " (seed " + seed + ", live)";
    }

    @Override
    public long end() {
        return end;
    }

    @Override
    public synchronized long known() {
        return ranTo;
    }

    int nodes() {
        return base.nodeCount();
    }

    long seed() {
        return seed;
    }

    @Override
    public synchronized List<Lane> lanes(long t) {
        advance(t + LOOKAHEAD_NANOS);
        List<Lane> lanes = new ArrayList<>();
        for (Running r : running) lanes.add(new Lane(r.protocol.name(), r.trace, null));
        return lanes;
    }
}
