package quorumlab.analysis.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import quorumlab.analysis.experiment.PartialPartitionTrial.Outcome;
import quorumlab.analysis.experiment.PartialPartitionTrial.Topology;
import quorumlab.analysis.experiment.PartialPartitionTrial.Variant;

/**
 * The partial-partition experiment on three nodes, one link cut for the middle third: each variant
 * on the same seeds, each trace through the safety and linearizability checks.
 */
class PartialPartitionExperimentTest {
    static final long THIRD = 3_000 * PartialPartitionTrial.MS;
    static final List<Long> SEEDS = List.of(11L, 12L);
    static Map<String, List<Outcome>> byVariant;

    @BeforeAll
    static void runEveryVariant() {
        byVariant = PartialPartitionTrial.VARIANTS.stream().collect(Collectors.toMap(Variant::label,
                v -> SEEDS.stream().map(seed -> PartialPartitionTrial.run(Topology.CUT3, v, THIRD, 0, seed)).toList()));
        byVariant.forEach((variant, outcomes) -> outcomes.forEach(o -> {
            assertEquals(List.of(), o.violations(), variant);
            assertTrue(!o.unknown(), variant + ": a check could not decide");
        }));
    }

    static int changesDuring(String variant) {
        return byVariant.get(variant).stream().mapToInt(Outcome::changesDuring).sum();
    }

    @Test
    void plainRaftChangesLeaderMoreOftenDuringTheCutThanRaftWithPreVoteAndCheckQuorum() {
        assertTrue(changesDuring("raft") > changesDuring("raft+preVote+checkQuorum"),
                changesDuring("raft") + " against " + changesDuring("raft+preVote+checkQuorum"));
        assertTrue(changesDuring("raft") >= SEEDS.size(), "the cut-off follower deposes the leader in every run");
    }

    @Test
    void preVoteKeepsTheLeaderAndItsThroughput() {
        for (String v : List.of("raft+preVote", "raft+preVote+checkQuorum")) {
            assertEquals(0, changesDuring(v), v);
            for (Outcome o : byVariant.get(v)) {
                assertTrue(o.throughputRatio() > 0.8, v + ": " + o.throughputRatio());
            }
        }
    }

    @Test
    void theLeaderLeaseStopsTheCutOffProposerFromDeposingTheLeader() {
        assertTrue(changesDuring("multi-paxos") > 0, "without the lease a higher ballot deposes the leader");
        assertEquals(0, changesDuring("multi-paxos+leaderLease"));
        assertTrue(byVariant.get("multi-paxos+leaderLease").stream().allMatch(o -> o.electionsDuring() > 0),
                "the cut-off proposer kept trying; the lease, not silence, kept the leader");
    }

    @Test
    void everyVariantSettlesAfterTheHealOnThreeNodes() {
        byVariant.forEach((variant, outcomes) -> outcomes.forEach(o -> assertTrue(o.settled(), variant + " did not settle")));
    }

    @Test
    void plainRaftHasNoStableLeaderInTheChain() {
        // Whoever leads, node 4 or node 5 cannot hear it and deposes it through its one link.
        Variant plain = PartialPartitionTrial.VARIANTS.get(0);
        Outcome o = PartialPartitionTrial.run(Topology.CHAIN5, plain, THIRD, 0, 11);
        assertEquals(List.of(), o.violations());
        assertTrue(o.changesDuring() > 1, "no stable leader in the chain: " + o.changesDuring());
    }

    @Test
    void theChainIsDrawnAroundTheLeaderAsThePaperNumbersIt() {
        List<quorumlab.protocols.NodeId> members = quorumlab.protocols.ClusterConfig.ofSize(5).members();
        List<quorumlab.protocols.NodeId[]> links = PartialPartitionTrial.links(Topology.CHAIN5, members.get(2), members);
        // Node 4 keeps only its link to node 2; node 5 only its link to node 3.
        for (int n = 0; n < 5; n++) {
            for (int m = 0; m < 5; m++) {
                if (n == m) continue;
                int a = n;
                int b = m;
                boolean cut = links.stream().anyMatch(l -> l[0].equals(members.get(a)) && l[1].equals(members.get(b))
                        || l[0].equals(members.get(b)) && l[1].equals(members.get(a)));
                boolean keeps = (a != 3 && b != 3 && a != 4 && b != 4) || pair(a, b, 3, 1) || pair(a, b, 4, 2);
                assertEquals(!keeps, cut, "n" + (a + 1) + "-n" + (b + 1));
            }
        }
    }

    private static boolean pair(int a, int b, int x, int y) {
        return a == x && b == y || a == y && b == x;
    }
}
