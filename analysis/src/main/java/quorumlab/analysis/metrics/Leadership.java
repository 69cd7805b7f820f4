package quorumlab.analysis.metrics;

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

    /** A leader change in the window, resolved at the end, once the outages are known. */
    private static final class Change {
        final long established;
        final NodeId node;
        final long lostAt;
        final String lostCause;
        /** Clients waiting at the loss, when a fault or a step-down marked it. */
        final ClientSide.Watch lostWatch;
        /** Else: the spell between commits around the establishment (an outage, perhaps), and the winner's last campaign. */
        ClientSide.Spell spell;
        long campaignAt;
        ClientSide.Watch campaignWatch;
        long firstCommit = -1;

        Change(long established, NodeId node, long lostAt, String lostCause, ClientSide.Watch lostWatch) {
            this.established = established;
            this.node = node;
            this.lostAt = lostAt;
            this.lostCause = lostCause;
            this.lostWatch = lostWatch;
        }
    }

    private final RunMetrics m;
    private final Phases ph;
    private final Timeline timeline;
    private final ClientSide clients;
    private Protocol.Rounds rounds;
    private NodeId leader;
    private long lostAt = -1;
    private String lostCause;
    private ClientSide.Watch lostWatch;
    private final Map<NodeId, Long> lastCampaign = new HashMap<>();
    private final Map<NodeId, ClientSide.Watch> campaignWatch = new HashMap<>();
    private final Set<ClientSide.Watch> kept = new HashSet<>();
    private final List<Attempt> attempts = new ArrayList<>();
    private final Map<NodeId, Attempt> current = new HashMap<>();
    private final Map<NodeId, List<Long>> campaignsByNode = new HashMap<>();
    private final Set<Long> termsWon = new HashSet<>();
    private final List<Change> changes = new ArrayList<>();
    private final List<Change> awaitingCommit = new ArrayList<>();

    Leadership(RunMetrics m, Timeline timeline, ClientSide clients) {
        this.m = m;
        this.ph = m.phases;
        this.timeline = timeline;
        this.clients = clients;
    }

    void accept(TraceRecord r) {
        if (r instanceof TraceRecord.Meta meta && rounds == null && meta.protocol() != null) {
            rounds = roundsOf(meta.protocol());
            return;
        }
        if (r instanceof TraceRecord.Fault f) {
            if (leader != null && lostAt < 0 && TAKES_THE_LEADER.contains(f.fault()) && takesAway(f, leader)) lose(f.t(), f.fault());
            return;
        }
        if (!(r instanceof TraceRecord.Event e)) return;
        ProtocolEvent ev = e.event();
        if (ev instanceof ProtocolEvent.ElectionStarted es) {
            lastCampaign.put(e.node(), e.t());
            ClientSide.Watch before = campaignWatch.put(e.node(), clients.watchFrom(e.t()));
            if (before != null && !kept.contains(before)) clients.drop(before);
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
            if (e.node().equals(leader) && lostAt < 0) lose(e.t(), null);
        } else if (ev instanceof ProtocolEvent.RoleChanged rc && rc.from() == Role.LEADER && e.node().equals(leader)) {
            if (lostAt < 0) lose(e.t(), null);
        } else if (ev instanceof ProtocolEvent.LeaderEstablished le) {
            termsWon.add(le.term());
            Attempt a = current.get(e.node());
            if (a != null && a.term == le.term()) a.won = true;
            if (leader != null && ph.inWindow(e.t())) {
                Change c = new Change(e.t(), e.node(), lostAt, lostCause, lostAt >= 0 ? lostWatch : null);
                if (lostAt < 0) {
                    c.spell = clients.currentSpell();
                    Long campaign = lastCampaign.get(e.node());
                    c.campaignAt = campaign != null ? campaign : e.t();
                    c.campaignWatch = campaign != null ? campaignWatch.get(e.node()) : clients.watchFrom(e.t());
                    kept.add(c.campaignWatch);
                } else {
                    kept.add(lostWatch);
                }
                changes.add(c);
                awaitingCommit.add(c);
            }
            leader = e.node();
            found();
        } else if (committedCommand(ev)) {
            for (var it = awaitingCommit.iterator(); it.hasNext(); ) {
                Change c = it.next();
                if (e.t() >= c.established && e.node().equals(c.node)) {
                    c.firstCommit = e.t();
                    it.remove();
                }
            }
            // The leader kept committing after the fault (a short pause, a cut it survived): not lost.
            if (lostAt >= 0 && e.node().equals(leader)) found();
        }
    }

    private void lose(long t, String cause) {
        lostAt = t;
        lostCause = cause;
        lostWatch = clients.watchFrom(t);
    }

    private void found() {
        if (lostWatch != null && !kept.contains(lostWatch)) clients.drop(lostWatch);
        lostAt = -1;
        lostCause = null;
        lostWatch = null;
    }

    /**
     * Each change's loss: the fault or step-down that marked it; else the outage it ends (known
     * only now); else the winner's last campaign. Unavailability runs from there to the new
     * leader's first client command; the client outage until every client waiting then was served.
     */
    void finish() {
        for (Change c : changes) {
            long start = c.lostAt;
            String cause = c.lostCause;
            ClientSide.Watch watch = c.lostWatch;
            if (start < 0) {
                if (c.spell != null && c.spell.outage != null) {
                    start = c.spell.start;
                    cause = c.spell.outage.cause();
                    watch = c.spell.watch;
                } else {
                    start = c.campaignAt;
                    watch = c.campaignWatch;
                }
            }
            if (cause == null) {
                TraceRecord.Fault blamed = timeline.blame(start, c.established, ClientSide.BLAME_GRACE);
                cause = blamed == null ? "spontaneous" : blamed.fault();
            }
            m.leaderChanges.add(new RunMetrics.LeaderChange(RunMetrics.ms(start), RunMetrics.ms(c.established), c.node, cause));
            if (c.firstCommit >= 0) m.unavailabilityMs.add(RunMetrics.ms(c.firstCommit - start));
            double outage = watch == null ? Double.NaN : watch.clientOutageMs();
            if (!Double.isNaN(outage)) m.clientOutageMs.add(outage);
        }
        elections(attempts, termsWon, campaignsByNode, m, rounds == null ? Protocol.Rounds.SHARED_TERMS : rounds);
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

    private static Protocol.Rounds roundsOf(String protocol) {
        try {
            return Protocol.byName(protocol).rounds();
        } catch (IllegalArgumentException unknown) {
            return Protocol.Rounds.SHARED_TERMS;
        }
    }
}
