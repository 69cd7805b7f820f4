package quorumlab.analysis.metrics.legacy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.Protocol;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.Role;
import quorumlab.protocols.trace.TraceRecord;

/**
 * Leader changes and what they cost, whatever caused them. Leadership is lost at the first of: a
 * fault that takes the leader away (a crash, pause or cut naming it), the leader stepping down, or
 * the start of the outage the change ends; a change that none of these explain starts at the
 * winner's own last campaign. Election time runs from that instant to the next LeaderEstablished
 * (Raft: a candidate wins a majority of votes; Paxos: a proposer completes phase 1).
 */
final class Leadership {
    private static final Set<String> TAKES_THE_LEADER = Set.of("crash", "pause", "isolate", "partition", "one-way");

    private Leadership() {}

    /** One attempt to lead: a Raft candidacy for a term, or a Paxos phase 1 for a ballot. */
    private static final class Attempt {
        final NodeId node;
        final long term;
        final long startedAt;
        boolean won;
        NodeId preemptedBy;
        long preemptedAt;

        Attempt(NodeId node, long term, long startedAt) {
            this.node = node;
            this.term = term;
            this.startedAt = startedAt;
        }
    }

    static void measure(List<TraceRecord> trace, List<ClientSide.Op> ops, Timeline timeline, RunMetrics m) {
        Phases ph = m.phases;
        NodeId leader = null;
        long lostAt = -1;
        String lostCause = null;
        Map<NodeId, Long> lastCampaign = new HashMap<>();
        List<Attempt> attempts = new ArrayList<>();
        Map<NodeId, Attempt> current = new HashMap<>();
        Map<NodeId, List<Long>> campaignsByNode = new HashMap<>();
        Set<Long> termsWon = new HashSet<>();
        List<long[]> changeIndex = new ArrayList<>(); // {index into leaderChanges, established ns, leader id}
        TreeMap<Long, NodeId> establishments = new TreeMap<>();
        for (TraceRecord r : trace) {
            if (r instanceof TraceRecord.Fault f) {
                if (leader != null && lostAt < 0 && TAKES_THE_LEADER.contains(f.fault()) && takesAway(f, leader)) {
                    lostAt = f.t();
                    lostCause = f.fault();
                }
                continue;
            }
            if (!(r instanceof TraceRecord.Event e)) continue;
            ProtocolEvent ev = e.event();
            if (ev instanceof ProtocolEvent.ElectionStarted es) {
                lastCampaign.put(e.node(), e.t());
                if (!es.preVote()) {
                    Attempt a = new Attempt(e.node(), es.term(), e.t());
                    current.put(e.node(), a);
                    campaignsByNode.computeIfAbsent(e.node(), x -> new ArrayList<>()).add(e.t());
                    if (ph.inWindow(e.t())) attempts.add(a);
                }
            } else if (ev instanceof ProtocolEvent.Preempted p) {
                Attempt a = current.get(e.node());
                if (a != null && !a.won && a.term == p.term() && a.preemptedBy == null) {
                    a.preemptedBy = p.by();
                    a.preemptedAt = e.t();
                }
                if (e.node().equals(leader) && lostAt < 0) {
                    lostAt = e.t();
                    lostCause = null;
                }
            } else if (ev instanceof ProtocolEvent.RoleChanged rc && rc.from() == Role.LEADER && e.node().equals(leader)) {
                if (lostAt < 0) {
                    lostAt = e.t();
                    lostCause = null;
                }
            } else if (ev instanceof ProtocolEvent.LeaderEstablished le) {
                termsWon.add(le.term());
                Attempt a = current.get(e.node());
                if (a != null && a.term == le.term()) a.won = true;
                if (leader != null && ph.inWindow(e.t())) {
                    long start = lostAt;
                    String cause = lostCause;
                    if (start < 0) {
                        RunMetrics.Outage o = outageAround(m, e.t());
                        if (o != null) {
                            start = Math.round(o.startMs() * 1e6);
                            cause = o.cause();
                        } else {
                            start = lastCampaign.getOrDefault(e.node(), e.t());
                        }
                    }
                    if (cause == null) {
                        TraceRecord.Fault blamed = timeline.blame(start, e.t(), ClientSide.BLAME_GRACE);
                        cause = blamed == null ? "spontaneous" : blamed.fault();
                    }
                    changeIndex.add(new long[] {m.leaderChanges.size(), e.t(), e.node().id()});
                    m.leaderChanges.add(new RunMetrics.LeaderChange(RunMetrics.ms(start), RunMetrics.ms(e.t()), e.node(), cause));
                }
                establishments.put(e.t(), e.node());
                leader = e.node();
                lostAt = -1;
                lostCause = null;
            } else if (lostAt >= 0 && e.node().equals(leader) && committedCommand(ev)) {
                // The leader kept committing after the fault (a short pause, a cut it survived): not lost.
                lostAt = -1;
                lostCause = null;
            }
        }
        availability(trace, ops, m, changeIndex);
        elections(attempts, termsWon, campaignsByNode, m, rounds(trace));
    }

