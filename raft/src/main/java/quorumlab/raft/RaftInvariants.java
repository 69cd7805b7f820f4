package quorumlab.raft;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.check.AppliedFloor;
import quorumlab.protocols.check.CommandsByIndex;
import quorumlab.protocols.check.IndexWindow;
import quorumlab.protocols.check.SafetyChecks;
import quorumlab.protocols.trace.TraceRecord;

/**
 * The safety properties of the Raft paper's Figure 3, checked on a trace as it streams by: election
 * safety, log matching, leader completeness and state machine safety. Each node's log is rebuilt
 * from its {@code EntryAppended} and {@code LogTruncated} events; the log is durable, so a crash
 * keeps it. A snapshot ({@code SnapshotTaken}, {@code SnapshotInstalled}) replaces a prefix of it,
 * and must hold only committed entries (Raft §7).
 *
 * <p>Across configurations (thesis ch. 4, Raft §6), from each node's {@code ConfigurationChanged}
 * events and the bootstrap configuration of the meta record: the first commit of an index (which is
 * its leader's) must be held, at that instant, by a majority of the committing leader's configuration
 * in force (during joint consensus, of C_old and of C_new); and while that configuration's entry is
 * not yet committed, the holders must also meet every majority of the configuration before it, which
 * is what adding or removing one server at a time, or going through C_old,new, guarantees. Without a
 * meta record (hand-made traces) the bootstrap configuration is unknown and these two are skipped.
 *
 * <p>Memory: an index at or below the {@link AppliedFloor} (every node has applied it) is settled:
 * every node's log holds the committed entry there (each node checked it when it committed), so
 * the logs forget it and the checker keeps only its term and a fingerprint of its command, to
 * compare a restarted node that commits or applies it again. What stays in full is the part of
 * the logs above the floor, and one leader per term.
 */
final class RaftInvariants implements SafetyChecks.Checker {
    private record Entry(long term, String command) {}

    /**
     * What an append at (index, term) held, and the term it followed; {@code other} is the append of
     * another term at the same index (a short list: one term per index unless leaders overwrote it).
     */
    private record Appended(long term, Entry entry, long prevTerm, Appended other) {
        Appended find(long term) {
            for (Appended a = this; a != null; a = a.other()) if (a.term() == term) return a;
            return null;
        }
    }

    /** One node's log as the trace shows it: the entries after its snapshot, and the snapshot's last index and term. */
    private static final class NodeLog {
        final IndexWindow<Entry> entries = new IndexWindow<>();
        long snapshotIndex;
        long snapshotTerm;
        /** Entries through here are settled and forgotten: they are the committed ones. */
        long settledIndex;
        long settledTerm;

        long lastIndex() {
            return entries.isEmpty() ? Math.max(snapshotIndex, settledIndex) : entries.lastIndex();
        }

        /** Whether the log holds an entry at or below {@code index}. */
        boolean holdsThrough(long index) {
            return !entries.isEmpty() && entries.lowestIndex() <= index;
        }

        void snapshotThrough(long index, long term, boolean keepFollowing) {
            if (keepFollowing) entries.removeThrough(index);
            else entries.removeFrom(Long.MIN_VALUE);
            if (!keepFollowing && index < settledIndex) settledIndex = 0;
            snapshotIndex = index;
            snapshotTerm = term;
        }
    }

    /**
     * A node's configuration as its events show it: the voters (and C_old during joint consensus), the
     * index that set it, whether it is known committed, and the one in force before it (null if unknown).
     */
    private record ConfigView(long index, List<NodeId> voters, List<NodeId> oldVoters, boolean committed, ConfigView previous) {
        boolean isQuorum(java.util.Collection<NodeId> holders) {
            return majority(voters, holders) && (oldVoters.isEmpty() || majority(oldVoters, holders));
        }

        /** Whether {@code holders} meet every quorum of this configuration (every set holding majorities of it). */
        boolean meetsEveryQuorum(java.util.Collection<NodeId> holders) {
            return meetsEveryMajority(voters, holders) || (!oldVoters.isEmpty() && meetsEveryMajority(oldVoters, holders));
        }

        private static boolean majority(List<NodeId> voters, java.util.Collection<NodeId> holders) {
            int in = 0;
            for (NodeId v : voters) if (holders.contains(v)) in++;
            return in >= voters.size() / 2 + 1;
        }

        /** A set meets every majority of {@code voters} when the voters it leaves out are too few to form one. */
        private static boolean meetsEveryMajority(List<NodeId> voters, java.util.Collection<NodeId> holders) {
            long outside = voters.stream().filter(v -> !holders.contains(v)).count();
            return outside < voters.size() / 2 + 1;
        }

