package quorumlab.primarybackup;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.check.SafetyChecks;
import quorumlab.protocols.trace.TraceRecord;

/**
 * What primary-backup can promise, checked on a trace, and it is little: each node's epochs only
 * grow, so a node that takes over, even after a restart, never reuses an epoch it led or saw. That
 * it promises nothing more is the point: two primaries may lead at once, in different epochs or the
 * same one, and two nodes may apply different commands at one index. The common checks (no
 * acknowledged write lost) and linearizability are what catch it. Memory: one epoch per node.
 */
final class PrimaryBackupInvariants implements SafetyChecks.Checker {
    private final List<String> violations = new ArrayList<>();
    private final Map<NodeId, Long> lastLed = new HashMap<>();

    static List<String> violations(List<TraceRecord> trace) {
        return SafetyChecks.violations(PrimaryBackupInvariants::new, trace);
    }

    @Override
    public void accept(TraceRecord r) {
        if (r instanceof TraceRecord.Event e && e.event() instanceof ProtocolEvent.LeaderEstablished le) {
            Long before = lastLed.put(e.node(), le.term());
            if (before != null && le.term() <= before) {
                violations.add("t=" + r.t() + " node " + e.node() + " took over in epoch " + le.term()
                        + " after it had led epoch " + before);
            }
        }
    }

    @Override
    public List<String> finish() {
        return violations;
    }
}
