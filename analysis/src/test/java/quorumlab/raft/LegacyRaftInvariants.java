package quorumlab.raft;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.trace.TraceRecord;

/**
 * The safety properties of the Raft paper's Figure 3, checked on a trace: election safety, log
 * matching, leader completeness and state machine safety. Each node's log is rebuilt from its
 * {@code EntryAppended} and {@code LogTruncated} events; the log is durable, so a crash keeps it. A
 * snapshot ({@code SnapshotTaken}, {@code SnapshotInstalled}) replaces a prefix of it, and must hold
 * only committed entries (Raft §7).
 */
public final class LegacyRaftInvariants {
    private record Entry(long term, String command) {}

    /** One node's log as the trace shows it: the entries after its snapshot, and the snapshot's last index and term. */
    private static final class NodeLog {
        final TreeMap<Long, Entry> entries = new TreeMap<>();
        long snapshotIndex;
        long snapshotTerm;

        long lastIndex() {
            return entries.isEmpty() ? snapshotIndex : entries.lastKey();
        }

        /** Term at {@code index}, 0 if the trace does not show it. */
        long termAt(long index) {
            if (index == snapshotIndex) return snapshotTerm;
            Entry e = entries.get(index);
            return e == null ? 0 : e.term();
        }

        void snapshotThrough(long index, long term, boolean keepFollowing) {
            if (keepFollowing) entries.headMap(index, true).clear();
            else entries.clear();
            snapshotIndex = index;
            snapshotTerm = term;
        }
    }

    /** What a committed entry held, and the highest term any leader had reached when it was first committed. */
    private record Committed(long term, String command, long highestLeaderTerm) {}

    private LegacyRaftInvariants() {}

