package quorumlab.raft;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import quorumlab.protocols.ClientReply;
import quorumlab.protocols.ClientRequest;
import quorumlab.protocols.Operation;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.trace.TraceRecord;

/**
 * No stale read, for clients that never write the same value twice to a key: a read must not
 * return a value older (in log order) than a write to the same key that was acknowledged before
 * the read was invoked, nor nothing when such a write exists, nor a value nobody wrote. This is the
 * part of linearizability that a read served outside the log (read index) could break.
 */
final class StaleReads {
    private StaleReads() {}

    static List<String> violations(List<TraceRecord> trace) {
        // Where each write took effect: the first index it was applied at (later copies are retries).
        Map<String, Long> effectiveIndex = new HashMap<>();
        Map<String, ClientRequest> invoked = new HashMap<>();
        Map<String, Long> invokedAt = new HashMap<>();
        Map<String, String> writeOf = new HashMap<>(); // key + "=" + value -> the put's id
        for (TraceRecord r : trace) {
            if (r instanceof TraceRecord.Event e && e.event() instanceof ProtocolEvent.EntryApplied a) {
                effectiveIndex.merge(a.command(), a.index(), Math::min);
            } else if (r instanceof TraceRecord.Invoke i) {
                invoked.put(i.request().id(), i.request());
                invokedAt.putIfAbsent(i.request().id(), i.t());
                if (i.request().operation() instanceof Operation.Put put) {
                    writeOf.put(put.key() + "=" + put.value(), i.request().id());
                }
            }
        }
        record Ack(long t, String key, String writeId) {}
        List<Ack> acknowledgedWrites = new ArrayList<>();
        List<String> violations = new ArrayList<>();
        for (TraceRecord r : trace) {
            if (!(r instanceof TraceRecord.Complete c) || !(c.reply() instanceof ClientReply.Committed committed)) {
                continue;
            }
            String id = "c" + c.clientId() + ":" + c.seq();
            Operation op = invoked.get(id).operation();
            if (op instanceof Operation.Put) {
                acknowledgedWrites.add(new Ack(c.t(), op.key(), id));
                continue;
            }
            if (!(op instanceof Operation.Get)) continue;
            long readInvoked = invokedAt.get(id);
            String value = committed.result().value();
            String seenWrite = value == null ? null : writeOf.get(op.key() + "=" + value);
            if (value != null && (seenWrite == null || !effectiveIndex.containsKey(seenWrite))) {
                violations.add("t=" + c.t() + " read " + id + " of " + op.key() + " returned " + value
                        + ", which no applied write put there");
                continue;
            }
            long seenIndex = value == null ? 0 : effectiveIndex.get(seenWrite);
            for (Ack w : acknowledgedWrites) {
                if (w.t() < readInvoked && w.key().equals(op.key()) && effectiveIndex.getOrDefault(w.writeId(), 0L) > seenIndex) {
                    violations.add("t=" + c.t() + " read " + id + " of " + op.key() + " returned " + value
                            + " though " + w.writeId() + " was acknowledged at t=" + w.t() + " before the read began");
                    break;
                }
            }
        }
        return violations;
    }
}
