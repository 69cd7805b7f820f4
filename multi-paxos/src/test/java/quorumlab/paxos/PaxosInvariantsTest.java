package quorumlab.paxos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.check.SafetyChecks;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.trace.TraceRecord;

class PaxosInvariantsTest {
    static final NodeId N1 = NodeId.of(1), N2 = NodeId.of(2), N3 = NodeId.of(3);

    private final List<TraceRecord> trace = new ArrayList<>(List.of(new TraceRecord.Meta(0, "multi-paxos", 3, 1, "sim", "t")));
    private long t = 1;

    private void at(NodeId node, ProtocolEvent event) {
        trace.add(new TraceRecord.Event(t++, node, event));
    }

    private void goodRun() {
        at(N1, new ProtocolEvent.LeaderEstablished(1));
        for (NodeId n : List.of(N1, N2, N3)) at(n, new ProtocolEvent.ValueAccepted(1, 1, N1, "c1:1"));
        for (NodeId n : List.of(N1, N2, N3)) at(n, new ProtocolEvent.SlotChosen(1, 1, "c1:1"));
        for (NodeId n : List.of(N1, N2, N3)) at(n, new ProtocolEvent.EntryApplied(1, "c1:1"));
    }

    @Test
    void aCleanRunHasNoViolations() {
        goodRun();
        // a later leader re-proposes the chosen value: still one value for the slot
        at(N2, new ProtocolEvent.LeaderEstablished(2));
        for (NodeId n : List.of(N2, N3)) at(n, new ProtocolEvent.ValueAccepted(1, 2, N2, "c1:1"));
        assertEquals(List.of(), PaxosInvariants.violations(trace));
        assertEquals(List.of(), SafetyChecks.violations("multi-paxos", trace));
    }

    @Test
    void registeredThroughTheProtocolAndFoundByName() {
        goodRun();
        at(N2, new ProtocolEvent.LeaderEstablished(2));
        for (NodeId n : List.of(N2, N3)) at(n, new ProtocolEvent.ValueAccepted(1, 2, N2, "c2:1"));
        List<String> v = SafetyChecks.violations(new MultiPaxosProtocol(), trace);
        assertTrue(v.stream().anyMatch(s -> s.contains("after c1:1 was chosen")), v.toString());
        assertEquals(v, SafetyChecks.violations("multi-paxos", trace));
    }

    @Test
    void twoValuesChosenForOneSlotByMajoritiesAreCaught() {
        goodRun();
        at(N2, new ProtocolEvent.LeaderEstablished(2));
        for (NodeId n : List.of(N2, N3)) at(n, new ProtocolEvent.ValueAccepted(1, 2, N2, "c2:1"));
        List<String> v = PaxosInvariants.violations(trace);
        assertEquals(1, v.size(), v.toString());
        assertTrue(v.get(0).contains("slot 1") && v.get(0).contains("c2:1"), v.get(0));
    }

    @Test
    void differentLearnedOrAppliedValuesAreCaught() {
        goodRun();
        for (NodeId n : List.of(N1, N3)) at(n, new ProtocolEvent.ValueAccepted(2, 1, N1, "c1:2"));
        at(N3, new ProtocolEvent.SlotChosen(2, 1, "c1:2"));
        at(N2, new ProtocolEvent.SlotChosen(2, 1, "noop"));
        at(N2, new ProtocolEvent.EntryApplied(2, "noop"));
        at(N3, new ProtocolEvent.EntryApplied(2, "c1:2"));
        List<String> v = PaxosInvariants.violations(trace);
        assertEquals(2, v.size(), v.toString());
        assertTrue(v.get(0).contains("slot 2: learned noop"), v.get(0));
        assertTrue(v.get(1).contains("index 2: applied c1:2"), v.get(1));
    }

    @Test
    void forgettingSlotsSomeNodeHasNoSnapshotOfIsCaught() {
        goodRun();
        at(N1, new ProtocolEvent.SnapshotTaken(1, 0));
        at(N2, new ProtocolEvent.SnapshotTaken(1, 0));
        at(N1, new ProtocolEvent.SlotsForgotten(1));
        at(N3, new ProtocolEvent.SnapshotTaken(1, 0));
        at(N2, new ProtocolEvent.SlotsForgotten(1));
        List<String> v = PaxosInvariants.violations(trace);
        assertEquals(1, v.size(), v.toString());
        assertTrue(v.get(0).contains("node n1 forgot slots through 1"), v.get(0));
    }

