package quorumlab.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import quorumlab.protocols.Protocol;
import quorumlab.protocols.check.SafetyChecks;
import quorumlab.protocols.trace.TraceReader;
import quorumlab.protocols.trace.TraceRecord;

/** Every library scenario against every real protocol, with the protocol's safety checkers on each trace. */
@Order(1)
class LibraryScenariosTest {
    private static final Set<String> TEST_PROTOCOLS = Set.of("fixed-leader-log", "echo");
    private static final Runner.Listener QUIET = new Runner.Listener() {
        @Override
        public void started(int total) {}

        @Override
        public void finished(Runner.SeedRun run) {}
    };

    static List<String> realProtocols() {
        return Protocol.all().stream().map(Protocol::name).filter(n -> !TEST_PROTOCOLS.contains(n)).toList();
    }

    @Test
    void everyLibraryScenarioIsSafeUnderEveryProtocol(@TempDir Path out) {
        List<String> protocols = realProtocols();
        assertTrue(protocols.contains("raft"), "raft is on the test class path: " + protocols);
        for (String name : ScenarioLibrary.names()) {
            Scenario s = ScenarioLibrary.load(name);
            // a membership scenario runs on the protocols that can change their membership
            List<String> able = protocols.stream().filter(p -> membershipFaults(s) == 0 || Protocol.byName(p).supportsMembershipChange()).toList();
            if (membershipFaults(s) > 0) assertTrue(able.containsAll(List.of("raft", "multi-paxos")), name + " runs on both protocols: " + able);
            Runner.Result r = new Runner().threads(2).run(s, able, 1, 1, Runner.RuntimeKind.SIM, out, QUIET);
            for (Runner.SeedRun run : r.runs()) {
                List<TraceRecord> trace = TraceReader.readAll(run.dir().resolve(Runner.TRACE_FILE));
                List<String> violations = SafetyChecks.violations(run.protocol(), trace);
                assertEquals(List.of(), violations, name + " under " + run.protocol());
                assertTrue(run.completedOperations() > 0, name + " under " + run.protocol() + " completed nothing");
                for (Scenario.Fault f : s.faultList()) {
                    assertTrue(trace.stream().anyMatch(t -> t instanceof TraceRecord.Fault tf && tf.fault().equals(f.type())),
                            name + ": its " + f.type() + " fault is in the trace");
                }
            }
        }
    }

    static long membershipFaults(Scenario s) {
        return s.faultList().stream().filter(f -> FaultInjector.MEMBERSHIP_TYPES.contains(f.type())).count();
    }

    @Test
    void bikeRentalNeverDoubleBooksAndTheUsersDoCompete(@TempDir Path out) {
        Scenario s = ScenarioLibrary.load("bike-rental");
        Runner.Result r = new Runner().threads(2).run(s, realProtocols(), 2, 1, Runner.RuntimeKind.SIM, out, QUIET);
        for (Runner.SeedRun run : r.runs()) {
            Bookings.Summary b = Bookings.of(run.dir().resolve(Runner.HISTORY_FILE));
            assertEquals(List.of(), b.doubleBooked(), run.protocol() + " seed " + run.seed());
            assertEquals(10, b.bikesTried(), run.protocol() + ": " + b);
            assertTrue(b.contested() >= 5, "both users went for the same bikes: " + b);
            assertTrue(b.booked() >= 5, "bookings succeeded: " + b);
        }
    }

    /** The helper itself: a history where two users were both told "yours" is reported. */
    @Test
    void bookingsReportsADoubleBooking(@TempDir Path dir) throws Exception {
        Path h = dir.resolve("history.jsonl");
        java.nio.file.Files.writeString(h, String.join("\n",
                "{\"process\":0,\"type\":\"invoke\",\"f\":\"cas\",\"key\":\"bike-3\",\"value\":[\"free\",\"user-1\"],\"time\":1}",
                "{\"process\":1,\"type\":\"invoke\",\"f\":\"cas\",\"key\":\"bike-3\",\"value\":[\"free\",\"user-2\"],\"time\":2}",
                "{\"process\":0,\"type\":\"ok\",\"f\":\"cas\",\"key\":\"bike-3\",\"value\":[\"free\",\"user-1\"],\"time\":3}",
                "{\"process\":1,\"type\":\"ok\",\"f\":\"cas\",\"key\":\"bike-3\",\"value\":[\"free\",\"user-2\"],\"time\":4}", ""));
        Bookings.Summary b = Bookings.of(h);
        assertEquals(List.of("bike-3 booked by user-1 and user-2"), b.doubleBooked());
        assertEquals(1, b.contested());
        assertTrue(b.sentence().startsWith("DOUBLE-BOOKED"));
    }

    /** A local (Pekko) run of leader-crash writes the same kinds of trace record as a simulated one. */
    @Test
    void aLocalRunOfLeaderCrashHasTheSameRecordKindsAsASimulatedOne(@TempDir Path out) {
        Scenario full = ScenarioLibrary.load("leader-crash");
        Scenario s = new Scenario(full.name(), full.description(), full.nodes(), "3s", 1, full.traceLevel(), full.profile(),
                full.options(), full.network(), full.workload(), full.faults());
        Runner.Result local = new Runner().run(s, List.of("raft"), 1, 1, Runner.RuntimeKind.LOCAL, out.resolve("local"), QUIET);
        Runner.Result sim = new Runner().run(s, List.of("raft"), 1, 1, Runner.RuntimeKind.SIM, out.resolve("sim"), QUIET);
        Set<String> localKinds = kinds(local.runs().get(0).dir().resolve(Runner.TRACE_FILE));
        Set<String> simKinds = kinds(sim.runs().get(0).dir().resolve(Runner.TRACE_FILE));
        assertEquals(simKinds, localKinds);
        assertTrue(localKinds.containsAll(Set.of("Fault", "Invoke", "Complete", "Event")), localKinds.toString());
        assertTrue(local.runs().get(0).completedOperations() > 0);
    }

    private static Set<String> kinds(Path trace) {
        return TraceReader.readAll(trace).stream().map(t -> t.getClass().getSimpleName()).collect(Collectors.toCollection(TreeSet::new));
    }
}
