package quorumlab.paxos;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.check.AppliedFloor;
import quorumlab.protocols.check.CommandsByIndex;
import quorumlab.protocols.check.SafetyChecks;
import quorumlab.protocols.trace.TraceRecord;

/**
 * The safety properties of Multi-Paxos, checked on a trace as it streams by: at most one value is
 * chosen per slot (as learned by every node, and as counted from the acceptors' own ValueAccepted
 * events), every node applies the same command at each index, and a ballot {@code (round, node)}
 * has at most one leadership, which exists before any value is accepted in it ("Paxos Made Simple"
 * §2.2: a proposer issues one value per proposal number). Compaction may forget only slots that
 * every acceptor of their configuration (unless removed since) holds in a durable snapshot. The cluster size comes from the trace's meta record, or
 * else from the highest node id seen so far.
 *
 * <p>Across configurations ("Paxos Made Moderately Complex" §3): the nodes' ConfigurationChanged
 * events say which members govern the slots from each effectiveFrom on (nodes must agree on them);
 * the bootstrap configuration, n1 to the cluster size, governs before the first. A slot counts as
 * chosen by the acceptors only when a majority of the configuration governing it accepted one value
 * in one ballot, and no node may learn a value before it is so chosen (when the trace shows
 * acceptances).
 *
 * <p>Memory: a slot at or below the {@link AppliedFloor} (every node has applied it) is settled:
 * its learned value is compared with the acceptors' choice then, and afterwards only fingerprints
 * of the chosen, learned and applied commands stay, to compare late learners and restarted nodes.
 * A late acceptance in a settled slot starts its count afresh. Ballots established are kept (one
 * per election).
 */
final class PaxosInvariants implements SafetyChecks.Checker {
    private record SlotBallot(long slot, Ballot ballot) {}

    private record Chosen(String command, long t, NodeId node) {}

    private final List<String> violations = new ArrayList<>();
    private final TreeMap<Long, Chosen> learned = new TreeMap<>();
    private final CommandsByIndex learnedSettled = new CommandsByIndex();
    private final TreeMap<Long, Chosen> chosenByAcceptors = new TreeMap<>();
    private final CommandsByIndex chosenSettled = new CommandsByIndex();
    private final TreeMap<Long, Map<Ballot, String>> valueInBallot = new TreeMap<>();
    private final TreeMap<Long, Map<Ballot, Set<NodeId>>> acceptors = new TreeMap<>();
    private final TreeMap<Long, Chosen> applied = new TreeMap<>();
    private final CommandsByIndex appliedSettled = new CommandsByIndex();
    private final Set<Ballot> established = new HashSet<>();
    private final Map<NodeId, Long> snapshotOf = new HashMap<>();
    private final AppliedFloor floor = new AppliedFloor();
    /** Configurations the nodes reported, by the first slot they govern. */
    private final TreeMap<Long, List<NodeId>> configurations = new TreeMap<>();
    private boolean sawAcceptances;
    private int clusterSize;
    private boolean sizeFromMeta;

    /** The violations in a trace held in memory. */
    static List<String> violations(List<TraceRecord> trace) {
        return SafetyChecks.violations(PaxosInvariants::new, trace);
    }

    @Override
    public void accept(TraceRecord r) {
        if (r instanceof TraceRecord.Meta m && !sizeFromMeta) {
            clusterSize = m.nodes();
            sizeFromMeta = true;
        }
        if (r instanceof TraceRecord.Event e) {
            if (!sizeFromMeta) clusterSize = Math.max(clusterSize, e.node().id());
            onEvent(r.t(), e.node(), e.event());
        }
        if (floor.accept(r)) settleThrough(floor.floor());
    }

    /** The members governing {@code slot}: the latest reported configuration from there back, or the bootstrap one. */
    private List<NodeId> membersAt(long slot) {
        Map.Entry<Long, List<NodeId>> e = configurations.floorEntry(slot);
        if (e != null) return e.getValue();
        List<NodeId> bootstrap = new ArrayList<>();
        for (int i = 1; i <= Math.max(1, clusterSize); i++) bootstrap.add(NodeId.of(i));
        return bootstrap;
    }