    /**
     * n4 joins from slot 10 on: it needs no snapshot of slots 1-5, which it never votes in; n3, an
     * acceptor of those slots, does.
     */
    @Test
    void forgettingNeedsTheSnapshotsOfTheForgottenSlotsAcceptorsNotOfALaterMember() {
        goodRun();
        at(N1, new ProtocolEvent.ConfigurationChanged(1, 10, List.of(N1, N2, N3, N4), List.of(), true));
        at(N1, new ProtocolEvent.SnapshotTaken(5, 0));
        at(N2, new ProtocolEvent.SnapshotTaken(5, 0));
        at(N3, new ProtocolEvent.SnapshotTaken(3, 0));
        at(N1, new ProtocolEvent.SlotsForgotten(5));
        at(N3, new ProtocolEvent.SnapshotTaken(5, 0));
        at(N2, new ProtocolEvent.SlotsForgotten(5));
        List<String> v = PaxosInvariants.violations(trace);
        assertEquals(1, v.size(), v.toString());
        assertTrue(v.get(0).contains("node n1 forgot slots through 5 but not every member of [n1, n2, n3] has a snapshot beyond 3"),
                v.get(0));
    }

    @Test
    void forgettingSlotsWhoseAcceptorsWereAllRemovedSinceNeedsNoSnapshot() {
        goodRun();
        at(N1, new ProtocolEvent.ConfigurationChanged(1, 10, List.of(N4), List.of(), true));
        at(N1, new ProtocolEvent.SnapshotTaken(5, 0));
        at(N1, new ProtocolEvent.SlotsForgotten(5));
        assertEquals(List.of(), PaxosInvariants.violations(trace));
        // once a later configuration takes n2 back, its snapshot is required again
        at(N2, new ProtocolEvent.ConfigurationChanged(2, 20, List.of(N2, N4), List.of(), true));
        at(N2, new ProtocolEvent.SlotsForgotten(5));
        List<String> v = PaxosInvariants.violations(trace);
        assertEquals(1, v.size(), v.toString());
        assertTrue(v.get(0).contains("node n2 forgot slots through 5 but not every member of [n2]"), v.get(0));
    }

    @Test
    void aBallotEstablishedTwiceOrUsedWithoutLeaderIsCaught() {
        at(N1, new ProtocolEvent.LeaderEstablished(1));
        at(N1, new ProtocolEvent.LeaderEstablished(1));
        at(N2, new ProtocolEvent.ValueAccepted(4, 7, N3, "c1:1"));
        List<String> v = PaxosInvariants.violations(trace);
        assertEquals(2, v.size(), v.toString());
        assertTrue(v.get(0).contains("established twice"), v.get(0));
        assertTrue(v.get(1).contains("no leader established"), v.get(1));
    }

    static final NodeId N4 = NodeId.of(4), N5 = NodeId.of(5);

    /** Slot 1 holds a configuration command: [n1, n4, n5] governs slots from 3 on (α = 2). */
    private void reconfigured() {
        at(N1, new ProtocolEvent.LeaderEstablished(1));
        for (NodeId n : List.of(N1, N2, N3)) at(n, new ProtocolEvent.ValueAccepted(1, 1, N1, "config:1:n1,n4,n5"));
        for (NodeId n : List.of(N1, N2, N3)) {
            at(n, new ProtocolEvent.SlotChosen(1, 1, "config:1:n1,n4,n5"));
            at(n, new ProtocolEvent.ConfigurationChanged(1, 3, List.of(N1, N4, N5), List.of(), true));
        }
    }

    @Test
    void aSlotIsChosenOnlyByAMajorityOfItsOwnConfiguration() {
        reconfigured();
        // Slot 3: the old acceptors n2, n3 and n1 accept c1:1, but only n1 belongs to [n1, n4, n5].
        for (NodeId n : List.of(N1, N2, N3)) at(n, new ProtocolEvent.ValueAccepted(3, 1, N1, "c1:1"));
        at(N4, new ProtocolEvent.LeaderEstablished(2));
        // A majority of the new configuration accepts another value: the one chosen, no conflict.
        for (NodeId n : List.of(N4, N5)) at(n, new ProtocolEvent.ValueAccepted(3, 2, N4, "c2:1"));
        at(N4, new ProtocolEvent.SlotChosen(3, 2, "c2:1"));
        assertEquals(List.of(), PaxosInvariants.violations(trace));
    }

    @Test
    void aValueLearnedFromAMajorityOfTheOldConfigurationIsCaught() {
        reconfigured();
        // A leader that counted votes with the old configuration in a slot the new one governs.
        for (NodeId n : List.of(N1, N2)) at(n, new ProtocolEvent.ValueAccepted(3, 1, N1, "c1:1"));
        at(N1, new ProtocolEvent.SlotChosen(3, 1, "c1:1"));
        List<String> v = PaxosInvariants.violations(trace);
        assertEquals(1, v.size(), v.toString());
        assertTrue(v.get(0).contains("slot 3: learned c1:1 but no majority of [n1, n4, n5] had accepted it"), v.get(0));
    }

    @Test
    void nodesThatDisagreeOnAConfigurationAreCaught() {
        reconfigured();
        at(N4, new ProtocolEvent.ConfigurationChanged(1, 3, List.of(N1, N2, N4), List.of(), true));
        List<String> v = PaxosInvariants.violations(trace);
        assertEquals(1, v.size(), v.toString());
        assertTrue(v.get(0).contains("configuration for slots from 3 is [n1, n2, n4] but another node has [n1, n4, n5]"), v.get(0));
    }
}