    public static List<String> violations(List<TraceRecord> trace) {
        List<String> violations = new ArrayList<>();
        Map<NodeId, NodeLog> logs = new HashMap<>();
        Map<Long, NodeId> leaderOfTerm = new HashMap<>();
        // Log matching, one step at a time: an (index, term) pair names one command and always
        // follows the same term at index - 1. By induction, equal (index, term) means equal prefixes.
        Map<String, Entry> entryAt = new HashMap<>();
        Map<String, Long> prevTermOf = new HashMap<>();
        Map<Long, Committed> committed = new TreeMap<>();
        Map<Long, String> applied = new HashMap<>();
        long highestLeaderTerm = 0;

        for (TraceRecord r : trace) {
            if (!(r instanceof TraceRecord.Event e)) continue;
            NodeId node = e.node();
            String where = "t=" + r.t() + " node " + node;
            NodeLog nodeLog = logs.computeIfAbsent(node, n -> new NodeLog());
            TreeMap<Long, Entry> log = nodeLog.entries;
            ProtocolEvent event = e.event();

            if (event instanceof ProtocolEvent.LeaderEstablished le) {
                NodeId other = leaderOfTerm.putIfAbsent(le.term(), node);
                if (other != null && !other.equals(node)) {
                    violations.add(where + " election safety: leads term " + le.term() + ", which " + other + " leads");
                }
                highestLeaderTerm = Math.max(highestLeaderTerm, le.term());
                // Leader completeness (§5.4): a leader of a later term holds every committed entry.
                for (Map.Entry<Long, Committed> c : committed.entrySet()) {
                    // Entries up to the leader's snapshot are in it; a snapshot holds only committed ones (checked below).
                    if (le.term() <= c.getValue().highestLeaderTerm() || c.getKey() <= nodeLog.snapshotIndex) continue;
                    Entry mine = log.get(c.getKey());
                    if (mine == null || mine.term() != c.getValue().term()
                            || !mine.command().equals(c.getValue().command())) {
                        violations.add(where + " leader completeness: leader of term " + le.term()
                                + " lacks committed entry " + c.getValue().command() + " (term " + c.getValue().term()
                                + ") at index " + c.getKey() + ", has " + mine);
                    }
                }
            } else if (event instanceof ProtocolEvent.EntryAppended a) {
                Entry entry = new Entry(a.term(), a.command());
                if (a.index() != nodeLog.lastIndex() + 1) {
                    violations.add(where + " log: appended index " + a.index() + " after last index " + nodeLog.lastIndex());
                }
                String key = a.index() + "/" + a.term();
                Entry before = entryAt.putIfAbsent(key, entry);
                if (before != null && !before.equals(entry)) {
                    violations.add(where + " log matching: index " + a.index() + " term " + a.term() + " holds "
                            + a.command() + ", elsewhere " + before.command());
                }
                long prevTerm = nodeLog.termAt(a.index() - 1);
                Long knownPrev = prevTermOf.putIfAbsent(key, prevTerm);
                if (knownPrev != null && knownPrev != prevTerm) {
                    violations.add(where + " log matching: index " + a.index() + " term " + a.term()
                            + " follows term " + prevTerm + " here, term " + knownPrev + " elsewhere");
                }
                log.put(a.index(), entry);
            } else if (event instanceof ProtocolEvent.LogTruncated t) {
                Map<Long, Entry> removed = log.tailMap(t.fromIndex(), true);
                for (Map.Entry<Long, Entry> gone : removed.entrySet()) {
                    Committed c = committed.get(gone.getKey());
                    if (c != null && c.term() == gone.getValue().term() && c.command().equals(gone.getValue().command())) {
                        violations.add(where + " state machine safety: truncated committed entry " + c.command()
                                + " at index " + gone.getKey());
                    }
                }
                removed.clear();
            } else if (event instanceof ProtocolEvent.SnapshotTaken st) {
                Entry mine = log.get(st.index());
                if (st.index() != nodeLog.snapshotIndex && (mine == null || mine.term() != st.term())) {
                    violations.add(where + " snapshot through index " + st.index() + " (term " + st.term()
                            + ") does not match its own log, which has " + mine);
                }
                snapshotHoldsOnlyCommitted(where, st.index(), st.term(), committed, violations);
                nodeLog.snapshotThrough(st.index(), st.term(), true);
            } else if (event instanceof ProtocolEvent.SnapshotInstalled si) {
                snapshotHoldsOnlyCommitted(where, si.index(), si.term(), committed, violations);
                // Raft §7: a matching entry at the snapshot's last index keeps what follows it; else the log goes.
                nodeLog.snapshotThrough(si.index(), si.term(), nodeLog.termAt(si.index()) == si.term());
            } else if (event instanceof ProtocolEvent.EntryCommitted c) {
                Entry mine = log.get(c.index());
                if (c.index() <= nodeLog.snapshotIndex) {
                    violations.add(where + " committed index " + c.index() + " again, inside its snapshot through "
                            + nodeLog.snapshotIndex);
                } else if (mine == null || mine.term() != c.term() || !mine.command().equals(c.command())) {
                    violations.add(where + " committed index " + c.index() + " (" + c.command() + ", term " + c.term()
                            + ") not in its own log, which has " + mine);
                }
                Committed known = committed.get(c.index());
                if (known == null) {
                    committed.put(c.index(), new Committed(c.term(), c.command(), highestLeaderTerm));
                } else if (known.term() != c.term() || !known.command().equals(c.command())) {
                    violations.add(where + " state machine safety: committed " + c.command() + " (term " + c.term()
                            + ") at index " + c.index() + ", elsewhere " + known.command() + " (term " + known.term() + ")");
                }
            } else if (event instanceof ProtocolEvent.EntryApplied a) {
                String before = applied.putIfAbsent(a.index(), a.command());
                if (before != null && !before.equals(a.command())) {
                    violations.add(where + " state machine safety: applied " + a.command() + " at index " + a.index()
                            + ", elsewhere " + before);
                }
            }
        }
        return violations;
    }

    /** Raft §7: a snapshot replaces committed entries only; its last entry must be one some node committed. */
    private static void snapshotHoldsOnlyCommitted(String where, long index, long term, Map<Long, Committed> committed,
            List<String> violations) {
        if (index == 0) return;
        Committed c = committed.get(index);
        if (c == null) {
            violations.add(where + " snapshot through index " + index + " holds an entry no node committed");
        } else if (c.term() != term) {
            violations.add(where + " snapshot through index " + index + " says term " + term + ", committed entry there has term "
                    + c.term());
        }
    }
}
