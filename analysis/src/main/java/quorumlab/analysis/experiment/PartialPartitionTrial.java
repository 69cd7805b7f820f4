package quorumlab.analysis.experiment;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import quorumlab.protocols.ClusterConfig;
import quorumlab.protocols.MatchedSettings;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.Protocol;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.runtime.Delay;
import quorumlab.protocols.runtime.NetworkModel;
import quorumlab.protocols.sim.Simulation;
import quorumlab.protocols.trace.InMemoryTrace;
import quorumlab.protocols.trace.TraceLevel;
import quorumlab.protocols.trace.TraceRecord;

/**
 * One run of the partial-partition experiment (Jensen, Howard & Mortier 2021): a cluster serving
 * writes, a partial partition for the middle third of the run, then healed. Every node stays up;
 * only some links fail. Model choices: docs/partial-partition-experiment.md.
 */
final class PartialPartitionTrial {
    static final long MS = 1_000_000L;
    /** Numbers count from here: the first election and the clients' first requests are over. */
    static final long WARM_UP = 1_000 * MS;
    /** After the heal, the cluster has settled if no leader is established after this grace... */
    static final long SETTLE_GRACE = 2_000 * MS;
    /** ...and writes still commit in the run's last {@code RECENT}. */
    static final long RECENT = 1_000 * MS;
    static final int CLIENTS = 2;
    static final int KEYS = 4;
    static final long CLIENT_TIMEOUT = 100 * MS;
    static final long THINK = 5 * MS;
    static final Delay DELAY = Delay.uniform(MS, 3 * MS);

    /** Which links fail. */
    enum Topology {
        /** Three nodes: the leader and one follower lose their link, both ways. */
        CUT3("3-cut", 3, false),
        /** As CUT3, the link failing and recovering every flap period. */
        FLAP3("3-flap", 3, true),
        /** Five nodes: the leader and one follower lose their link. */
        CUT5("5-cut", 5, false),
        FLAP5("5-flap", 5, true),
        /**
         * Five nodes, node 3 leading: node 4 reaches only node 2 and node 5 only node 3. A Raft leader
         * needs node 2 or node 3, and whichever leads, node 4 or node 5 cannot hear it.
         */
        CHAIN5("5-chain", 5, false);

        final String label;
        final int nodes;
        final boolean flaps;

        Topology(String label, int nodes, boolean flaps) {
            this.label = label;
            this.nodes = nodes;
            this.flaps = flaps;
        }

        static Topology parse(String label) {
            for (Topology t : values()) if (t.label.equals(label)) return t;
            throw new IllegalArgumentException("unknown topology '" + label + "' (known: 3-cut, 3-flap, 5-cut, 5-flap, 5-chain)");
        }
    }

    /** A protocol and the options that differ from the matched profile. */
    record Variant(String label, String protocol, Map<String, Object> options) {}

    static final List<Variant> VARIANTS = List.of(
            new Variant("raft", "raft", Map.of("preVote", false, "checkQuorum", false)),
            new Variant("raft+checkQuorum", "raft", Map.of("preVote", false, "checkQuorum", true)),
            new Variant("raft+preVote", "raft", Map.of("preVote", true, "checkQuorum", false)),
            new Variant("raft+preVote+checkQuorum", "raft", Map.of("preVote", true, "checkQuorum", true)),
            new Variant("multi-paxos", "multi-paxos", Map.of("leaderLease", false)),
            new Variant("multi-paxos+leaderLease", "multi-paxos", Map.of("leaderLease", true)));

    record Outcome(int changesBefore, int changesDuring, int changesAfter, int electionsDuring, double throughputBefore,
            double throughputDuring, double longestGapMs, boolean settled, List<String> violations, boolean unknown) {

        double throughputRatio() {
            return throughputBefore == 0 ? 0 : throughputDuring / throughputBefore;
        }
    }

    static Map<String, Object> options(Protocol protocol, Variant v) {
        Map<String, Object> options = new HashMap<>(protocol.matchedOptions(MatchedSettings.DEFAULT));
        options.putAll(v.options());
        return options;
    }

