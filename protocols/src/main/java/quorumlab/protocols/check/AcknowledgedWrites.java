package quorumlab.protocols.check;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import quorumlab.protocols.ClientReply;
import quorumlab.protocols.Operation;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.trace.TraceRecord;

/**
 * No acknowledged write is lost (DESIGN.md): every {@code Committed(index)} a client received must
 * name the command some node applied at that index, and no node may apply a different command
 * there. Applies to every protocol, since the runtime records every apply.
 *
 * <p>Reads are left out: a read served outside the log (Raft's read index) names the index it read
 * at, not an entry of its own. Whether reads return the right values is linearizability's question.
 *
 * <p>Streaming: an acknowledgement waits for the first apply at its index (the reply may come
 * before some node's apply shows in the trace), and is judged then or, if none comes, at the end.
 * Memory: the commands applied above {@link AppliedFloor} in full, a fingerprint below it, the reads
 * not yet acknowledged and the acknowledgements still waiting for their apply.
 */
public final class AcknowledgedWrites implements SafetyChecks.Checker {
    private record Ack(long t, String node, String id, long index) {}

    private final List<String> violations = new ArrayList<>();
    private final CommandsByIndex appliedAt = new CommandsByIndex();
    private final AppliedFloor floor = new AppliedFloor();
    private final Set<String> reads = new HashSet<>();
    private final Map<Long, List<Ack>> waiting = new HashMap<>();

    /** The violations in a trace held in memory. */
    public static List<String> violations(List<TraceRecord> trace) {
        return SafetyChecks.violations(AcknowledgedWrites::new, trace);
    }

    @Override
    public void accept(TraceRecord r) {
        if (r instanceof TraceRecord.Invoke i && i.request().operation() instanceof Operation.Get) {
            reads.add(i.request().id());
        } else if (r instanceof TraceRecord.Event e && e.event() instanceof ProtocolEvent.EntryApplied a) {
            String before = appliedAt.conflict(a.index(), a.command());
            if (before != null) {
                violations.add("t=" + r.t() + " node " + e.node() + " applied " + a.command() + " at index "
                        + a.index() + " where another node applied " + before);
            }
            List<Ack> acks = waiting.remove(a.index());
            if (acks != null) acks.forEach(this::judge);
        } else if (r instanceof TraceRecord.Complete c && "ok".equals(c.outcome())
                && c.reply() instanceof ClientReply.Committed committed) {
            String acknowledged = "c" + c.clientId() + ":" + c.seq();
            if (reads.remove(acknowledged)) return;
            Ack ack = new Ack(r.t(), String.valueOf(c.node()), acknowledged, committed.index());
            if (appliedAt.has(ack.index())) judge(ack);
            else waiting.computeIfAbsent(ack.index(), k -> new ArrayList<>()).add(ack);
        }
        if (floor.accept(r)) appliedAt.settleThrough(floor.floor());
    }

    private void judge(Ack ack) {
        String applied = appliedAt.differs(ack.index(), ack.id());
        if (applied != null) {
            violations.add("t=" + ack.t() + " node " + ack.node() + " acknowledged " + ack.id() + " at index "
                    + ack.index() + " but " + applied + " was applied there (acknowledged write lost)");
        }
    }

    @Override
    public List<String> finish() {
        waiting.values().stream().flatMap(List::stream).sorted((x, y) -> Long.compare(x.t(), y.t())).forEach(ack ->
                violations.add("t=" + ack.t() + " node " + ack.node() + " acknowledged " + ack.id() + " at index "
                        + ack.index() + " but no node applied that index"));
        waiting.clear();
        return violations;
    }
}
