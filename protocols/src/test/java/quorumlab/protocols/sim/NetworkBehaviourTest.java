package quorumlab.protocols.sim;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.DoubleUnaryOperator;
import org.apache.commons.statistics.distribution.ExponentialDistribution;
import org.apache.commons.statistics.distribution.NormalDistribution;
import org.apache.commons.statistics.distribution.ParetoDistribution;
import org.apache.commons.statistics.distribution.UniformContinuousDistribution;
import org.apache.commons.statistics.inference.KolmogorovSmirnovTest;
import org.junit.jupiter.api.Test;
import quorumlab.protocols.ClusterConfig;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.runtime.Delay;
import quorumlab.protocols.trace.InMemoryTrace;
import quorumlab.protocols.runtime.NetworkModel;
import quorumlab.protocols.runtime.RegionLatency;
import quorumlab.protocols.trace.TraceLevel;
import quorumlab.protocols.testing.EchoProtocol;
import quorumlab.protocols.trace.TraceRecord;

/** The network model, seen through the simulator's trace: delays, loss, duplication, cuts. */
class NetworkBehaviourTest {
    static final long MS = 1_000_000L;
    static final NodeId N1 = NodeId.of(1), N2 = NodeId.of(2), N3 = NodeId.of(3), N4 = NodeId.of(4), N5 = NodeId.of(5);

    record Run(Simulation sim, InMemoryTrace trace) {}

    static Run echo(long seed, int nodes, NetworkModel net) {
        return echo(seed, nodes, net, 10);
    }

    static Run echo(long seed, int nodes, NetworkModel net, long tickMs) {
        EchoProtocol echo = new EchoProtocol();
        InMemoryTrace trace = new InMemoryTrace();
        Simulation sim = Simulation.builder().seed(seed).cluster(ClusterConfig.ofSize(nodes))
                .protocol(echo, echo.resolveOptions(Map.of("tickMs", tickMs))).network(net)
                .trace(trace, TraceLevel.FULL).build();
        sim.start();
        return new Run(sim, trace);
    }

