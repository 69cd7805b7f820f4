package quorumlab.analysis.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import quorumlab.protocols.ClientReply;
import quorumlab.protocols.Protocol;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.Result;
import quorumlab.protocols.trace.TraceRecord;
import quorumlab.workload.InMemoryRun;
import quorumlab.workload.ScenarioLibrary;

/**
 * The streaming checkers on traces of library scenarios under both protocols: a clean trace passes
 * every check, and the same trace with a planted fault (a node applying a command no client sent, a
 * read returning a value no one wrote) fails the check it breaks. Before the whole-trace checkers
 * were removed (issue 16), a version of this test compared every verdict with theirs on every
 * library scenario, both protocols and two seeds, clean and planted: all agreed (commit history).
 */
class StreamingChecksOnLibraryScenariosTest {
    @Test
    void cleanTracesPassAndPlantedFaultsAreFound() {
        for (String name : List.of("leader-crash", "majority-partition", "stale-leader")) {
            for (String protocol : List.of("raft", "multi-paxos")) {
                List<TraceRecord> trace =
                        InMemoryRun.run(ScenarioLibrary.load(name), Protocol.byName(protocol), 1, 0, Long.MAX_VALUE).trace();
                String where = name + " " + protocol;
                Map<String, CheckStatus> clean = statuses(trace);
                assertEquals(Map.of(Checks.ACKNOWLEDGED_WRITES, CheckStatus.OK, protocol + "-invariants", CheckStatus.OK,
                        Checks.LINEARIZABILITY, CheckStatus.OK), clean, where);

                Map<String, CheckStatus> applied = statuses(applyingAnotherCommand(trace));
                assertEquals(CheckStatus.VIOLATION, applied.get(Checks.ACKNOWLEDGED_WRITES), where);
                assertEquals(CheckStatus.VIOLATION, applied.get(protocol + "-invariants"), where);

                Map<String, CheckStatus> stale = statuses(readingAValueNoOneWrote(trace));
                assertEquals(CheckStatus.VIOLATION, stale.get(Checks.LINEARIZABILITY), where);
                assertEquals(CheckStatus.OK, stale.get(protocol + "-invariants"), where);
            }
        }
    }

    private static Map<String, CheckStatus> statuses(List<TraceRecord> trace) {
        Checks.TraceCheck check = new Checks.TraceCheck(LinearizabilityChecker.Bound.DEFAULT, true);
        for (TraceRecord r : trace) check.accept(r);
        return check.finish(Checks.Settings.DEFAULT, null, "x").stream()
                .collect(Collectors.toMap(Verdict.Check::name, Verdict.Check::status));
    }

    /** One node's apply in the middle of the run changed to a command no client sent. */
    private static List<TraceRecord> applyingAnotherCommand(List<TraceRecord> trace) {
        List<Integer> applies = new ArrayList<>();
        for (int i = 0; i < trace.size(); i++) {
            if (trace.get(i) instanceof TraceRecord.Event e && e.event() instanceof ProtocolEvent.EntryApplied) applies.add(i);
        }
        assertTrue(!applies.isEmpty());
        List<TraceRecord> changed = new ArrayList<>(trace);
        int at = applies.get(applies.size() / 2);
        TraceRecord.Event e = (TraceRecord.Event) trace.get(at);
        ProtocolEvent.EntryApplied a = (ProtocolEvent.EntryApplied) e.event();
        changed.set(at, new TraceRecord.Event(e.t(), e.node(), new ProtocolEvent.EntryApplied(a.index(), "c999:999")));
        return changed;
    }

    /** One ok read in the middle of the run returning a value no one wrote. */
    private static List<TraceRecord> readingAValueNoOneWrote(List<TraceRecord> trace) {
        List<Integer> reads = new ArrayList<>();
        for (int i = 0; i < trace.size(); i++) {
            if (trace.get(i) instanceof TraceRecord.Complete c && c.reply() instanceof ClientReply.Committed k
                    && k.result() != null && k.result().ok() && k.result().value() != null) reads.add(i);
        }
        assertTrue(!reads.isEmpty());
        List<TraceRecord> changed = new ArrayList<>(trace);
        int at = reads.get(reads.size() / 2);
        TraceRecord.Complete c = (TraceRecord.Complete) trace.get(at);
        ClientReply.Committed k = (ClientReply.Committed) c.reply();
        changed.set(at, new TraceRecord.Complete(c.t(), c.clientId(), c.seq(), c.node(),
                new ClientReply.Committed(k.clientId(), k.seq(), k.index(), Result.read("never-written")), c.outcome()));
        return changed;
    }
}