        String describe() {
            return oldVoters.isEmpty() ? voters.toString() : "C_new " + voters + " with C_old " + oldVoters;
        }
    }

    /** The bootstrap configuration, from the meta record; null until one is read. */
    private ConfigView bootstrap;
    private final Map<NodeId, ConfigView> configOf = new HashMap<>();

    /** What a committed entry held, and the highest term any leader had reached when it was first committed. */
    private record Committed(long term, String command, long highestLeaderTerm) {}

    private final List<String> violations = new ArrayList<>();
    private final Map<NodeId, NodeLog> logs = new HashMap<>();
    private final Map<Long, NodeId> leaderOfTerm = new HashMap<>();
    // Log matching, one step at a time: an (index, term) pair names one command and always
    // follows the same term at index - 1. By induction, equal (index, term) means equal prefixes.
    private final IndexWindow<Appended> appendedAt = new IndexWindow<>();
    private final IndexWindow<Committed> committed = new IndexWindow<>();
    private final CommandsByIndex settledCommands = new CommandsByIndex();
    private long[] settledTerms = new long[1024];
    private final CommandsByIndex applied = new CommandsByIndex();
    private final AppliedFloor floor = new AppliedFloor();
    private long highestLeaderTerm;
    // The event being checked, for the violations' "where": the string is made only when one is found.
    private long eventTime;
    private NodeId eventNode;

    /** The violations in a trace held in memory. */
    static List<String> violations(List<TraceRecord> trace) {
        return SafetyChecks.violations(RaftInvariants::new, trace);
    }

    @Override
    public void accept(TraceRecord r) {
        if (r instanceof TraceRecord.Meta m && bootstrap == null) {
            List<NodeId> members = new ArrayList<>();
            for (int i = 1; i <= m.nodes(); i++) members.add(NodeId.of(i));
            bootstrap = new ConfigView(0, members, List.of(), true, null);
        }
        if (r instanceof TraceRecord.Event e) onEvent(r.t(), e.node(), e.event());
        if (floor.accept(r)) settleThrough(floor.floor());
    }

    @Override
    public List<String> finish() {
        return violations;
    }

    private String where() {
        return "t=" + eventTime + " node " + eventNode;
    }

