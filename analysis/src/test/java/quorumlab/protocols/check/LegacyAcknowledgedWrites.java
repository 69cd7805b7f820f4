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
 */
public final class LegacyAcknowledgedWrites {
    private LegacyAcknowledgedWrites() {}

    public static List<String> violations(List<TraceRecord> trace) {
        List<String> violations = new ArrayList<>();
        Map<Long, String> appliedAt = new HashMap<>();
        Set<String> reads = new HashSet<>();
        for (TraceRecord r : trace) {
            if (r instanceof TraceRecord.Invoke i && i.request().operation() instanceof Operation.Get) {
                reads.add(i.request().id());
            }
            if (r instanceof TraceRecord.Event e && e.event() instanceof ProtocolEvent.EntryApplied a) {
                String before = appliedAt.putIfAbsent(a.index(), a.command());
                if (before != null && !before.equals(a.command())) {
                    violations.add("t=" + r.t() + " node " + e.node() + " applied " + a.command() + " at index "
                            + a.index() + " where another node applied " + before);
                }
            }
        }
        for (TraceRecord r : trace) {
            if (r instanceof TraceRecord.Complete c && "ok".equals(c.outcome())
                    && c.reply() instanceof ClientReply.Committed committed) {
                String acknowledged = "c" + c.clientId() + ":" + c.seq();
                if (reads.contains(acknowledged)) continue;
                String applied = appliedAt.get(committed.index());
                if (applied == null) {
                    violations.add("t=" + r.t() + " node " + c.node() + " acknowledged " + acknowledged + " at index "
                            + committed.index() + " but no node applied that index");
                } else if (!applied.equals(acknowledged)) {
                    violations.add("t=" + r.t() + " node " + c.node() + " acknowledged " + acknowledged + " at index "
                            + committed.index() + " but " + applied + " was applied there (acknowledged write lost)");
                }
            }
        }
        return violations;
    }
}
