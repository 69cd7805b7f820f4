package quorumlab.paxos;

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
 * The safety properties of Multi-Paxos, checked on a trace: at most one value is chosen per slot
 * (as learned by every node, and as counted from the acceptors' own ValueAccepted events), every
 * node applies the same command at each index, and a ballot {@code (round, node)} has at most one
 * leadership, which exists before any value is accepted in it ("Paxos Made Simple" §2.2: a
 * proposer issues one value per proposal number). Compaction may forget only slots that every
 * node holds in a durable snapshot. The cluster size comes from the trace's meta record, or else
 * from the highest node id seen.
 */
public final class LegacyPaxosInvariants {
    private record SlotBallot(long slot, Ballot ballot) {}

    private record Chosen(String command, long t, NodeId node) {}

    private LegacyPaxosInvariants() {}

    public static List<String> violations(List<TraceRecord> trace) {
        int clusterSize = clusterSize(trace);
        int majority = clusterSize / 2 + 1;
        List<String> violations = new ArrayList<>();
        Map<Long, Chosen> learned = new HashMap<>();
        Map<Long, Chosen> chosenByAcceptors = new HashMap<>();
        Map<SlotBallot, String> valueInBallot = new HashMap<>();
        Map<SlotBallot, Set<NodeId>> acceptors = new HashMap<>();
        Map<Long, Chosen> applied = new HashMap<>();
        Set<Ballot> established = new HashSet<>();
        Map<NodeId, Long> snapshotOf = new HashMap<>();

        for (TraceRecord r : trace) {
            if (!(r instanceof TraceRecord.Event e)) continue;
            String where = "t=" + r.t() + " node " + e.node();
            ProtocolEvent event = e.event();
            if (event instanceof ProtocolEvent.LeaderEstablished le) {
                if (!established.add(new Ballot(le.term(), e.node()))) {
                    violations.add(where + " ballot (" + le.term() + "," + e.node() + ") established twice");
                }
            } else if (event instanceof ProtocolEvent.ValueAccepted va) {
                Ballot ballot = new Ballot(va.term(), va.proposer());
                SlotBallot key = new SlotBallot(va.slot(), ballot);
                if (!established.contains(ballot)) {
                    violations.add(where + " slot " + va.slot() + ": accepted in ballot (" + va.term() + ","
                            + va.proposer() + "), which no leader established");
                }
                String earlier = valueInBallot.putIfAbsent(key, va.command());
                if (earlier != null && !earlier.equals(va.command())) {
                    violations.add(where + " slot " + va.slot() + ": ballot (" + va.term() + "," + va.proposer()
                            + ") proposed both " + earlier + " and " + va.command());
                    continue;
                }
                Set<NodeId> who = acceptors.computeIfAbsent(key, k -> new HashSet<>());
                if (who.add(e.node()) && who.size() == majority) {
                    Chosen now = new Chosen(va.command(), r.t(), e.node());
                    Chosen before = chosenByAcceptors.putIfAbsent(va.slot(), now);
                    if (before != null && !before.command().equals(va.command())) {
                        violations.add(where + " slot " + va.slot() + ": a majority accepted " + va.command()
                                + " in ballot (" + va.term() + "," + va.proposer() + ") after " + before.command()
                                + " was chosen (t=" + before.t() + ")");
                    }
                }
            } else if (event instanceof ProtocolEvent.SlotChosen sc) {
                Chosen before = learned.putIfAbsent(sc.slot(), new Chosen(sc.command(), r.t(), e.node()));
                if (before != null && !before.command().equals(sc.command())) {
                    violations.add(where + " slot " + sc.slot() + ": learned " + sc.command() + " but " + before.node()
                            + " learned " + before.command() + " (t=" + before.t() + ")");
                }
            } else if (event instanceof ProtocolEvent.SnapshotTaken st) {
                snapshotOf.merge(e.node(), st.index(), Math::max);
            } else if (event instanceof ProtocolEvent.SlotsForgotten sf) {
                long everyNode = snapshotOf.size() < clusterSize ? 0
                        : snapshotOf.values().stream().mapToLong(Long::longValue).min().orElse(0);
                if (sf.throughSlot() > everyNode) {
                    violations.add(where + " forgot slots through " + sf.throughSlot() + " but not every node has a snapshot"
                            + " beyond " + everyNode + " (snapshots: " + snapshotOf + ")");
                }
            } else if (event instanceof ProtocolEvent.EntryApplied ea) {
                Chosen before = applied.putIfAbsent(ea.index(), new Chosen(ea.command(), r.t(), e.node()));
                if (before != null && !before.command().equals(ea.command())) {
                    violations.add(where + " index " + ea.index() + ": applied " + ea.command() + " but " + before.node()
                            + " applied " + before.command() + " (t=" + before.t() + ")");
                }
            }
        }
        // A value learned must be the one the acceptors chose, when the trace shows the acceptances.
        for (Map.Entry<Long, Chosen> l : learned.entrySet()) {
            Chosen byAcceptors = chosenByAcceptors.get(l.getKey());
            if (byAcceptors != null && !byAcceptors.command().equals(l.getValue().command())) {
                violations.add("t=" + l.getValue().t() + " node " + l.getValue().node() + " slot " + l.getKey()
                        + ": learned " + l.getValue().command() + " but a majority accepted " + byAcceptors.command());
            }
        }
        return violations;
    }

    private static int clusterSize(List<TraceRecord> trace) {
        int highest = 0;
        for (TraceRecord r : trace) {
            if (r instanceof TraceRecord.Meta m) return m.nodes();
            if (r instanceof TraceRecord.Event e) highest = Math.max(highest, e.node().id());
        }
        return Math.max(1, highest);
    }
}