    /** Send-to-deliver delay of every delivered message, in nanoseconds (first copy of duplicates). */
    static double[] delays(InMemoryTrace trace) {
        Map<Long, Long> sentAt = new HashMap<>();
        List<Double> out = new ArrayList<>();
        for (TraceRecord r : trace.records()) {
            if (r instanceof TraceRecord.Send s) sentAt.put(s.id(), s.t());
            if (r instanceof TraceRecord.Deliver d) {
                Long at = sentAt.remove(d.id());
                if (at != null) out.add((double) (d.t() - at));
            }
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /**
     * Pings a second apart: each link is idle when a ping leaves, so no ping waits behind an earlier
     * message of its link and its delay is the one drawn from the distribution.
     */
    static double ksPValue(Delay delay, DoubleUnaryOperator cdf) {
        Run run = echo(2024, 3, new NetworkModel().setDelay(delay), 1_000);
        run.sim().runUntil(1_000_000 * MS);
        Map<Long, Long> sentAt = new HashMap<>();
        List<Double> pings = new ArrayList<>();
        for (TraceRecord r : run.trace().records()) {
            if (r instanceof TraceRecord.Send s && s.type().equals("Ping")) sentAt.put(s.id(), s.t());
            if (r instanceof TraceRecord.Deliver d && sentAt.containsKey(d.id())) pings.add((double) (d.t() - sentAt.remove(d.id())));
        }
        double[] sample = pings.stream().mapToDouble(Double::doubleValue).toArray();
        assertTrue(sample.length > 5_000, "enough samples: " + sample.length);
        return KolmogorovSmirnovTest.withDefaults().test(sample, cdf).getPValue();
    }

    @Test
    void delaysFollowTheirDistributions() {
        // With a fixed seed these p-values are fixed; a broken sampler gives p far below 0.001.
        assertTrue(ksPValue(Delay.uniform(MS, 5 * MS), UniformContinuousDistribution.of(MS, 5 * MS)::cumulativeProbability) > 0.01);
        assertTrue(ksPValue(Delay.normal(10 * MS, 2 * MS), NormalDistribution.of(10 * MS, 2 * MS)::cumulativeProbability) > 0.01);
        assertTrue(ksPValue(Delay.exponential(4 * MS), ExponentialDistribution.of(4 * MS)::cumulativeProbability) > 0.01);
        assertTrue(ksPValue(Delay.pareto(MS, 2.5), ParetoDistribution.of(MS, 2.5)::cumulativeProbability) > 0.01);
        // The test has power: exponential delays do not pass for a uniform distribution of the same mean.
        assertTrue(ksPValue(Delay.exponential(3 * MS), UniformContinuousDistribution.of(MS, 5 * MS)::cumulativeProbability) < 1e-6);
    }

    @Test
    void aTruncatedNormalNeverGoesNegative() {
        Run run = echo(3, 3, new NetworkModel().setDelay(Delay.normal(MS, 2 * MS)));
        run.sim().runUntil(1_000 * MS);
        double[] sample = delays(run.trace());
        assertTrue(sample.length > 500);
        for (double d : sample) assertTrue(d >= 0);
    }

    @Test
    void constantDelaysAreExact() {
        Run run = echo(1, 3, new NetworkModel().setDelay(Delay.constant(3 * MS)));
        run.sim().runUntil(200 * MS);
        for (double d : delays(run.trace())) assertEquals(3 * MS, d);
    }

    @Test
    void aRegionMatrixSetsEachLinksDelay() {
        RegionLatency regions = new RegionLatency().place(N1, "eu").place(N2, "eu").place(N3, "us")
                .within(Delay.constant(MS)).oneWay("eu", "us", Delay.constant(40 * MS)).oneWay("us", "eu", Delay.constant(45 * MS));
        Run run = echo(1, 3, new NetworkModel().setRegions(regions));
        run.sim().runUntil(300 * MS);
        Map<Long, TraceRecord.Send> sends = new HashMap<>();
        int checked = 0;
        for (TraceRecord r : run.trace().records()) {
            if (r instanceof TraceRecord.Send s) sends.put(s.id(), s);
            if (r instanceof TraceRecord.Deliver d) {
                long delay = d.t() - sends.get(d.id()).t();
                long expected = d.to().equals(N3) && !d.from().equals(N3) ? 40 * MS : d.from().equals(N3) ? 45 * MS : MS;
                assertEquals(expected, delay, d.toString());
                checked++;
            }
        }
        assertTrue(checked > 100);
        assertThrows(IllegalArgumentException.class, () -> new RegionLatency().place(N1, "eu").place(N2, "us").delay(N1, N2));
    }

    @Test
    void dropsHappenAtTheAskedRate() {
        for (double p : new double[] {0.05, 0.3}) {
            Run run = echo(77, 3, new NetworkModel().setDropProbability(p));
            run.sim().runUntil(5_000 * MS);
            run.sim().network().setDropProbability(0);
            run.sim().runUntil(5_010 * MS); // lets the last messages land; no new ones are lost
            long sent = run.trace().records(TraceRecord.Send.class).stream().filter(s -> s.t() <= 5_000 * MS).count();
            long lost = run.trace().records(TraceRecord.Drop.class).stream().filter(d -> d.reason().equals("loss")).count();
            long delivered = run.trace().records(TraceRecord.Deliver.class).stream().filter(d -> d.t() <= 5_001 * MS).count();
            assertEquals(sent, lost + delivered, "every message is delivered or lost, once");
            // Binomial(sent, p): within 4.5 standard deviations (a fixed seed, so this never flakes).
            double sd = Math.sqrt(sent * p * (1 - p));
            assertEquals(sent * p, lost, 4.5 * sd, "p=" + p + " sent=" + sent);
        }
        Run none = echo(77, 3, new NetworkModel());
        none.sim().runUntil(1_000 * MS);
        assertTrue(none.trace().records(TraceRecord.Drop.class).isEmpty());
    }

    @Test
    void aLinkDropProbabilityAffectsOnlyThatLink() {
        Run run = echo(5, 3, new NetworkModel().setLinkDropProbability(N1, N2, 1.0));
        run.sim().runUntil(500 * MS);
        for (TraceRecord.Drop d : run.trace().records(TraceRecord.Drop.class)) {
            assertEquals(List.of(N1, N2), List.of(d.from(), d.to()));
        }
        assertFalse(run.trace().records(TraceRecord.Drop.class).isEmpty());
        assertTrue(run.trace().records(TraceRecord.Deliver.class).stream().noneMatch(d -> d.from().equals(N1) && d.to().equals(N2)));
        assertTrue(run.trace().records(TraceRecord.Deliver.class).stream().anyMatch(d -> d.from().equals(N2) && d.to().equals(N1)));
    }

    @Test
    void duplicationDeliversTwice() {
        Run always = echo(9, 3, new NetworkModel().setDelay(Delay.uniform(MS, 3 * MS)).setDuplicateProbability(1.0));
        always.sim().runUntil(200 * MS);
        Map<Long, Integer> copies = new HashMap<>();
        always.trace().records(TraceRecord.Deliver.class).forEach(d -> copies.merge(d.id(), 1, Integer::sum));
        long sends = always.trace().records(TraceRecord.Send.class).size();
        // a message sent within the last 3 ms may still be in flight
        assertTrue(copies.size() >= sends - 20 && copies.size() > 50);
        assertTrue(copies.values().stream().filter(c -> c == 2).count() >= sends - 20);
        assertTrue(copies.values().stream().allMatch(c -> c <= 2));
        EchoProtocol.EchoNode n1 = (EchoProtocol.EchoNode) always.sim().node(N1);
        assertTrue(n1.pingsReceived() >= 2 * (n1.ticks() * 2 - 4), "each ping arrives twice: " + n1.pingsReceived());

        double p = 0.25;
        Run some = echo(9, 3, new NetworkModel().setDuplicateProbability(p));
        some.sim().runUntil(5_000 * MS);
        long sent = some.trace().records(TraceRecord.Send.class).size();
        long extra = some.trace().records(TraceRecord.Deliver.class).size() - sent;
        assertEquals(sent * p, extra, 4.5 * Math.sqrt(sent * p * (1 - p)));
    }

    @Test
    void aLinkKeepsItsOrderUnderAnyDelayAndOnlyReorderingBreaksIt() {
        assertEquals(0, inversions(new NetworkModel().setDelay(Delay.constant(2 * MS))));
        // pings every 10 ms on delays spread over 1..30 ms: independent delays would overtake often
        assertEquals(0, inversions(new NetworkModel().setDelay(Delay.uniform(MS, 30 * MS))));
        assertEquals(0, inversions(new NetworkModel().setDelay(Delay.pareto(MS, 1.2))));
        assertTrue(inversions(new NetworkModel().setDelay(Delay.constant(2 * MS)).setReordering(0.3, Delay.uniform(0, 20 * MS))) > 10);
    }

    /** Messages on one link that arrive after a message sent later on that link. */
    private static int inversions(NetworkModel net) {
        Run run = echo(4, 2, net);
        run.sim().runUntil(2_000 * MS);
        long lastId = -1;
        int inversions = 0;
        for (TraceRecord.Deliver d : run.trace().records(TraceRecord.Deliver.class)) {
            if (!d.from().equals(N1)) continue;
            if (d.id() < lastId) inversions++;
            lastId = Math.max(lastId, d.id());
        }
        return inversions;
    }

    /** Ordered (from, to) pairs that delivered at least one message after {@code since}. */
    static Set<List<NodeId>> deliveredLinks(InMemoryTrace trace, long since) {
        Set<List<NodeId>> links = new HashSet<>();
        for (TraceRecord.Deliver d : trace.records(TraceRecord.Deliver.class)) {
            if (d.t() > since) links.add(List.of(d.from(), d.to()));
        }
        return links;
    }

    static Set<List<NodeId>> allLinks(int n) {
        Set<List<NodeId>> links = new HashSet<>();
        for (int a = 1; a <= n; a++) for (int b = 1; b <= n; b++) if (a != b) links.add(List.of(NodeId.of(a), NodeId.of(b)));
        return links;
    }

    @Test
    void aPartitionCutsExactlyTheLinksBetweenGroupsAndHeals() {
        Run run = echo(1, 5, new NetworkModel());
        run.sim().runUntil(100 * MS);
        assertEquals(allLinks(5), deliveredLinks(run.trace(), 0));
        run.sim().network().partition(List.of(Set.of(N1, N2), Set.of(N3, N4, N5)));
        long cutAt = run.sim().now();
        run.sim().runUntil(300 * MS);
        Set<List<NodeId>> expected = new HashSet<>();
        for (List<NodeId> link : allLinks(5)) {
            boolean sameSide = (link.get(0).id() <= 2) == (link.get(1).id() <= 2);
            if (sameSide) expected.add(link);
            assertEquals(!sameSide, run.sim().network().isCut(link.get(0), link.get(1)), link.toString());
        }
        assertEquals(expected, deliveredLinks(run.trace(), cutAt));
        assertTrue(run.trace().records(TraceRecord.Drop.class).stream().allMatch(d -> d.reason().equals("partition")));
        assertFalse(run.trace().records(TraceRecord.Drop.class).isEmpty());

        run.sim().network().heal();
        long healedAt = run.sim().now();
        run.sim().runUntil(400 * MS);
        assertEquals(allLinks(5), deliveredLinks(run.trace(), healedAt));
    }

    @Test
    void nodesInNoGroupFormOneGroupTogether() {
        Run run = echo(1, 4, new NetworkModel().partition(List.of(Set.of(N1))));
        run.sim().runUntil(100 * MS);
        Set<List<NodeId>> expected = new HashSet<>();
        for (List<NodeId> link : allLinks(4)) if (!link.contains(N1)) expected.add(link);
        assertEquals(expected, deliveredLinks(run.trace(), 0));
        assertThrows(IllegalArgumentException.class, () -> new NetworkModel().partition(List.of(Set.of(N1, N2), Set.of(N2))));
    }

    @Test
    void aOneWayCutCutsOnlyOneDirection() {
        Run run = echo(1, 3, new NetworkModel().cutOneWay(N1, N2));
        run.sim().runUntil(200 * MS);
        Set<List<NodeId>> expected = allLinks(3);
        expected.remove(List.of(N1, N2));
        assertEquals(expected, deliveredLinks(run.trace(), 0));
        // n2's pings reach n1, but n1's pongs back to n2 are cut
        EchoProtocol.EchoNode n2 = (EchoProtocol.EchoNode) run.sim().node(N2);
        EchoProtocol.EchoNode n1 = (EchoProtocol.EchoNode) run.sim().node(N1);
        assertTrue(n1.pingSenders().contains(N2));
        assertFalse(n2.pingSenders().contains(N1));
        assertEquals(n2.ticks() * 2 - n2.ticks(), n2.pongsReceived(), 1.0, "only n3 answers n2's pings");
    }

    @Test
    void isolateCutsEveryLinkOfOneNode() {
        Run run = echo(1, 3, new NetworkModel());
        run.sim().network().isolate(N3);
        run.sim().runUntil(200 * MS);
        assertEquals(Set.of(List.of(N1, N2), List.of(N2, N1)), deliveredLinks(run.trace(), 0));
        run.sim().network().heal();
        long healed = run.sim().now();
        run.sim().runUntil(300 * MS);
        assertEquals(allLinks(3), deliveredLinks(run.trace(), healed));
    }

    @Test
    void aPartitionDropsMessagesAlreadyInFlight() {
        Run run = echo(1, 2, new NetworkModel().setDelay(Delay.constant(5 * MS)));
        run.sim().runUntil(12 * MS); // the pings sent at 10 ms are in flight until 15 ms
        run.sim().network().partition(List.of(Set.of(N1), Set.of(N2)));
        run.sim().runUntil(16 * MS);
        List<TraceRecord.Drop> drops = run.trace().records(TraceRecord.Drop.class);
        assertEquals(2, drops.size());
        for (TraceRecord.Drop d : drops) {
            assertEquals(15 * MS, d.t());
            assertEquals("partition", d.reason());
        }
    }

    @Test
    void aFilterDropsTheMessagesItChooses() {
        NetworkModel net = new NetworkModel().setFilter((from, to, m, now) -> !(m instanceof EchoProtocol.Pong && to.equals(N1)));
        Run run = echo(1, 3, net);
        run.sim().runUntil(100 * MS);
        assertEquals(0, ((EchoProtocol.EchoNode) run.sim().node(N1)).pongsReceived());
        assertTrue(((EchoProtocol.EchoNode) run.sim().node(N2)).pongsReceived() > 0);
        assertTrue(run.trace().records(TraceRecord.Drop.class).stream().allMatch(d -> d.reason().equals("filter") && d.type().equals("Pong")));
    }

    @Test
    void badSettingsAreRejectedWithAReason() {
        NetworkModel net = new NetworkModel();
        assertThrows(IllegalArgumentException.class, () -> net.setDropProbability(1.5));
        assertThrows(IllegalArgumentException.class, () -> net.setDuplicateProbability(-0.1));
        assertThrows(IllegalArgumentException.class, () -> Delay.uniform(5, 1));
        assertThrows(IllegalArgumentException.class, () -> Delay.exponential(0));
        assertThrows(IllegalArgumentException.class, () -> Delay.pareto(1, 0));
        assertThrows(IllegalArgumentException.class, () -> Delay.constant(-1));
    }
}
