package quorumlab.paxos;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import quorumlab.protocols.ClientReply;
import quorumlab.protocols.ClientRequest;
import quorumlab.protocols.KvStateMachine;
import quorumlab.protocols.NoOp;
import quorumlab.protocols.Result;
import quorumlab.protocols.trace.TraceRecord;

/**
 * Linearizability of a history whose every operation goes through the log (Multi-Paxos reads
 * included), checked against the order the log itself gives: replaying the applied commands in
 * index order on a fresh key-value store must give every acknowledged operation the result its
 * client got, and an operation must take effect (first be applied) after every operation that
 * completed before it was invoked. That order is a witness: if it passes, the history is
 * linearizable. (The analysis module's general checker needs no log; this module cannot depend on
 * it, since analysis depends on the protocols.)
 */
final class LogLinearizability {
    private LogLinearizability() {}

    static List<String> violations(List<TraceRecord> trace) {
        TreeMap<Long, String> appliedAt = new TreeMap<>();
        Map<String, ClientRequest> requests = new HashMap<>();
        Map<String, Long> invokedAt = new HashMap<>();
        Map<String, TraceRecord.Complete> acknowledged = new HashMap<>();
        for (TraceRecord r : trace) {
            if (r instanceof TraceRecord.Event e && e.event() instanceof quorumlab.protocols.ProtocolEvent.EntryApplied a) {
                appliedAt.putIfAbsent(a.index(), a.command());
            } else if (r instanceof TraceRecord.Invoke i) {
                requests.putIfAbsent(i.request().id(), i.request());
                invokedAt.putIfAbsent(i.request().id(), i.t());
            } else if (r instanceof TraceRecord.Complete c && c.reply() instanceof ClientReply.Committed) {
                acknowledged.putIfAbsent("c" + c.clientId() + ":" + c.seq(), c);
            }
        }
        List<String> violations = new ArrayList<>();
        // Replay the log: where each command first took effect, and what it returned there.
        KvStateMachine replay = new KvStateMachine();
        Map<String, Long> effectAt = new HashMap<>();
        Map<String, Result> resultOf = new HashMap<>();
        long expected = 1;
        for (Map.Entry<Long, String> e : appliedAt.entrySet()) {
            if (e.getKey() != expected) {
                violations.add("index " + expected + " was applied by no node");
                return violations;
            }
            expected++;
            ClientRequest request = requests.get(e.getValue());
            // A no-op, or a configuration command ("config:..."), which the state machine applies as one.
            if (request == null && !e.getValue().equals("noop") && !e.getValue().startsWith("config:")) {
                violations.add("index " + e.getKey() + " applied " + e.getValue() + ", which no client invoked");
                continue;
            }
            Result result = replay.apply(e.getKey(), request != null ? request : NoOp.INSTANCE);
            if (request != null && effectAt.putIfAbsent(request.id(), e.getKey()) == null) resultOf.put(request.id(), result);
        }
        for (Map.Entry<String, TraceRecord.Complete> a : acknowledged.entrySet()) {
            Result got = ((ClientReply.Committed) a.getValue().reply()).result();
            if (!effectAt.containsKey(a.getKey())) {
                violations.add(a.getKey() + " was acknowledged but never applied");
            } else if (!got.equals(resultOf.get(a.getKey()))) {
                violations.add(a.getKey() + " got " + got + " but the log order gives " + resultOf.get(a.getKey()));
            }
        }
        // Real-time order: sweep invocations and completions by time; an operation invoked after
        // others completed must take effect after all of them.
        record Mark(long t, boolean completion, String id) {}
        List<Mark> marks = new ArrayList<>();
        for (String id : effectAt.keySet()) marks.add(new Mark(invokedAt.get(id), false, id));
        for (Map.Entry<String, TraceRecord.Complete> a : acknowledged.entrySet()) {
            if (effectAt.containsKey(a.getKey())) marks.add(new Mark(a.getValue().t(), true, a.getKey()));
        }
        // At equal times an invocation comes first: only a completion strictly before it orders them.
        marks.sort(Comparator.comparingLong(Mark::t).thenComparing(Mark::completion));
        long highestCompleted = 0;
        String highestId = null;
        for (Mark m : marks) {
            long at = effectAt.get(m.id());
            if (m.completion()) {
                if (at > highestCompleted) {
                    highestCompleted = at;
                    highestId = m.id();
                }
            } else if (at < highestCompleted) {
                violations.add(m.id() + " was invoked at t=" + m.t() + ", after " + highestId + " completed, but took effect"
                        + " before it (index " + at + " < " + highestCompleted + ")");
            }
        }
        return violations;
    }
}
