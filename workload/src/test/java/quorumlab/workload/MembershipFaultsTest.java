package quorumlab.workload;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import quorumlab.protocols.ClusterConfig;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.sim.Simulation;
import quorumlab.protocols.testing.MembershipEcho;
import quorumlab.protocols.trace.InMemoryTrace;
import quorumlab.protocols.trace.TraceLevel;
import quorumlab.protocols.trace.TraceRecord;

/** The add, remove and replace faults: what the loader refuses, and what the injector does and records. */
class MembershipFaultsTest {
    static final long MS = 1_000_000L;
    static final NodeId N1 = NodeId.of(1), N2 = NodeId.of(2), N6 = NodeId.of(6), N7 = NodeId.of(7);

    private static ScenarioException refused(String faults) {
        String yaml = "name: m\nnodes: 3\nduration: 2s\nfaults:\n" + faults;
        return assertThrows(ScenarioException.class, () -> ScenarioLoader.parse("m.yaml", yaml, false));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "  - {at: 1s, type: add, target: n2}|faults[0].target|node n2 already exists at 1s; add a new node (for example n4)",
        "  - {at: 1s, type: add}|faults[0].target|required: the new node (for example n4)",
        "  - {at: 1s, type: add, target: n4}\\n  - {at: 2s, type: add, target: n4}|faults[1].target|node n4 already exists at 2s; add a new node (for example n5)",
        "  - {at: 1s, type: replace, target: n2}|faults[0].with|required: the new node that replaces the target (for example n6)",
        "  - {at: 1s, type: replace, target: random-follower, with: n6}|faults[0].target|'random-follower' is not a node name (n1 .. n3)",
        "  - {at: 1s, type: remove, target: n7}|faults[0].target|node n7 does not exist (the cluster has n1 .. n3)",
        "  - {at: 1s, type: remove}|faults[0].target|required: a node (n1 ..), leader or random-follower",
        "  - {at: 1s, type: crash, target: n1, with: n6}|faults[0].with|'with' belongs to a replace only",
        "  - {at: 1500ms, type: add, target: n6}\\n  - {at: 1s, type: crash, target: n6}|faults[1].target|node n6 does not exist (the cluster has n1 .. n3)",
        "  - {at: 1s, type: add, target: n6}\\n  - {at: 2s, type: crash, target: n7}|faults[1].target|node n7 does not exist (the cluster has n1 .. n3, and the timeline adds n6 before this point)",
    })
    void aBadMembershipFaultIsOneLineNamingTheField(String faults, String field, String reason) {
        ScenarioException e = refused("  " + faults.strip().replace("\\n", "\n") + "\n");
        assertEquals(field, e.field());
        assertEquals(reason, e.reason());
        assertEquals("m.yaml: " + field + ": " + reason, e.getMessage());
    }

    @Test
    void aNodeExistsFromTheFaultThatAddsItOn() {
        Scenario s = ScenarioLoader.parse("m.yaml", """
                name: m
                nodes: 3
                duration: 2s
                faults:
                  - {at: 1500ms, type: crash, target: n6}
                  - {at: 1s, type: add, target: n6}
                  - {at: 1200ms, type: partition, groups: [[n1, n6], [n2, n3]]}
                  - {at: 1300ms, type: replace, target: leader, with: n7}
                  - {at: 1400ms, type: remove, target: n7}
                """, false);
        assertEquals(5, s.faultList().size());
        assertEquals("n7", s.faultList().get(3).with());
    }

    @Test
    void aProtocolWithoutMembershipChangeIsRefusedBeforeTheRun(@TempDir Path out) {
        Scenario s = ScenarioLoader.parse("m.yaml", "name: m\nnodes: 3\nduration: 1s\nfaults:\n  - {at: 1s, type: remove, target: leader}\n", false);
        ScenarioException e = assertThrows(ScenarioException.class,
                () -> new Runner().run(s, List.of("fixed-leader-log"), 1, 1, Runner.RuntimeKind.SIM, out, null));
        assertEquals("m: faults[0].type: 'remove' changes the membership, which fixed-leader-log does not support;"
                + " run the scenario with a protocol that does", e.getMessage());
        assertFalse(out.resolve("m").toFile().exists(), "nothing was written");
    }

    /** MembershipEcho: n1 leads, commits every add at once and refuses every remove. */
    @Test
    void theInjectorStartsNodesAsksTheLeaderAndRecordsEveryOutcome() {
        Scenario s = ScenarioLoader.parse("m.yaml", """
                name: m
                nodes: 3
                duration: 1s
                faults:
                  - {at: 100ms, type: partition, groups: [[n1], [n2, n3]]}
                  - {at: 150ms, type: add, target: n6}
                  - {at: 300ms, type: replace, target: n2, with: n7}
                  - {at: 400ms, type: remove, target: random-follower}
                """, false);
        InMemoryTrace trace = new InMemoryTrace();
        MembershipEcho protocol = new MembershipEcho();
        Simulation sim = Simulation.builder().seed(3).cluster(ClusterConfig.ofSize(3))
                .protocol(protocol, protocol.resolveOptions(Map.of("tickMs", 10))).trace(trace, TraceLevel.FULL).build();
        sim.start();
        new FaultInjector(sim, s, 3).schedule(s.faultList());
        sim.runUntil(600 * MS);

        List<TraceRecord.Fault> faults = trace.records(TraceRecord.Fault.class);
        assertEquals(List.of("partition", "add", "replace", "add", "remove", "membership-refused", "remove", "membership-refused"),
                faults.stream().map(TraceRecord.Fault::fault).toList());
        assertEquals("change 1: add n6, asked of leader n1", faults.get(1).detail());
        assertEquals(List.of(N2, N7), faults.get(2).nodes());
        assertEquals("change 2: add n7 to replace n2, asked of leader n1", faults.get(3).detail());
        assertEquals("change 3: remove n2 replaced by n7, asked of leader n1", faults.get(4).detail());
        assertTrue(faults.get(5).detail().endsWith("refused by n1: this test protocol refuses removals"), faults.get(5).detail());
        // after change 2 the injector's voters are [n1, n7] (what MembershipEcho committed): the only follower is n7
        assertEquals(List.of(N7), faults.get(6).nodes());
        assertTrue(sim.isUp(N6) && sim.isUp(N7));

        // n6 joined n1's side of the open partition: it reaches n1 and not n2
        List<TraceRecord.Drop> drops = trace.records(TraceRecord.Drop.class);
        assertTrue(drops.stream().anyMatch(d -> N6.equals(d.from()) && N2.equals(d.to()) && d.reason().equals("partition")));
        assertTrue(trace.records(TraceRecord.Deliver.class).stream().anyMatch(d -> d.from().equals(N6) && d.to().equals(N1)));
    }
}
