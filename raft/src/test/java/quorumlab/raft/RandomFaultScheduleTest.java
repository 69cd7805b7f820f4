package quorumlab.raft;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import quorumlab.protocols.ClusterConfig;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.Protocol;
import quorumlab.protocols.check.SafetyChecks;
import quorumlab.protocols.runtime.Delay;
import quorumlab.protocols.runtime.InMemoryTrace;
import quorumlab.protocols.runtime.NetworkModel;
import quorumlab.protocols.runtime.TraceLevel;
import quorumlab.protocols.sim.Simulation;

/**
 * Randomized fault schedules: crashes, restarts, partitions, isolation, loss, duplication and
 * reordering, under retrying clients that write and read. Every trace is checked with
 * {@link SafetyChecks} (election safety, log matching, leader completeness, state machine safety,
 * no acknowledged write lost) and for stale reads ({@link StaleReads}), and after the faults stop
 * the cluster must make progress again.
 */
class RandomFaultScheduleTest {
    static final long MS = 1_000_000L;
    static final int SCHEDULES = 200;

    @ParameterizedTest(name = "{0} nodes, {2}")
    @CsvSource({
        "3, 1000, paper defaults",
        "5, 2000, paper defaults",
        "3, 3000, every option on",
        "5, 4000, every option on",
        "3, 5000, snapshot every 5 entries",
        "5, 6000, snapshot every 5 entries",
    })
    void safeUnderRandomFaults(int size, long firstSeed, String variant) {
        Map<String, Object> options = switch (variant) {
            case "every option on" -> Map.of("fastBacktrack", true, "preVote", true, "checkQuorum", true, "pipelining", 4,
                    "maxEntriesPerAppend", 3, "noOpOnElection", true, "readIndex", true, "snapshotEveryEntries", 16);
            case "snapshot every 5 entries" -> Map.of("snapshotEveryEntries", 5);
            default -> Map.of();
        };
        int schedules = variant.startsWith("paper") ? SCHEDULES : SCHEDULES / 4;
        int acknowledged = 0;
        int reads = 0;
        int installed = 0;
        for (long seed = firstSeed; seed < firstSeed + schedules; seed++) {
            Outcome outcome = runSchedule(size, seed, options);
            acknowledged += outcome.writes();
            reads += outcome.reads();
            installed += outcome.snapshotsInstalled();
        }
        System.out.printf("randomized schedules: %d nodes, %s: %d schedules, %d writes acknowledged, %d reads answered,"
                + " %d snapshots installed%n", size, variant, schedules, acknowledged, reads, installed);
        if (options.containsKey("snapshotEveryEntries")) {
            assertTrue(installed > schedules / 2, "lagging followers installed snapshots " + installed + " times");
        }
        assertTrue(acknowledged > schedules * 5, "clients got " + acknowledged + " writes acknowledged");
        assertTrue(reads > schedules, "clients got " + reads + " reads answered, so the stale-read check saw reads");
    }

    @org.junit.jupiter.api.Test
    void theSameSeedGivesTheSameTrace() {
        assertEquals(traceOf(5, 77), traceOf(5, 77));
        assertNotEquals(traceOf(5, 77), traceOf(5, 78));
    }

    private static List<quorumlab.protocols.trace.TraceRecord> traceOf(int size, long seed) {
        lastTrace = null;
        new RandomFaultScheduleTest().runSchedule(size, seed, Map.of());
        return lastTrace;
    }

    private static List<quorumlab.protocols.trace.TraceRecord> lastTrace;

    private record Outcome(int writes, int reads, int snapshotsInstalled) {}

    private Outcome runSchedule(int size, long seed, Map<String, Object> options) {
        SplittableRandom random = new SplittableRandom(seed);
        NetworkModel network = new NetworkModel()
                .setDelay(Delay.uniform(1 * MS, 1 + random.nextLong(2, 15) * MS))
                .setDropProbability(random.nextDouble(0, 0.08))
                .setDuplicateProbability(random.nextDouble(0, 0.05))
                .setReordering(random.nextDouble(0, 0.2), Delay.uniform(0, 30 * MS));
        Protocol raft = Protocol.byName("raft");
        InMemoryTrace trace = new InMemoryTrace();
        Simulation sim = Simulation.builder().seed(seed).cluster(ClusterConfig.ofSize(size))
                .protocol(raft, raft.resolveOptions(options)).network(network)
                .trace(trace, TraceLevel.EVENTS).build();
        List<RetryingClient> clients = new ArrayList<>();
        for (int c = 1; c <= 3; c++) clients.add(new RetryingClient(sim, c, seed * 31 + c, 400 * MS).reading(0.25));
        sim.start();
        clients.forEach(RetryingClient::start);

        List<NodeId> members = sim.cluster().members();
        long faultsEnd = 2_000 * MS;
        while (sim.now() < faultsEnd) {
            sim.runFor(random.nextLong(50, 400) * MS);
            applyRandomFault(sim, members, random);
        }
        // The storm is over: heal, bring everyone back, and the cluster must commit again.
        network.heal().setDropProbability(0).setDuplicateProbability(0);
        sim.recordFault("heal", List.of(), "end of schedule");
        for (NodeId n : members) sim.restart(n);
        int before = clients.stream().mapToInt(c -> c.acknowledged).sum();
        sim.runFor(2_000 * MS);
        clients.forEach(RetryingClient::stop);
        sim.runFor(300 * MS);
        int after = clients.stream().mapToInt(c -> c.acknowledged).sum();

        lastTrace = trace.records();
        List<String> violations = SafetyChecks.violations("raft", trace.records());
        assertEquals(List.of(), violations, "seed " + seed + ", " + size + " nodes, options " + options);
        assertEquals(List.of(), StaleReads.violations(trace.records()), "seed " + seed + ", options " + options);
        assertTrue(after > before, "seed " + seed + ": no write acknowledged after the faults stopped");
        return new Outcome(after, clients.stream().mapToInt(c -> c.readsAnswered).sum(),
                trace.events(quorumlab.protocols.ProtocolEvent.SnapshotInstalled.class).size());
    }

    private static void applyRandomFault(Simulation sim, List<NodeId> members, SplittableRandom random) {
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
