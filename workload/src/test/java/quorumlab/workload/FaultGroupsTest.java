package quorumlab.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.trace.TraceReader;
import quorumlab.protocols.trace.TraceRecord;

/** What partition, isolate and one-way faults write: their groups, and the nodes cut off from the majority. */
class FaultGroupsTest {
    private static final Runner.Listener QUIET = new Runner.Listener() {
        @Override
        public void started(int total) {}

        @Override
        public void finished(Runner.SeedRun run) {}
    };
    static final NodeId N1 = NodeId.of(1), N2 = NodeId.of(2), N3 = NodeId.of(3), N4 = NodeId.of(4), N5 = NodeId.of(5);

    private static List<TraceRecord.Fault> faults(String yaml, String protocol, long seed, Path out) {
        Scenario s = ScenarioLoader.parse("groups.yaml", yaml, false);
        Runner.Result r = new Runner().run(s, List.of(protocol), 1, seed, Runner.RuntimeKind.SIM, out, QUIET);
        List<TraceRecord.Fault> faults = new ArrayList<>();
        for (TraceRecord t : TraceReader.readAll(r.runs().get(0).dir().resolve(Runner.TRACE_FILE))) {
            if (t instanceof TraceRecord.Fault f) faults.add(f);
        }
        return faults;
    }

    /** fixed-leader-log: n1 leads from the start, so "leader" is n1. */
    @Test
    void everyCutRecordsItsGroupsAndWhoIsCutOffFromTheMajority(@TempDir Path out) {
        List<TraceRecord.Fault> faults = faults("""
                name: groups
                nodes: 5
                duration: 1s
                workload: {clients: 2, thinkTime: 10ms}
                faults:
                  - {at: 100ms, type: partition, groups: [[n1, n2], [n3, n4, n5]], duration: 50ms}
                  - {at: 200ms, type: isolate, target: leader, duration: 50ms}
                  - {at: 300ms, type: one-way, from: n2, to: n4, duration: 50ms}
                  - {at: 400ms, type: partition, groups: [[n4], [n5]], duration: 50ms}
                  - {at: 500ms, type: partition, groups: [[leader, random-follower], [others]], duration: 50ms}
                  - {at: 600ms, type: partition, groups: [[n1, n2, n3], [n4, n5, others]], duration: 50ms}
                """, "fixed-leader-log", 1, out);
        List<TraceRecord.Fault> cuts = faults.stream().filter(f -> !f.fault().equals("heal")).toList();
        assertEquals(List.of("partition", "isolate", "one-way", "partition", "partition", "partition"), cuts.stream().map(TraceRecord.Fault::fault).toList());
        assertEquals(6, faults.stream().filter(f -> f.fault().equals("heal")).count());

        assertEquals(List.of(List.of(N1, N2), List.of(N3, N4, N5)), cuts.get(0).groups());
        assertEquals(List.of(N1, N2), cuts.get(0).nodes(), "the minority is cut off");

        assertEquals(List.of(List.of(N1), List.of(N2, N3, N4, N5)), cuts.get(1).groups());
        assertEquals(List.of(N1), cuts.get(1).nodes());

        assertEquals(List.of(List.of(N2), List.of(N4)), cuts.get(2).groups());
        assertEquals(List.of(N2, N4), cuts.get(2).nodes());
        assertTrue(cuts.get(2).detail().contains("one-way") && cuts.get(2).detail().contains("n2 -> n4 cut"), cuts.get(2).detail());

        // Nodes no group names form a group of their own, here the majority.
        assertEquals(List.of(List.of(N4), List.of(N5), List.of(N1, N2, N3)), cuts.get(3).groups());
        assertEquals(List.of(N4, N5), cuts.get(3).nodes());

        List<List<NodeId>> symbolic = cuts.get(4).groups();
        assertEquals(2, symbolic.size());
        assertEquals(2, symbolic.get(0).size());
        assertTrue(symbolic.get(0).contains(N1), "the leader is on the first side: " + symbolic);
        assertEquals(3, symbolic.get(1).size());
        assertEquals(symbolic.get(0), cuts.get(4).nodes(), "the leader's side is cut off");

        // 3|3 of five is impossible; a group of 3 and one of 2 (n4, n5; 'others' adds nobody) leaves n4, n5 cut off.
        assertEquals(List.of(List.of(N1, N2, N3), List.of(N4, N5)), cuts.get(5).groups());
        assertEquals(List.of(N4, N5), cuts.get(5).nodes());
    }

    @Test
    void anEvenSplitCutsEveryNodeOffFromAMajority(@TempDir Path out) {
        List<TraceRecord.Fault> faults = faults("""
                name: groups
                nodes: 4
                duration: 300ms
                workload: {clients: 2, thinkTime: 10ms}
                faults:
                  - {at: 100ms, type: partition, groups: [[n1, n2], [n3, n4]]}
                """, "fixed-leader-log", 1, out);
        assertEquals(List.of(NodeId.of(1), NodeId.of(2), NodeId.of(3), NodeId.of(4)), faults.get(0).nodes());
        assertEquals(2, faults.get(0).groups().size());
    }

    /**
     * majority-partition, run: at the fault, the node that last established leadership is on the side
     * of two, which the fault records as cut off; a node of the three establishes leadership before the heal.
     */
    @Test
    void majorityPartitionPutsTheLeaderOnTheMinoritySide(@TempDir Path out) {
        Scenario s = ScenarioLibrary.load("majority-partition");
        List<String> protocols = LibraryScenariosTest.realProtocols();
        Runner.Result r = new Runner().threads(2).run(s, protocols, 2, 1, Runner.RuntimeKind.SIM, out, QUIET);
        assertEquals(2 * protocols.size(), r.runs().size());
        for (Runner.SeedRun run : r.runs()) {
            String which = run.protocol() + " seed " + run.seed();
            List<TraceRecord> trace = TraceReader.readAll(run.dir().resolve(Runner.TRACE_FILE));
            TraceRecord.Fault cut = trace.stream().filter(t -> t instanceof TraceRecord.Fault f && f.fault().equals("partition"))
                    .map(t -> (TraceRecord.Fault) t).findFirst().orElseThrow();
            long healAt = trace.stream().filter(t -> t instanceof TraceRecord.Fault f && f.fault().equals("heal"))
                    .mapToLong(TraceRecord::t).findFirst().orElseThrow();
            NodeId leader = null;
            for (TraceRecord t : trace) {
                if (t.t() > cut.t()) break;
                if (t instanceof TraceRecord.Event e && e.event() instanceof ProtocolEvent.LeaderEstablished) leader = e.node();
            }
            assertEquals(2, cut.groups().size(), which + ": " + cut.groups());
            List<NodeId> minority = cut.groups().get(0);
            List<NodeId> majority = cut.groups().get(1);
            assertEquals(2, minority.size(), which);
            assertEquals(3, majority.size(), which);
            assertTrue(minority.contains(leader), which + ": leader " + leader + " is in the minority " + minority);
            assertEquals(minority, cut.nodes(), which);
            boolean majorityElected = trace.stream().anyMatch(t -> t.t() > cut.t() && t.t() < healAt && t instanceof TraceRecord.Event e
                    && e.event() instanceof ProtocolEvent.LeaderEstablished && majority.contains(e.node()));
            assertTrue(majorityElected, which + ": the three elect a leader before the heal");
        }
    }
}
