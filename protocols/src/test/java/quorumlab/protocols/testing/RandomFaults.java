package quorumlab.protocols.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.Stream;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.runtime.Delay;
import quorumlab.protocols.trace.InMemoryTrace;
import quorumlab.protocols.runtime.NetworkModel;
import quorumlab.protocols.sim.Simulation;
import quorumlab.protocols.trace.TraceRecord;

/**
 * A randomized fault schedule, the same for every protocol: a lossy, duplicating, reordering
 * network; three retrying clients; 2 s of crashes, restarts, partitions, leader isolation and
 * heals; then everything healed and restarted for 2 s more. What the trace must satisfy is the
 * protocol test's business, so the schedule only reports what happened.
 */
public final class RandomFaults {
    private static final long MS = SimCluster.MS;
    /** Schedules per size on the paper's defaults; every other variant runs a quarter as many. */
    private static final int SCHEDULES = 200;

    private RandomFaults() {}

    /** One parameterized case: a protocol's variant at one cluster size, and where its seeds start. */
    public record Case(int size, long firstSeed, String variant, Map<String, ?> options) {
        @Override
        public String toString() {
            return size + " nodes, " + variant;
        }
    }

    /**
     * The cases for a protocol's variants, the first being its defaults: each variant at 3 and then
     * at 5 nodes, with first seeds 1000, 2000, ... in that order, so no two cases share a seed and a
     * failure names a seed that replays it.
     */
    @SafeVarargs
    public static Stream<Case> cases(Map.Entry<String, Map<String, ?>>... variants) {
        List<Case> cases = new ArrayList<>();
        for (Map.Entry<String, Map<String, ?>> v : variants) {
            for (int size : new int[] {3, 5}) {
                cases.add(new Case(size, 1000L * (cases.size() + 1), v.getKey(), v.getValue()));
            }
        }
        return cases.stream();
    }

    /**
     * What one schedule did: how it was drawn, the trace, and the writes acknowledged when the
     * faults stopped and at the end, so a test can tell whether the cluster made progress again.
     */
    public record Schedule(long seed, int size, Map<String, ?> options, InMemoryTrace trace, int writesWhenHealed,
            int writes, int reads) {
        public boolean progressedAfterHealing() {
            return writes > writesWhenHealed;
        }
    }

    /**
     * Runs the schedule drawn from {@code seed}; {@code readFraction} of the clients' operations
     * are gets. Everything random is drawn from the seed, so the same arguments give the same trace.
     */
    public static Schedule run(String protocol, int size, long seed, Map<String, ?> options, double readFraction) {
        SplittableRandom random = new SplittableRandom(seed);
        NetworkModel network = new NetworkModel()
                .setDelay(Delay.uniform(1 * MS, 1 + random.nextLong(2, 15) * MS))
                .setDropProbability(random.nextDouble(0, 0.08))
                .setDuplicateProbability(random.nextDouble(0, 0.05))
                .setReordering(random.nextDouble(0, 0.2), Delay.uniform(0, 30 * MS));
        InMemoryTrace trace = new InMemoryTrace();
        Simulation sim = SimCluster.simulation(protocol, size, seed, options, network, trace);
        List<RetryingClient> clients = new ArrayList<>();
        for (int c = 1; c <= 3; c++) clients.add(new RetryingClient(sim, c, seed * 31 + c, 400 * MS).reading(readFraction));
        sim.start();
        clients.forEach(RetryingClient::start);

        List<NodeId> members = sim.cluster().members();
        long faultsEnd = 2_000 * MS;
        while (sim.now() < faultsEnd) {
            sim.runFor(random.nextLong(50, 400) * MS);
            applyOne(sim, members, random);
        }
        // The storm is over: heal, bring everyone back, and the cluster must commit again.
        network.heal().setDropProbability(0).setDuplicateProbability(0);
        sim.recordFault("heal", List.of(), "end of schedule");
        for (NodeId n : members) sim.restart(n);
        int before = acknowledged(clients);
        sim.runFor(2_000 * MS);
        clients.forEach(RetryingClient::stop);
        sim.runFor(300 * MS);
        return new Schedule(seed, size, options, trace, before, acknowledged(clients),
                clients.stream().mapToInt(RetryingClient::readsAnswered).sum());
    }