    private void onEvent(long t, NodeId node, ProtocolEvent event) {
        eventTime = t;
        eventNode = node;
        NodeLog nodeLog = logs.get(node);
        if (nodeLog == null) logs.put(node, nodeLog = new NodeLog());
        IndexWindow<Entry> log = nodeLog.entries;

        if (event instanceof ProtocolEvent.LeaderEstablished le) {
            NodeId other = leaderOfTerm.putIfAbsent(le.term(), node);
            if (other != null && !other.equals(node)) {
                violations.add(where() + " election safety: leads term " + le.term() + ", which " + other + " leads");
            }
            highestLeaderTerm = Math.max(highestLeaderTerm, le.term());
            // Leader completeness (§5.4): a leader of a later term holds every committed entry.
            NodeLog leaderLog = nodeLog;
            committed.forEach(Long.MIN_VALUE, Long.MAX_VALUE, (index, c) -> {
                // Entries up to the leader's snapshot are in it; a snapshot holds only committed ones (checked below).
                if (le.term() <= c.highestLeaderTerm() || index <= leaderLog.snapshotIndex
                        || index <= leaderLog.settledIndex) return;
                Entry mine = log.get(index);
                if (mine == null || mine.term() != c.term() || !mine.command().equals(c.command())) {
                    violations.add(where() + " leader completeness: leader of term " + le.term()
                            + " lacks committed entry " + c.command() + " (term " + c.term()
                            + ") at index " + index + ", has " + mine);
                }
            });
        } else if (event instanceof ProtocolEvent.EntryAppended a) {
            Entry entry = new Entry(a.term(), a.command());
            if (a.index() != nodeLog.lastIndex() + 1) {
                violations.add(where() + " log: appended index " + a.index() + " after last index " + nodeLog.lastIndex());
            }
            long prevTerm = termAt(nodeLog, a.index() - 1);
            if (a.index() > floor.floor()) {
                Appended first = appendedAt.get(a.index());
                Appended before = first == null ? null : first.find(a.term());
                if (before == null) appendedAt.put(a.index(), new Appended(a.term(), entry, prevTerm, first));
                if (before != null && !before.entry().equals(entry)) {
                    violations.add(where() + " log matching: index " + a.index() + " term " + a.term() + " holds "
                            + a.command() + ", elsewhere " + before.entry().command());
                }
                if (before != null && before.prevTerm() != prevTerm) {
                    violations.add(where() + " log matching: index " + a.index() + " term " + a.term()
                            + " follows term " + prevTerm + " here, term " + before.prevTerm() + " elsewhere");
                }
            } else if (settledTerm(a.index()) == a.term() && settledCommands.differs(a.index(), a.command()) != null) {
                violations.add(where() + " log matching: index " + a.index() + " term " + a.term() + " holds "
                        + a.command() + ", elsewhere " + settledCommands.differs(a.index(), a.command()));
            }
            log.put(a.index(), entry);
        } else if (event instanceof ProtocolEvent.LogTruncated cut) {
            for (long i = cut.fromIndex(); i <= nodeLog.settledIndex; i++) {
                violations.add(where() + " state machine safety: truncated committed entry (settled) at index " + i);
            }
            if (cut.fromIndex() <= nodeLog.settledIndex) {
                nodeLog.settledIndex = cut.fromIndex() - 1;
                nodeLog.settledTerm = settledTerm(nodeLog.settledIndex);
            }
            log.forEach(cut.fromIndex(), Long.MAX_VALUE, (index, gone) -> {
                Committed c = committed.get(index);
                if (c != null && c.term() == gone.term() && c.command().equals(gone.command())) {
                    violations.add(where() + " state machine safety: truncated committed entry " + c.command()
                            + " at index " + index);
                }
            });
            log.removeFrom(cut.fromIndex());
        } else if (event instanceof ProtocolEvent.SnapshotTaken st) {
            if (st.index() != nodeLog.snapshotIndex && termAt(nodeLog, st.index()) != st.term()) {
                violations.add(where() + " snapshot through index " + st.index() + " (term " + st.term()
                        + ") does not match its own log, which has " + log.get(st.index()));
            }
            snapshotHoldsOnlyCommitted(st.index(), st.term());
            nodeLog.snapshotThrough(st.index(), st.term(), true);
        } else if (event instanceof ProtocolEvent.SnapshotInstalled si) {
            snapshotHoldsOnlyCommitted(si.index(), si.term());
            // Raft §7: a matching entry at the snapshot's last index keeps what follows it; else the log goes.
            nodeLog.snapshotThrough(si.index(), si.term(), termAt(nodeLog, si.index()) == si.term());
        } else if (event instanceof ProtocolEvent.EntryCommitted c) {
            if (c.index() > floor.floor() && committed.get(c.index()) == null) commitQuorum(node, c);
            onCommitted(nodeLog, c);
        } else if (event instanceof ProtocolEvent.ConfigurationChanged cc) {
            onConfigurationChanged(node, cc);
        } else if (event instanceof ProtocolEvent.EntryApplied a) {
            String before = applied.conflict(a.index(), a.command());
            if (before != null) {
                violations.add(where() + " state machine safety: applied " + a.command() + " at index " + a.index()
                        + ", elsewhere " + before);
            }
        }
    }

    private void onCommitted(NodeLog nodeLog, ProtocolEvent.EntryCommitted c) {
        if (c.index() <= nodeLog.snapshotIndex) {
            violations.add(where() + " committed index " + c.index() + " again, inside its snapshot through "
                    + nodeLog.snapshotIndex);
        } else if (c.index() <= nodeLog.settledIndex) {
            // A settled entry of this log is the committed one: compared with the settled record below.
        } else {
            Entry mine = nodeLog.entries.get(c.index());
            if (mine == null || mine.term() != c.term() || !mine.command().equals(c.command())) {
                violations.add(where() + " committed index " + c.index() + " (" + c.command() + ", term " + c.term()
                        + ") not in its own log, which has " + mine);
            }
        }
        if (c.index() <= floor.floor()) {
            long term = settledTerm(c.index());
            String other = settledCommands.differs(c.index(), c.command());
            if (term != 0 && (term != c.term() || other != null)) {
                violations.add(where() + " state machine safety: committed " + c.command() + " (term " + c.term()
                        + ") at index " + c.index() + ", elsewhere " + (other != null ? other : "the same command")
                        + " (term " + term + ")");
            }
            return;
        }
        Committed known = committed.get(c.index());
        if (known == null) {
            committed.put(c.index(), new Committed(c.term(), c.command(), highestLeaderTerm));
        } else if (known.term() != c.term() || !known.command().equals(c.command())) {
            violations.add(where() + " state machine safety: committed " + c.command() + " (term " + c.term()
                    + ") at index " + c.index() + ", elsewhere " + known.command() + " (term " + known.term() + ")");
        }
    }