    /** One run, {@code third} of virtual time before, during and after the partition. */
    static Outcome run(Topology topology, Variant variant, long third, long flap, long seed) {
        Protocol protocol = Protocol.byName(variant.protocol());
        InMemoryTrace trace = new InMemoryTrace();
        Simulation sim = Simulation.builder().seed(seed).cluster(ClusterConfig.ofSize(topology.nodes))
                .protocol(protocol, protocol.resolveOptions(options(protocol, variant)))
                .network(new NetworkModel().setDelay(DELAY)).trace(trace, TraceLevel.EVENTS)
                .scenario("partial-partition").build();
        List<NodeId> members = sim.cluster().members();
        sim.start();
        // The chain needs node 3 leading; elsewhere node 1 leads first. Either way it is the leader
        // at the cut that the partition is drawn around.
        NodeId first = topology == Topology.CHAIN5 ? members.get(2) : members.get(0);
        sim.fireTimerNow(first, "election");
        long cutAt = third;
        long healAt = 2 * third;
        long end = 3 * third;
        List<ClosedLoopWriter> writers = new ArrayList<>();
        for (int c = 1; c <= CLIENTS; c++) {
            ClosedLoopWriter w = new ClosedLoopWriter(sim, c, KEYS, CLIENT_TIMEOUT, THINK, end);
            w.start();
            writers.add(w);
        }
        sim.runUntil(cutAt);
        NodeId leader = sim.leader().orElse(first);
        List<NodeId[]> links = links(topology, leader, members);
        long period = topology.flaps ? flap : third;
        boolean down = true;
        for (long t = cutAt; t < healAt; t += period, down = !down) {
            boolean cutNow = down;
            sim.runUntil(t);
            sim.network().heal();
            if (cutNow) {
                for (NodeId[] l : links) sim.network().cut(l[0], l[1]);
                sim.recordFault("cut", linkNodes(links), describe(links));
            } else {
                sim.recordFault("heal", List.of(), "the cut links recover (flapping)");
            }
        }
        sim.runUntil(healAt);
        sim.network().heal();
        sim.recordFault("heal", List.of(), "every link recovers");
        sim.runUntil(end);

        List<TraceRecord> records = trace.records();
        int[] changes = new int[3];
        int electionsDuring = 0;
        long lastEstablished = 0;
        boolean firstSeen = false;
        for (TraceRecord r : records) {
            if (!(r instanceof TraceRecord.Event e)) continue;
            if (e.event() instanceof ProtocolEvent.LeaderEstablished) {
                lastEstablished = e.t();
                if (!firstSeen) {
                    firstSeen = true;
                    continue;
                }
                changes[e.t() < cutAt ? 0 : e.t() < healAt ? 1 : 2]++;
            } else if (e.event() instanceof ProtocolEvent.ElectionStarted es && !es.preVote() && e.t() >= cutAt && e.t() < healAt) {
                electionsDuring++;
            }
        }
        List<Long> commits = new ArrayList<>();
        for (ClosedLoopWriter w : writers) commits.addAll(w.commits());
        commits.sort(null);
        long before = commits.stream().filter(t -> t >= WARM_UP && t < cutAt).count();
        long during = commits.stream().filter(t -> t >= cutAt && t < healAt).count();
        long previous = WARM_UP;
        long gap = 0;
        for (long t : commits) {
            if (t < WARM_UP) continue;
            gap = Math.max(gap, t - previous);
            previous = t;
        }
        gap = Math.max(gap, end - previous);
        boolean recentCommit = !commits.isEmpty() && commits.get(commits.size() - 1) >= end - RECENT;
        boolean settled = lastEstablished < healAt + SETTLE_GRACE && recentCommit;
        TrialChecks.Result checked = TrialChecks.run(records);
        return new Outcome(changes[0], changes[1], changes[2], electionsDuring, before / ((cutAt - WARM_UP) / 1e9),
                during / ((healAt - cutAt) / 1e9), gap / 1e6, settled, checked.violations(), checked.unknown());
    }

    /**
     * The links that fail, each cut both ways. Single-link topologies: the leader and the first other
     * member. The chain, in the paper's numbering when node 3 leads (others o1..o4 = n1, n2, n4, n5):
     * o3 keeps only its link to o2, o4 only its link to the leader.
     */
    static List<NodeId[]> links(Topology topology, NodeId leader, List<NodeId> members) {
        List<NodeId> others = members.stream().filter(n -> !n.equals(leader)).toList();
        List<NodeId[]> links = new ArrayList<>();
        if (topology != Topology.CHAIN5) {
            links.add(new NodeId[] {leader, others.get(0)});
            return links;
        }
        NodeId o1 = others.get(0);
        NodeId o2 = others.get(1);
        NodeId o3 = others.get(2);
        NodeId o4 = others.get(3);
        for (NodeId n : List.of(o1, leader, o4)) links.add(new NodeId[] {o3, n});
        for (NodeId n : List.of(o1, o2)) links.add(new NodeId[] {o4, n});
        return links;
    }

    private static List<NodeId> linkNodes(List<NodeId[]> links) {
        List<NodeId> nodes = new ArrayList<>();
        for (NodeId[] l : links) for (NodeId n : l) if (!nodes.contains(n)) nodes.add(n);
        return nodes;
    }

    private static String describe(List<NodeId[]> links) {
        StringBuilder s = new StringBuilder("links cut both ways:");
        for (NodeId[] l : links) s.append(' ').append(l[0]).append('-').append(l[1]);
        return s.toString();
    }

    private PartialPartitionTrial() {}
}