    /** What a case's schedules added up to; {@code events} counts the trace events of each type. */
    public record Totals(Case of, int schedules, int writes, int reads, Map<Class<?>, Integer> events) {
        public int events(Class<? extends ProtocolEvent> type) {
            return events.getOrDefault(type, 0);
        }

        /** The start of the summary line both protocols print; each adds the counts that matter to it. */
        public String summary() {
            return String.format("randomized schedules: %s: %d schedules, %d writes acknowledged", of, schedules, writes);
        }
    }

    /**
     * Runs a case's schedules: {@value #SCHEDULES} on the defaults (no options), a quarter as many
     * otherwise. {@code check} sees each schedule before the next runs, so a failure stops at the
     * seed that caused it.
     */
    public static Totals runMany(String protocol, Case c, double readFraction, Consumer<Schedule> check) {
        int schedules = c.options().isEmpty() ? SCHEDULES : SCHEDULES / 4;
        int writes = 0;
        int reads = 0;
        Map<Class<?>, Integer> events = new HashMap<>();
        for (long seed = c.firstSeed(); seed < c.firstSeed() + schedules; seed++) {
            Schedule schedule = run(protocol, c.size(), seed, c.options(), readFraction);
            check.accept(schedule);
            writes += schedule.writes();
            reads += schedule.reads();
            for (TraceRecord.Event e : schedule.trace().events()) events.merge(e.event().getClass(), 1, Integer::sum);
        }
        return new Totals(c, schedules, writes, reads, events);
    }

    /**
     * Asserts that a schedule replays exactly from its seed, as the simulator promises, and that
     * the next seed gives another trace; {@code check} sees every schedule run.
     */
    public static void assertReplays(String protocol, double readFraction, Consumer<Schedule> check) {
        assertEquals(traceOf(protocol, 77, readFraction, check), traceOf(protocol, 77, readFraction, check));
        assertNotEquals(traceOf(protocol, 77, readFraction, check), traceOf(protocol, 78, readFraction, check));
    }

    private static List<TraceRecord> traceOf(String protocol, long seed, double readFraction, Consumer<Schedule> check) {
        Schedule schedule = run(protocol, 5, seed, Map.of(), readFraction);
        check.accept(schedule);
        return schedule.trace().records();
    }

    private static int acknowledged(List<RetryingClient> clients) {
        return clients.stream().mapToInt(RetryingClient::acknowledged).sum();
    }

    /** One random fault, recorded in the trace; crashes are weighted double, and one draw in seven does nothing. */
    private static void applyOne(Simulation sim, List<NodeId> members, SplittableRandom random) {
        NodeId someone = members.get(random.nextInt(members.size()));
        switch (random.nextInt(7)) {
            case 0, 1 -> {
                NodeId victim = random.nextBoolean() ? sim.leader().orElse(someone) : someone;
                sim.crash(victim);
                sim.recordFault("crash", List.of(victim), "random");
            }
            case 2 -> {
                for (NodeId n : members) {
                    if (!sim.isUp(n)) {
                        sim.restart(n);
                        sim.recordFault("restart", List.of(n), "random");
                    }
                }
            }
            case 3 -> {
                Set<NodeId> side = new HashSet<>();
                for (NodeId n : members) if (random.nextBoolean()) side.add(n);
                sim.network().partition(List.of(side));
                sim.recordFault("partition", new ArrayList<>(side), "random split");
            }
            case 4 -> {
                NodeId victim = sim.leader().orElse(someone);
                sim.network().isolate(victim);
                sim.recordFault("isolate", List.of(victim), "leader");
            }
            case 5 -> {
                sim.network().heal();
                sim.recordFault("heal", List.of(), "random");
            }
            default -> { } // a quiet spell
        }
    }
}