    private void onEvent(long t, NodeId node, ProtocolEvent event) {
        String where = "t=" + t + " node " + node;
        if (event instanceof ProtocolEvent.LeaderEstablished le) {
            if (!established.add(new Ballot(le.term(), node))) {
                violations.add(where + " ballot (" + le.term() + "," + node + ") established twice");
            }
        } else if (event instanceof ProtocolEvent.ValueAccepted va) {
            Ballot ballot = new Ballot(va.term(), va.proposer());
            if (!established.contains(ballot)) {
                violations.add(where + " slot " + va.slot() + ": accepted in ballot (" + va.term() + ","
                        + va.proposer() + "), which no leader established");
            }
            String earlier = valueInBallot.computeIfAbsent(va.slot(), k -> new HashMap<>())
                    .putIfAbsent(ballot, va.command());
            if (earlier != null && !earlier.equals(va.command())) {
                violations.add(where + " slot " + va.slot() + ": ballot (" + va.term() + "," + va.proposer()
                        + ") proposed both " + earlier + " and " + va.command());
                return;
            }
            sawAcceptances = true;
            List<NodeId> members = membersAt(va.slot());
            if (!members.contains(node)) return;
            Set<NodeId> who = acceptors.computeIfAbsent(va.slot(), k -> new HashMap<>())
                    .computeIfAbsent(ballot, k -> new HashSet<>());
            if (who.add(node) && who.size() == members.size() / 2 + 1) {
                String before;
                if (va.slot() <= floor.floor()) {
                    before = chosenSettled.conflict(va.slot(), va.command());
                    if (before != null) before += " was chosen";
                } else {
                    Chosen c = chosenByAcceptors.putIfAbsent(va.slot(), new Chosen(va.command(), t, node));
                    before = c == null || c.command().equals(va.command()) ? null : c.command() + " was chosen (t=" + c.t() + ")";
                }
                if (before != null) {
                    violations.add(where + " slot " + va.slot() + ": a majority accepted " + va.command()
                            + " in ballot (" + va.term() + "," + va.proposer() + ") after " + before);
                }
            }
        } else if (event instanceof ProtocolEvent.SlotChosen sc) {
            if (sawAcceptances && sc.slot() > floor.floor() && !chosenByAcceptors.containsKey(sc.slot())) {
                // "Paxos Made Simple" §2.3: a value is learned once a majority accepted it; here, a
                // majority of the configuration that governs the slot.
                violations.add(where + " slot " + sc.slot() + ": learned " + sc.command() + " but no majority of "
                        + membersAt(sc.slot()) + " had accepted it in one ballot");
            }
            String before = firstOrConflict(sc.slot(), new Chosen(sc.command(), t, node), learned, learnedSettled);
            if (before != null) {
                violations.add(where + " slot " + sc.slot() + ": learned " + sc.command() + " but " + before);
            }
        } else if (event instanceof ProtocolEvent.ConfigurationChanged cc) {
            List<NodeId> before = configurations.putIfAbsent(cc.effectiveFrom(), List.copyOf(cc.voters()));
            if (before != null && !before.equals(cc.voters())) {
                violations.add(where + " configuration for slots from " + cc.effectiveFrom() + " is " + cc.voters()
                        + " but another node has " + before);
            }
        } else if (event instanceof ProtocolEvent.SnapshotTaken st) {
            snapshotOf.merge(node, st.index(), Math::max);
        } else if (event instanceof ProtocolEvent.SnapshotInstalled si) {
            snapshotOf.merge(node, si.index(), Math::max);
        } else if (event instanceof ProtocolEvent.SlotsForgotten sf) {
            // Who could still need the slots: the acceptors of the configuration that governs them,
            // unless removed since. A member added by a later configuration governs only later
            // slots (it neither votes nor starts phase 1 at or below them) and is sent a snapshot
            // if it asks for them.
            List<NodeId> members = new ArrayList<>(membersAt(sf.throughSlot()));
            members.retainAll(membersAt(Long.MAX_VALUE));
            long everyMember = members.stream().mapToLong(m -> snapshotOf.getOrDefault(m, 0L)).min().orElse(0);
            if (sf.throughSlot() > everyMember) {
                violations.add(where + " forgot slots through " + sf.throughSlot() + " but not every member of " + members
                        + " has a snapshot beyond " + everyMember + " (snapshots: " + snapshotOf + ")");
            }
        } else if (event instanceof ProtocolEvent.EntryApplied ea) {
            String before = firstOrConflict(ea.index(), new Chosen(ea.command(), t, node), applied, appliedSettled);
            if (before != null) {
                violations.add(where + " index " + ea.index() + ": applied " + ea.command() + " but " + before);
            }
        }
    }

    /** Records {@code now} at {@code slot} if it is the first; else null if it agrees, or who did what before. */
    private String firstOrConflict(long slot, Chosen now, TreeMap<Long, Chosen> recent, CommandsByIndex settled) {
        if (slot <= floor.floor()) {
            String before = settled.conflict(slot, now.command());
            return before == null ? null : "a node did " + before;
        }
        Chosen before = recent.putIfAbsent(slot, now);
        if (before == null || before.command().equals(now.command())) return null;
        return before.node() + (recent == learned ? " learned " : " applied ") + before.command() + " (t=" + before.t() + ")";
    }

    /** A value learned must be the one the acceptors chose, when the trace shows the acceptances. */
    private void compareLearned(Map<Long, Chosen> slots) {
        for (Map.Entry<Long, Chosen> l : slots.entrySet()) {
            Chosen byAcceptors = chosenByAcceptors.get(l.getKey());
            if (byAcceptors != null && !byAcceptors.command().equals(l.getValue().command())) {
                violations.add("t=" + l.getValue().t() + " node " + l.getValue().node() + " slot " + l.getKey()
                        + ": learned " + l.getValue().command() + " but a majority accepted " + byAcceptors.command());
            }
        }
    }

    private void settleThrough(long through) {
        Map<Long, Chosen> done = learned.headMap(through, true);
        compareLearned(done);
        moveInto(done, learnedSettled, through);
        moveInto(chosenByAcceptors.headMap(through, true), chosenSettled, through);
        moveInto(applied.headMap(through, true), appliedSettled, through);
        valueInBallot.headMap(through, true).clear();
        acceptors.headMap(through, true).clear();
    }

    private static void moveInto(Map<Long, Chosen> done, CommandsByIndex settled, long through) {
        for (Map.Entry<Long, Chosen> c : done.entrySet()) settled.conflict(c.getKey(), c.getValue().command());
        done.clear();
        settled.settleThrough(through);
    }

    @Override
    public List<String> finish() {
        compareLearned(learned);
        return violations;
    }
}
