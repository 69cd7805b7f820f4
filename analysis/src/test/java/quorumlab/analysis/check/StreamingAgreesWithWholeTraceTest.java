package quorumlab.analysis.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import quorumlab.paxos.LegacyPaxosInvariants;
import quorumlab.protocols.ClientReply;
import quorumlab.protocols.Protocol;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.Result;
import quorumlab.protocols.check.LegacyAcknowledgedWrites;
import quorumlab.protocols.check.SafetyChecks;
import quorumlab.protocols.trace.TraceRecord;
import quorumlab.raft.LegacyRaftInvariants;
import quorumlab.workload.InMemoryRun;
import quorumlab.workload.Scenario;
import quorumlab.workload.ScenarioLibrary;

/**
 * Issue 16: the streaming checkers give the verdicts the whole-trace checkers gave, on traces of
 * every library scenario under both protocols and several seeds, as they are and with a planted
 * fault (a node applying a different command, a read returning a value no one wrote).
 */
class StreamingAgreesWithWholeTraceTest {
    @Test
    void everyLibraryScenarioGetsTheSameVerdictsAsFromTheWholeTrace() {
        int traces = 0;
        for (String name : ScenarioLibrary.names()) {
            Scenario s = ScenarioLibrary.load(name);
            for (String protocol : List.of("raft", "multi-paxos")) {
                Function<List<TraceRecord>, List<String>> legacy =
                        protocol.equals("raft") ? LegacyRaftInvariants::violations : LegacyPaxosInvariants::violations;
                for (long seed = 1; seed <= 2; seed++) {
                    List<TraceRecord> trace = InMemoryRun.run(s, Protocol.byName(protocol), seed, 0, Long.MAX_VALUE).trace();
                    String where = name + " " + protocol + " seed " + seed;
                    agree(where, protocol, legacy, trace);
                    agree(where + " (a node applies another command)", protocol, legacy, applyingAnotherCommand(trace));
                    agree(where + " (a stale read)", protocol, legacy, readingAValueNoOneWrote(trace));
                    traces++;
                }
            }
        }
        assertTrue(traces >= 20, traces + " traces");
    }

    private static void agree(String where, String protocol, Function<List<TraceRecord>, List<String>> legacy,
            List<TraceRecord> trace) {
        List<String> oldAck = LegacyAcknowledgedWrites.violations(trace);
        List<String> newAck = quorumlab.protocols.check.AcknowledgedWrites.violations(trace);
        assertEquals(sorted(oldAck), sorted(newAck), where + ": acknowledged writes");
        List<String> oldInvariants = legacy.apply(trace);
        List<String> newInvariants = SafetyChecks.violations(Protocol.byName(protocol).invariants().get(0), trace);
        assertEquals(sorted(oldInvariants), sorted(newInvariants), where + ": invariants");

        LegacyLinearizabilityChecker.Result old = LegacyLinearizabilityChecker.check(LegacyTraceHistory.fromTrace(where, trace));
        Checks.TraceCheck check = new Checks.TraceCheck(LinearizabilityChecker.Bound.DEFAULT, true);
        for (TraceRecord r : trace) check.accept(r);
        Verdict.Check lin = check.finish(Checks.Settings.DEFAULT, null, "x").stream()
                .filter(c -> c.name().equals(Checks.LINEARIZABILITY)).findFirst().orElseThrow();
        assertEquals(old.status(), lin.status(), where + ": linearizability, " + old.summary() + " / " + lin.summary());
        // The history rebuilt in memory is the one the stream saw.
        LinearizabilityChecker.Result whole = LinearizabilityChecker.check(TraceHistory.fromTrace(where, trace));
        assertEquals(old.status(), whole.status(), where);
        assertEquals(old.operations(), whole.operations(), where);
        assertEquals(old.keys(), whole.keys(), where);
    }

    /** The same trace with one node's apply in the middle of the run changed to a command no client sent. */
    private static List<TraceRecord> applyingAnotherCommand(List<TraceRecord> trace) {
        List<Integer> applies = new ArrayList<>();
        for (int i = 0; i < trace.size(); i++) {
            if (trace.get(i) instanceof TraceRecord.Event e && e.event() instanceof ProtocolEvent.EntryApplied) applies.add(i);
        }
        List<TraceRecord> changed = new ArrayList<>(trace);
        if (applies.isEmpty()) return changed;
        int at = applies.get(applies.size() / 2);
        TraceRecord.Event e = (TraceRecord.Event) trace.get(at);
        ProtocolEvent.EntryApplied a = (ProtocolEvent.EntryApplied) e.event();
        changed.set(at, new TraceRecord.Event(e.t(), e.node(), new ProtocolEvent.EntryApplied(a.index(), "c999:999")));
        return changed;
    }

    /** The same trace with one ok read in the middle of the run returning a value no one wrote. */
    private static List<TraceRecord> readingAValueNoOneWrote(List<TraceRecord> trace) {
        List<Integer> reads = new ArrayList<>();
        for (int i = 0; i < trace.size(); i++) {
            if (trace.get(i) instanceof TraceRecord.Complete c && c.reply() instanceof ClientReply.Committed k
                    && k.result() != null && k.result().ok() && k.result().value() != null) reads.add(i);
        }
        List<TraceRecord> changed = new ArrayList<>(trace);
        if (reads.isEmpty()) return changed;
        int at = reads.get(reads.size() / 2);
        TraceRecord.Complete c = (TraceRecord.Complete) trace.get(at);
        ClientReply.Committed k = (ClientReply.Committed) c.reply();
        changed.set(at, new TraceRecord.Complete(c.t(), c.clientId(), c.seq(), c.node(),
                new ClientReply.Committed(k.clientId(), k.seq(), k.index(), Result.read("never-written")), c.outcome()));
        return changed;
    }

    @Test
    void generatedHistoriesGetTheSameVerdicts() {
        for (long seed = 1; seed <= 30; seed++) {
            History ok = HistoryGenerator.linearizable(seed, 300, (int) (seed % 4), 12, 0.15);
            same("linearizable seed " + seed, ok);
            same("stale read seed " + seed, HistoryGenerator.withStaleRead(ok));
        }
        for (int writers = 2; writers <= 6; writers++) same("pathological " + writers, HistoryGenerator.pathological(writers));
    }

    private static void same(String where, History h) {
        var old = LegacyLinearizabilityChecker.check(h);
        var now = LinearizabilityChecker.check(h);
        assertEquals(old.status(), now.status(), where + ": " + old.summary() + " / " + now.summary());
    }

    private static List<String> sorted(List<String> lines) {
        return lines.stream().sorted().toList();
    }
}
