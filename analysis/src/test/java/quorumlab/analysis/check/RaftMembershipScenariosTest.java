package quorumlab.analysis.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.Protocol;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.trace.TraceRecord;
import quorumlab.workload.InMemoryRun;
import quorumlab.workload.Scenario;
import quorumlab.workload.ScenarioLoader;

/**
 * Raft's membership changes driven by the fault timeline while clients write, single-server and
 * joint consensus (both for growing and for replacing every node; one of the two for the rest, to
 * keep the suite short): every trace passes the invariants (with every commit's quorum checked across
 * configurations), loses no acknowledged write, and its history is linearizable; each change is
 * committed, none refused, and the last configuration is the one the timeline asked for.
 */
class RaftMembershipScenariosTest {
    private static final Map<String, String> FAULTS = Map.of(
            "grow", """
                    nodes: 3
                    faults:
                      - {at: 500ms, type: add, target: n4}
                      - {at: 1200ms, type: add, target: n5}
                    """,
            "shrink", """
                    nodes: 5
                    faults:
                      - {at: 500ms, type: remove, target: random-follower}
                      - {at: 1200ms, type: remove, target: random-follower}
                    """,
            "remove-leader", """
                    nodes: 5
                    faults:
                      - {at: 500ms, type: remove, target: leader}
                    """,
            "rolling-replace", """
                    nodes: 3
                    faults:
                      - {at: 500ms, type: replace, target: n1, with: n4}
                      - {at: 1200ms, type: replace, target: n2, with: n5}
                      - {at: 1900ms, type: replace, target: n3, with: n6}
                    """,
            "add-in-partition", """
                    nodes: 5
                    faults:
                      - {at: 500ms, type: partition, groups: [[n1, n2], [n3, n4, n5]], duration: 1500ms}
                      - {at: 1s, type: add, target: n6}
                    """,
            "removed-while-cut-off", """
                    nodes: 5
                    faults:
                      - {at: 300ms, type: isolate, target: n5, duration: 1500ms}
                      - {at: 600ms, type: remove, target: n5}
                    """);

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "grow, single, 'n1,n2,n3,n4,n5'", "grow, joint, 'n1,n2,n3,n4,n5'",
        "shrink, single, 3",
        "remove-leader, joint, 4",
        "rolling-replace, single, 'n4,n5,n6'", "rolling-replace, joint, 'n4,n5,n6'",
        "add-in-partition, single, 'n1,n2,n3,n4,n5,n6'",
        "removed-while-cut-off, single, 'n1,n2,n3,n4'",
    })
    void everyChangeCommitsAndEveryCheckPasses(String name, String membership, String expected) {
        Scenario s = ScenarioLoader.parse(name + ".yaml", "name: " + name + "\nduration: 3s\n"
                + "options: {raft: {membership: " + membership + ", checkQuorum: true}}\n"
                + "workload: {clients: 3, thinkTime: 10ms}\n" + FAULTS.get(name), false);
        List<TraceRecord> trace = InMemoryRun.run(s, Protocol.byName("raft"), 3, 0, Long.MAX_VALUE).trace();

        Checks.TraceCheck check = new Checks.TraceCheck(LinearizabilityChecker.Bound.DEFAULT, true);
        trace.forEach(check::accept);
        Map<String, String> verdicts = check.finish(Checks.Settings.DEFAULT, null, "x").stream()
                .collect(Collectors.toMap(Verdict.Check::name, c -> c.status() + " " + c.details()));
        assertEquals(Map.of(Checks.ACKNOWLEDGED_WRITES, "OK []", "raft-invariants", "OK []", Checks.LINEARIZABILITY, "OK []"),
                verdicts, name + " " + membership);

        List<String> refusals = trace.stream().filter(r -> r instanceof TraceRecord.Fault f && f.fault().startsWith("membership-"))
                .map(Object::toString).toList();
        assertEquals(List.of(), refusals);
        List<List<NodeId>> committed = trace.stream()
                .filter(r -> r instanceof TraceRecord.Event e && e.event() instanceof ProtocolEvent.MembershipChangeCommitted)
                .map(r -> ((ProtocolEvent.MembershipChangeCommitted) ((TraceRecord.Event) r).event()).voters()).toList();
        assertTrue(!committed.isEmpty(), "some change committed");
        List<NodeId> last = committed.get(committed.size() - 1);
        if (expected.matches("\\d+")) {
            assertEquals(Integer.parseInt(expected), last.size(), last.toString());
        } else {
            assertEquals(expected, last.stream().map(NodeId::toString).collect(Collectors.joining(",")));
        }
        long okAtTheEnd = trace.stream().filter(r -> r instanceof TraceRecord.Complete c && c.t() > 2_500_000_000L
                && "ok".equals(c.outcome())).count();
        assertTrue(okAtTheEnd > 0, "clients still complete operations after the changes");
    }
}
