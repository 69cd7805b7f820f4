package quorumlab.protocols.sim;

import static org.junit.jupiter.api.Assertions.*;
import static quorumlab.protocols.sim.NetworkBehaviourTest.MS;
import static quorumlab.protocols.sim.NetworkBehaviourTest.N1;
import static quorumlab.protocols.sim.NetworkBehaviourTest.N2;
import static quorumlab.protocols.sim.NetworkBehaviourTest.N3;
import static quorumlab.protocols.sim.NetworkBehaviourTest.N4;
import static quorumlab.protocols.sim.NetworkBehaviourTest.N5;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiPredicate;
import org.junit.jupiter.api.Test;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.runtime.NetworkModel;
import quorumlab.protocols.trace.TraceRecord;

/** Cuts opened under keys (fault windows): the union blocks, and each key's heal removes its own cuts only. */
class NetworkCutsTest {
    private static final Object A = "window A", B = "window B", C = "window C", D = "window D";

    /** Every directed link of {@code n} nodes that {@code cut} says is cut must be, and no other. */
    private static void assertCuts(NetworkModel net, int n, BiPredicate<Integer, Integer> cut, String when) {
        for (int a = 1; a <= n; a++) {
            for (int b = 1; b <= n; b++) {
                if (a == b) continue;
                assertEquals(cut.test(a, b), net.isCut(NodeId.of(a), NodeId.of(b)), when + ": n" + a + " -> n" + b);
            }
        }
    }

    private static boolean sides(int a, int b, int lastOfFirstSide) {
        return (a <= lastOfFirstSide) != (b <= lastOfFirstSide);
    }

    @Test
    void theOpenCutsBlockTheirUnionAndEachHealRemovesOnlyItsOwn() {
        NetworkModel net = new NetworkModel();
        net.partition(A, List.of(Set.of(N1, N2), Set.of(N3, N4, N5)));
        net.isolate(B, N3);
        net.cutOneWay(C, N4, N5);
        net.isolate(D, N3); // a second window cutting the same node
        BiPredicate<Integer, Integer> partitionA = (a, b) -> sides(a, b, 2);
        BiPredicate<Integer, Integer> isolation = (a, b) -> a == 3 || b == 3;
        BiPredicate<Integer, Integer> oneWay = (a, b) -> a == 4 && b == 5;
        assertCuts(net, 5, partitionA.or(isolation).or(oneWay), "A, B, C, D open");

        net.heal(A);
        assertCuts(net, 5, isolation.or(oneWay), "A ended");
        net.heal(B);
        assertCuts(net, 5, isolation.or(oneWay), "B ended, D still isolates n3");
        net.heal(D);
        assertCuts(net, 5, oneWay, "D ended");
        net.heal(A); // a key with nothing left is no error
        assertCuts(net, 5, oneWay, "A ended twice");

        net.partition(A, List.of(Set.of(N1), Set.of(N2, N3, N4, N5)));
        net.heal();
        assertCuts(net, 5, (a, b) -> false, "heal() clears every key");
    }

    @Test
    void anUnkeyedPartitionReplacesTheUnkeyedOneOnlyAndHealClearsBoth() {
        NetworkModel net = new NetworkModel();
        net.partition(A, List.of(Set.of(N1, N2), Set.of(N3, N4, N5)));
        net.partition(List.of(Set.of(N1), Set.of(N2, N3, N4, N5)));
        net.partition(List.of(Set.of(N5), Set.of(N1, N2, N3, N4)));
        assertCuts(net, 5, (a, b) -> sides(a, b, 2) || a == 5 || b == 5, "keyed A and the second unkeyed partition");
        net.heal(A);
        assertCuts(net, 5, (a, b) -> a == 5 || b == 5, "the unkeyed partition stays");
        net.heal();
        assertCuts(net, 5, (a, b) -> false, "healed");
    }

    /** Two overlapping partitions in the simulator: while both are open, and after the first ends, messages cross only where the model says. */
    @Test
    void messagesCrossOnlyTheLinksNoOpenCutBlocks() {
        NetworkBehaviourTest.Run run = NetworkBehaviourTest.echo(1, 4, new NetworkModel());
        NetworkModel net = run.sim().network();
        net.partition(A, List.of(Set.of(N1, N2), Set.of(N3, N4)));
        net.partition(B, List.of(Set.of(N1, N3), Set.of(N2, N4)));
        run.sim().runUntil(100 * MS);
        // Every pair is on different sides of A or of B: nothing crosses while both are open.
        assertEquals(Set.of(), NetworkBehaviourTest.deliveredLinks(run.trace(), 0));

        net.heal(A);
        long aEnded = run.sim().now();
        run.sim().runUntil(200 * MS);
        Set<List<NodeId>> sameSideOfB = new HashSet<>();
        for (List<NodeId> link : NetworkBehaviourTest.allLinks(4)) {
            if (link.get(0).id() % 2 == link.get(1).id() % 2) sameSideOfB.add(link);
        }
        assertEquals(sameSideOfB, NetworkBehaviourTest.deliveredLinks(run.trace(), aEnded), "only B's cuts remain");
        assertTrue(run.trace().records(TraceRecord.Drop.class).stream().anyMatch(d -> d.t() > aEnded && d.reason().equals("partition")),
                "B still drops messages between its sides");
    }
}