    private static boolean takesAway(TraceRecord.Fault f, NodeId leader) {
        if (f.fault().equals("one-way")) {
            // a one-way cut takes the leader away only when its own messages are the ones lost
            return f.groups() != null ? !f.groups().isEmpty() && f.groups().get(0).contains(leader)
                    : !f.nodes().isEmpty() && f.nodes().get(0).equals(leader);
        }
        return f.nodes().contains(leader);
    }

    private static boolean committedCommand(ProtocolEvent ev) {
        if (ev instanceof ProtocolEvent.EntryCommitted c) return !"noop".equals(c.command());
        if (ev instanceof ProtocolEvent.SlotChosen c) return !"noop".equals(c.command());
        return false;
    }

    private static RunMetrics.Outage outageAround(RunMetrics m, long t) {
        double ms = RunMetrics.ms(t);
        for (RunMetrics.Outage o : m.outages) if (o.startMs() <= ms && ms <= o.endMs()) return o;
        return null;
    }

    /**
     * Unavailability (the cluster's): from the loss to the first client command the new leader
     * commits. Client outage: from the loss until every client that was waiting then has a
     * committed reply: what the slowest of them saw, timeouts and retries included.
     */
    private static void availability(List<TraceRecord> trace, List<ClientSide.Op> ops, RunMetrics m, List<long[]> changes) {
        if (changes.isEmpty()) return;
        long[] firstCommitByNewLeader = new long[changes.size()];
        java.util.Arrays.fill(firstCommitByNewLeader, -1);
        for (TraceRecord r : trace) {
            if (!(r instanceof TraceRecord.Event e) || !committedCommand(e.event())) continue;
            for (int i = 0; i < changes.size(); i++) {
                long[] c = changes.get(i);
                if (firstCommitByNewLeader[i] < 0 && e.t() >= c[1] && e.node().id() == c[2]) firstCommitByNewLeader[i] = e.t();
            }
        }
        for (int i = 0; i < changes.size(); i++) {
            RunMetrics.LeaderChange change = m.leaderChanges.get((int) changes.get(i)[0]);
            long lost = Math.round(change.lostMs() * 1e6);
            if (firstCommitByNewLeader[i] >= 0) m.unavailabilityMs.add(RunMetrics.ms(firstCommitByNewLeader[i] - lost));
            Map<Long, Long> firstCommitAfter = new HashMap<>();
            Set<Long> waiting = new HashSet<>();
            for (ClientSide.Op op : ops) {
                if (op.invoked <= lost && op.end() > lost) waiting.add(op.client);
            }
            for (ClientSide.Op op : ops) {
                if (op.committedAt > lost && waiting.contains(op.client)) firstCommitAfter.merge(op.client, op.committedAt, Math::min);
            }
            if (!waiting.isEmpty() && firstCommitAfter.keySet().containsAll(waiting)) {
                long worst = firstCommitAfter.values().stream().mapToLong(Long::longValue).max().getAsLong();
                m.clientOutageMs.add(RunMetrics.ms(worst - lost));
            }
        }
    }

    /**
     * Terms tried, split votes (as the literature means them, see {@link Protocol.Rounds}) and the
     * other candidacies that failed.
     */
    private static void elections(List<Attempt> attempts, Set<Long> termsWon, Map<NodeId, List<Long>> campaigns,
            RunMetrics m, Protocol.Rounds rounds) {
        Set<String> tried = new HashSet<>();
        for (Attempt a : attempts) tried.add(a.node + "/" + a.term);
        m.termsTried = tried.size();
        if (rounds == Protocol.Rounds.SHARED_TERMS) {
            Map<Long, Set<NodeId>> candidates = new TreeMap<>();
            for (Attempt a : attempts) candidates.computeIfAbsent(a.term, t -> new HashSet<>()).add(a.node);
            Set<Long> split = new HashSet<>();
            candidates.forEach((term, who) -> {
                if (who.size() >= 2 && !termsWon.contains(term)) split.add(term);
            });
            m.splitVotes = split.size();
            m.candidaciesFailed = attempts.stream().filter(a -> !termsWon.contains(a.term) && !split.contains(a.term))
                    .map(a -> a.node + "/" + a.term).distinct().count();
        } else {
            long split = 0;
            long failed = 0;
            for (Attempt a : attempts) {
                if (a.won) continue;
                boolean dueling = a.preemptedBy != null && campaigns.getOrDefault(a.preemptedBy, List.of()).stream()
                        .anyMatch(t -> t >= a.startedAt && t <= a.preemptedAt);
                if (dueling) split++;
                else failed++;
            }
            m.splitVotes = split;
            m.candidaciesFailed = failed;
        }
    }

    private static Protocol.Rounds rounds(List<TraceRecord> trace) {
        for (TraceRecord r : trace) {
            if (r instanceof TraceRecord.Meta meta && meta.protocol() != null) {
                try {
                    return Protocol.byName(meta.protocol()).rounds();
                } catch (IllegalArgumentException unknown) {
                    return Protocol.Rounds.SHARED_TERMS;
                }
            }
        }
        return Protocol.Rounds.SHARED_TERMS;
    }
}