    private void onConfigurationChanged(NodeId node, ProtocolEvent.ConfigurationChanged cc) {
        ConfigView now = configOf.getOrDefault(node, bootstrap);
        if (now != null && cc.index() == now.index()) {
            if (cc.committed() && !now.committed()) {
                configOf.put(node, new ConfigView(now.index(), now.voters(), now.oldVoters(), true, now.previous()));
            }
            return;
        }
        if (now != null && cc.committed() && cc.index() < now.index()) return; // an older configuration committing
        // A later entry succeeds the one in force; a truncation or a snapshot may leave the one before unknown.
        ConfigView previous = now != null && cc.index() > now.index() && !cc.committed() ? now : null;
        configOf.put(node, new ConfigView(cc.index(), List.copyOf(cc.voters()), List.copyOf(cc.oldVoters()), cc.committed(), previous));
    }

    /**
     * The first commit of an index is its leader's: the servers whose logs hold the entry now must
     * be a quorum of that leader's configuration, and meet every quorum of the one before it while
     * the new one is not committed.
     */
    private void commitQuorum(NodeId leader, ProtocolEvent.EntryCommitted c) {
        ConfigView config = configOf.getOrDefault(leader, bootstrap);
        if (config == null) return;
        List<NodeId> holders = new ArrayList<>();
        for (Map.Entry<NodeId, NodeLog> e : logs.entrySet()) {
            NodeLog l = e.getValue();
            Entry held = l.entries.get(c.index());
            boolean holds = held != null ? held.term() == c.term() && held.command().equals(c.command())
                    : c.index() <= l.snapshotIndex;
            if (holds) holders.add(e.getKey());
        }
        holders.sort(null);
        if (!config.isQuorum(holders)) {
            violations.add(where() + " commit quorum: index " + c.index() + " (" + c.command() + ") committed while held by "
                    + holders + ", not a majority of the configuration in force " + config.describe());
        } else if (!config.committed() && config.previous() != null && !config.previous().meetsEveryQuorum(holders)) {
            violations.add(where() + " commit quorum: index " + c.index() + " (" + c.command() + ") committed while held by "
                    + holders + ", which misses a majority of the previous configuration " + config.previous().describe()
                    + " while " + config.describe() + " (index " + config.index() + ") is not committed: the two"
                    + " configurations' majorities need not overlap");
        }
    }

    /** Term at {@code index} in {@code nodeLog}, 0 if the trace does not show it. */
    private long termAt(NodeLog nodeLog, long index) {
        if (index == nodeLog.snapshotIndex) return nodeLog.snapshotTerm;
        Entry e = nodeLog.entries.get(index);
        if (e != null) return e.term();
        if (index == nodeLog.settledIndex) return nodeLog.settledTerm;
        return index < nodeLog.settledIndex ? settledTerm(index) : 0;
    }

    /** Raft §7: a snapshot replaces committed entries only; its last entry must be one some node committed. */
    private void snapshotHoldsOnlyCommitted(long index, long term) {
        if (index == 0) return;
        Committed c = committed.get(index);
        long knownTerm = c != null ? c.term() : settledTerm(index);
        if (knownTerm == 0) {
            violations.add(where() + " snapshot through index " + index + " holds an entry no node committed");
        } else if (knownTerm != term) {
            violations.add(where() + " snapshot through index " + index + " says term " + term
                    + ", committed entry there has term " + knownTerm);
        }
    }

    private long settledTerm(long index) {
        return index > 0 && index < settledTerms.length ? settledTerms[(int) index] : 0;
    }

    /** Every node has applied through {@code through}: those indexes shrink to their settled form. */
    private void settleThrough(long through) {
        committed.forEach(Long.MIN_VALUE, through, (index, c) -> {
            if (index >= settledTerms.length) {
                settledTerms = Arrays.copyOf(settledTerms, (int) Math.max(index + 1, settledTerms.length * 2L));
            }
            settledTerms[(int) index] = c.term();
            settledCommands.conflict(index, c.command());
        });
        committed.removeThrough(through);
        settledCommands.settleThrough(through);
        applied.settleThrough(through);
        appendedAt.removeThrough(through);
        for (NodeLog nodeLog : logs.values()) {
            if (through <= nodeLog.settledIndex) continue;
            if (!nodeLog.holdsThrough(through) && nodeLog.lastIndex() < through) continue;
            nodeLog.settledTerm = termAt(nodeLog, through);
            nodeLog.settledIndex = through;
            nodeLog.entries.removeThrough(through);
        }
    }
}
