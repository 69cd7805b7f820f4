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
import quorumlab.protocols.check.IndexWindow;
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

    /**
     * A slot's acceptances in one ballot: the value proposed in it and who accepted it; {@code other}
     * is another ballot's at the same slot (a short list: one ballot per slot unless leaders changed).
     */
    private static final class InBallot {
        final Ballot ballot;
        final String command;
        final Set<NodeId> acceptors = new HashSet<>();
        final InBallot other;

        InBallot(Ballot ballot, String command, InBallot other) {
            this.ballot = ballot;
            this.command = command;
            this.other = other;
        }

        InBallot find(Ballot b) {
            for (InBallot i = this; i != null; i = i.other) if (i.ballot.equals(b)) return i;
            return null;
        }
    }

    private final List<String> violations = new ArrayList<>();
    private final IndexWindow<Chosen> learned = new IndexWindow<>();
    private final CommandsByIndex learnedSettled = new CommandsByIndex();
    private final IndexWindow<Chosen> chosenByAcceptors = new IndexWindow<>();
    private final CommandsByIndex chosenSettled = new CommandsByIndex();
    private final IndexWindow<InBallot> inBallot = new IndexWindow<>();
    private final IndexWindow<Chosen> applied = new IndexWindow<>();
    private final CommandsByIndex appliedSettled = new CommandsByIndex();
    private final Set<Ballot> established = new HashSet<>();
    private final Map<NodeId, Long> snapshotOf = new HashMap<>();
    private final AppliedFloor floor = new AppliedFloor();
    /** Configurations the nodes reported, by the first slot they govern. */
    private final TreeMap<Long, List<NodeId>> configurations = new TreeMap<>();
    private boolean sawAcceptances;
    private List<NodeId> bootstrap = List.of();
    // The event being checked, for the violations' "where": the string is made only when one is found.
    private long eventTime;
    private NodeId eventNode;
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
        if (bootstrap.size() != Math.max(1, clusterSize)) {
            List<NodeId> members = new ArrayList<>();
            for (int i = 1; i <= Math.max(1, clusterSize); i++) members.add(NodeId.of(i));
            bootstrap = List.copyOf(members);
        }
        return bootstrap;
    }

    private String where() {
        return "t=" + eventTime + " node " + eventNode;
    }

    private void onEvent(long t, NodeId node, ProtocolEvent event) {
        eventTime = t;
        eventNode = node;
        if (event instanceof ProtocolEvent.LeaderEstablished le) {
            if (!established.add(new Ballot(le.term(), node))) {
                violations.add(where() + " ballot (" + le.term() + "," + node + ") established twice");
            }
        } else if (event instanceof ProtocolEvent.ValueAccepted va) {
            Ballot ballot = new Ballot(va.term(), va.proposer());
            if (!established.contains(ballot)) {
                violations.add(where() + " slot " + va.slot() + ": accepted in ballot (" + va.term() + ","
                        + va.proposer() + "), which no leader established");
            }
            InBallot first = inBallot.get(va.slot());
            InBallot in = first == null ? null : first.find(ballot);
            if (in == null) {
                inBallot.put(va.slot(), in = new InBallot(ballot, va.command(), first));
            } else if (!in.command.equals(va.command())) {
                violations.add(where() + " slot " + va.slot() + ": ballot (" + va.term() + "," + va.proposer()
                        + ") proposed both " + in.command + " and " + va.command());
                return;
            }
            sawAcceptances = true;
            List<NodeId> members = membersAt(va.slot());
            if (!members.contains(node)) return;
            Set<NodeId> who = in.acceptors;
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
                    violations.add(where() + " slot " + va.slot() + ": a majority accepted " + va.command()
                            + " in ballot (" + va.term() + "," + va.proposer() + ") after " + before);
                }
            }
        } else if (event instanceof ProtocolEvent.SlotChosen sc) {
            if (sawAcceptances && sc.slot() > floor.floor() && chosenByAcceptors.get(sc.slot()) == null) {
                // "Paxos Made Simple" §2.3: a value is learned once a majority accepted it; here, a
                // majority of the configuration that governs the slot.
                violations.add(where() + " slot " + sc.slot() + ": learned " + sc.command() + " but no majority of "
                        + membersAt(sc.slot()) + " had accepted it in one ballot");
            }
            String before = firstOrConflict(sc.slot(), new Chosen(sc.command(), t, node), learned, learnedSettled);
            if (before != null) {
                violations.add(where() + " slot " + sc.slot() + ": learned " + sc.command() + " but " + before);
            }
        } else if (event instanceof ProtocolEvent.ConfigurationChanged cc) {
            List<NodeId> before = configurations.putIfAbsent(cc.effectiveFrom(), List.copyOf(cc.voters()));
            if (before != null && !before.equals(cc.voters())) {
                violations.add(where() + " configuration for slots from " + cc.effectiveFrom() + " is " + cc.voters()
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
            // If every one of them has been removed since, no acceptor can still need the slots.
            long everyMember = members.stream().mapToLong(m -> snapshotOf.getOrDefault(m, 0L)).min().orElse(Long.MAX_VALUE);
            if (sf.throughSlot() > everyMember) {
                violations.add(where() + " forgot slots through " + sf.throughSlot() + " but not every member of " + members
                        + " has a snapshot beyond " + everyMember + " (snapshots: " + snapshotOf + ")");
            }
        } else if (event instanceof ProtocolEvent.EntryApplied ea) {
            String before = firstOrConflict(ea.index(), new Chosen(ea.command(), t, node), applied, appliedSettled);
            if (before != null) {
                violations.add(where() + " index " + ea.index() + ": applied " + ea.command() + " but " + before);
            }
        }
    }

    /** Records {@code now} at {@code slot} if it is the first; else null if it agrees, or who did what before. */
    private String firstOrConflict(long slot, Chosen now, IndexWindow<Chosen> recent, CommandsByIndex settled) {
        if (slot <= floor.floor()) {
            String before = settled.conflict(slot, now.command());
            return before == null ? null : "a node did " + before;
        }
        Chosen before = recent.putIfAbsent(slot, now);
        if (before == null || before.command().equals(now.command())) return null;
        return before.node() + (recent == learned ? " learned " : " applied ") + before.command() + " (t=" + before.t() + ")";
    }

    /** A value learned must be the one the acceptors chose, when the trace shows the acceptances. */
    private void compareLearned(long through) {
        learned.forEach(Long.MIN_VALUE, through, (slot, l) -> {
            Chosen byAcceptors = chosenByAcceptors.get(slot);
            if (byAcceptors != null && !byAcceptors.command().equals(l.command())) {
                violations.add("t=" + l.t() + " node " + l.node() + " slot " + slot
                        + ": learned " + l.command() + " but a majority accepted " + byAcceptors.command());
            }
        });
    }

    private void settleThrough(long through) {
        compareLearned(through);
        moveInto(learned, learnedSettled, through);
        moveInto(chosenByAcceptors, chosenSettled, through);
        moveInto(applied, appliedSettled, through);
        inBallot.removeThrough(through);
    }

    private static void moveInto(IndexWindow<Chosen> recent, CommandsByIndex settled, long through) {
        recent.forEach(Long.MIN_VALUE, through, (slot, c) -> settled.conflict(slot, c.command()));
        recent.removeThrough(through);
        settled.settleThrough(through);
    }

    @Override
    public List<String> finish() {
        compareLearned(Long.MAX_VALUE);
        return violations;
    }
}
