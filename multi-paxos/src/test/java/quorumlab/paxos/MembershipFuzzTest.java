package quorumlab.paxos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static quorumlab.paxos.PaxosSimHarness.MS;
import static quorumlab.paxos.PaxosSimHarness.SECOND;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import quorumlab.protocols.MembershipChange;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.ProtocolEvent;

/**
 * Membership changes (adds of new nodes, removals of members and of the leader itself) mixed with
 * crashes, restarts, partitions, message loss and duplication, under clients that retry; the
 * configuration window α (1, 2, 4, 64), the batch size and compaction vary. Every trace must keep the invariants across configurations, lose no
 * acknowledged write and be linearizable; once the faults stop the clients must finish.
 */
class MembershipFuzzTest {
    /** Schedules per run of the suite (the seeds are fixed; raise it to search further). */
    static final int SCHEDULES = Integer.getInteger("membershipFuzzSchedules", 12);
    static final long FIRST_SEED = Long.getLong("membershipFuzzFirstSeed", 1);

    @Test
    void randomMembershipChangesUnderFaultsKeepEveryCheck() {
        int committed = 0;
        int refused = 0;
        for (long seed = FIRST_SEED; seed < FIRST_SEED + SCHEDULES; seed++) {
            PaxosSimHarness h = run(seed);
            committed += h.events(ProtocolEvent.MembershipChangeCommitted.class).size();
            refused += h.events(ProtocolEvent.MembershipChangeRefused.class).size();
        }
        System.out.printf("membership fuzz: seeds %d to %d, %d schedules, %d changes committed, %d refused%n", FIRST_SEED, FIRST_SEED + SCHEDULES - 1, SCHEDULES, committed, refused);
        assertTrue(committed >= SCHEDULES, "changes were committed: " + committed);
    }

    private static PaxosSimHarness run(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int size = random.nextBoolean() ? 3 : 5;
        Map<String, Object> options = Map.of("pipelineWindow", new int[] {1, 2, 4, 64}[random.nextInt(4)], "maxBatch", 1 + random.nextInt(3),
                "snapshotEveryEntries", random.nextBoolean() ? 0 : 10);
        PaxosSimHarness h = new PaxosSimHarness(size, seed, options);
        h.network.setDropProbability(0.05);
        h.network.setDuplicateProbability(0.05);
        List<PaxosSimHarness.Client> clients = new ArrayList<>();
        for (int c = 1; c <= 3; c++) clients.add(h.client(c, 60));
        Set<NodeId> down = new HashSet<>();
        long change = 1;
        int nextNode = size + 1;
        for (int step = 0; step < 25; step++) {
            h.sim.runFor((50 + random.nextInt(250)) * MS);
            NodeId any = h.nodes.get(random.nextInt(h.nodes.size()));
            NodeId leader = h.sim.leader().orElse(null);
            switch (random.nextInt(7)) {
                case 0 -> {
                    h.sim.crash(any);
                    down.add(any);
                }
                case 1 -> {
                    if (down.remove(any)) h.sim.restart(any);
                }
                case 2 -> {
                    Set<NodeId> side = new HashSet<>();
                    for (NodeId n : h.nodes) if (random.nextBoolean()) side.add(n);
                    Set<NodeId> rest = new HashSet<>(h.nodes);
                    rest.removeAll(side);
                    h.network.partition(List.of(side, rest));
                }
                case 3 -> h.network.heal();
                case 4 -> {
                    if (leader == null || nextNode > 20) break;
                    NodeId added = h.addNode(nextNode++);
                    h.network.placeLike(added, leader);
                    h.sim.requestMembershipChange(leader, new MembershipChange(change++, MembershipChange.Kind.ADD, added));
                }
                case 5 -> {
                    if (leader == null) break;
                    h.sim.requestMembershipChange(leader, new MembershipChange(change++, MembershipChange.Kind.REMOVE, leader));
                }
                default -> {
                    if (leader == null) break;
                    List<NodeId> members = ((PaxosNode) h.sim.node(leader)).reconfiguration.latest().members();
                    NodeId target = members.get(random.nextInt(members.size()));
                    h.sim.requestMembershipChange(leader, new MembershipChange(change++, MembershipChange.Kind.REMOVE, target));
                }
            }
        }
        h.network.heal();
        h.network.setDropProbability(0);
        for (NodeId n : down) h.sim.restart(n);
        String where = "seed " + seed + ", " + size + " nodes, options " + options;
        boolean done = h.runUntilDone(clients, 30 * SECOND);
        assertEquals(List.of(), h.violations(), where);
        assertEquals(List.of(), LogLinearizability.violations(h.trace.records()), where + ": linearizability");
        assertTrue(done, where + ": clients did not finish after the faults stopped");
        return h;
    }
}
