package quorumlab.protocols.check;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.trace.TraceRecord;

/**
 * Multi-Paxos safety on a trace: at most one value is chosen per slot (as any learner reports it,
 * and as a majority of acceptors accepted it in one ballot), every node applies the same command at
 * each index, and no proposer establishes leadership twice with one ballot.
 */
public final class PaxosInvariants {
    private PaxosInvariants() {}

    private record BallotKey(long slot, long round, NodeId proposer, String command) {}

    public static List<String> violations(List<TraceRecord> trace) {
        List<String> violations = new ArrayList<>();
        int nodes = clusterSize(trace);
        int majority = nodes / 2 + 1;
        Map<Long, String> chosen = new HashMap<>();
        Map<Long, String> applied = new HashMap<>();
        Map<BallotKey, Set<NodeId>> acceptors = new HashMap<>();
        Set<String> leaders = new HashSet<>();
        for (TraceRecord r : trace) {
            if (!(r instanceof TraceRecord.Event e)) continue;
            if (e.event() instanceof ProtocolEvent.SlotChosen c) {
                choose(violations, chosen, c.slot(), c.command(), "t=" + r.t() + " node " + e.node() + " learned");
            } else if (e.event() instanceof ProtocolEvent.ValueAccepted a) {
                BallotKey key = new BallotKey(a.slot(), a.term(), a.proposer(), a.command());
                Set<NodeId> by = acceptors.computeIfAbsent(key, k -> new HashSet<>());
                if (by.add(e.node()) && by.size() == majority) {
                    choose(violations, chosen, a.slot(), a.command(), "t=" + r.t() + " a majority accepted in ballot ("
                            + a.term() + ", " + a.proposer() + ")");
                }
            } else if (e.event() instanceof ProtocolEvent.EntryApplied a) {
                String before = applied.putIfAbsent(a.index(), a.command());
                if (before != null && !before.equals(a.command())) {
                    violations.add("t=" + r.t() + " node " + e.node() + " applied " + a.command() + " at index "
                            + a.index() + " where another node applied " + before);
                }
            } else if (e.event() instanceof ProtocolEvent.LeaderEstablished le) {
                if (!leaders.add(le.term() + "/" + e.node())) {
                    violations.add("t=" + r.t() + " node " + e.node() + " established leadership twice in ballot ("
                            + le.term() + ", " + e.node() + ")");
                }
            }
        }
        return violations;
    }

    private static void choose(List<String> violations, Map<Long, String> chosen, long slot, String command, String how) {
        String before = chosen.putIfAbsent(slot, command);
        if (before != null && !before.equals(command)) {
            violations.add(how + " " + command + " chosen for slot " + slot + " where " + before + " was chosen");
        }
    }

    /** The cluster size from the trace's meta record, else the number of nodes that appear. */
    private static int clusterSize(List<TraceRecord> trace) {
        Set<NodeId> seen = new HashSet<>();
        for (TraceRecord r : trace) {
            if (r instanceof TraceRecord.Meta m) return m.nodes();
            if (r instanceof TraceRecord.Event e) seen.add(e.node());
        }
        return Math.max(1, seen.size());
    }
}
