package quorumlab.primarybackup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import quorumlab.protocols.ClientReply;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.check.AcknowledgedWrites;
import quorumlab.protocols.check.SafetyChecks;
import quorumlab.protocols.testing.DeterminismGuard;
import quorumlab.protocols.testing.SimCluster;
import quorumlab.protocols.trace.TraceRecord;

/**
 * Primary-backup works while nothing fails, and loses an acknowledged write as soon as the primary
 * is cut off, which is what it is for: the baseline that shows what a quorum buys.
 */
class PrimaryBackupTest {
    static final long MS = SimCluster.MS;

    private static List<NodeId> leaders(SimCluster c) {
        List<NodeId> out = new ArrayList<>();
        for (NodeId n : c.sim.cluster().members()) {
            if (((PrimaryBackupNode) c.sim.node(n)).role() == quorumlab.protocols.Role.LEADER) out.add(n);
        }
        return out;
    }

    @Test
    void withoutFaultsEveryNodeAppliesTheSameWritesAndEveryCheckHolds() {
        SimCluster c = new SimCluster("primary-backup", 3, 1);
        NodeId primary = c.awaitLeader(1000);
        c.writeMany(primary, 0, 30);
        for (long seq = 1; seq <= 30; seq++) assertTrue(c.committed(seq), "write " + seq);
        List<String> atPrimary = c.applied(primary);
        assertEquals(30, atPrimary.size());
        for (NodeId n : c.sim.cluster().members()) assertEquals(atPrimary, c.applied(n), "log of " + n);
        assertEquals(List.of(), c.violations());
        assertEquals(List.of(primary), leaders(c));
    }

    @Test
    void aRequestAtABackupIsForwardedToThePrimary() {
        SimCluster c = new SimCluster("primary-backup", 3, 2);
        NodeId primary = c.awaitLeader(1000);
        NodeId backup = c.sim.cluster().members().stream().filter(n -> !n.equals(primary)).findFirst().orElseThrow();
        c.sim.runFor(20 * MS); // until the backups have heard the new primary's first heartbeat
        c.commitWithin(backup, "k", "v", 50);
        assertEquals(List.of("c1:1"), c.applied(primary));
    }

    /**
     * The primary is cut off: it still acknowledges a write no backup will ever get, a backup takes
     * over at the same time without asking anyone, and its own write takes the same index. After the
     * heal the old primary steps down and the acknowledged write is gone: a read at the new primary
     * does not see it, and "no acknowledged write lost" says so.
     */
    @Test
    void aWriteAcknowledgedByACutOffPrimaryIsLost() {
        SimCluster c = new SimCluster("primary-backup", 3, 3);
        NodeId old = c.awaitLeader(1000);
        c.commitWithin(old, "k", "before", 50);
        c.network.isolate(old);
        long lost = c.commitWithin(old, "k", "acknowledged", 10);
        c.sim.runFor(400 * MS);
        List<NodeId> two = leaders(c);
        assertEquals(2, two.size(), "split brain: the cut-off primary and the backup that took over, " + two);
        NodeId taker = two.stream().filter(n -> !n.equals(old)).findFirst().orElseThrow();
        c.commitWithin(taker, "other", "x", 50);
        c.network.heal();
        c.sim.runFor(200 * MS);
        assertEquals(List.of(taker), leaders(c), "the old primary stepped down after the heal");
        long read = c.read(taker, "k");
        c.sim.runFor(50 * MS);
        ClientReply reply = c.replyTo(read).orElseThrow();
        assertEquals("before", ((ClientReply.Committed) reply).result().value(), "the acknowledged write is gone");
        List<String> v = AcknowledgedWrites.violations(c.trace.records());
        assertTrue(v.stream().anyMatch(s -> s.contains("c1:" + lost) && s.contains("acknowledged write lost")), v.toString());
        assertEquals(v, c.violations(), "the protocol's own invariant holds: only the common check fails");
    }

    @Test
    void epochsOnlyGrowAcrossARestart() {
        SimCluster c = new SimCluster("primary-backup", 3, 4);
        NodeId first = c.awaitLeader(1000);
        c.sim.crash(first);
        c.sim.runFor(500 * MS);
        c.sim.restart(first);
        c.network.isolate(first);
        c.sim.runFor(500 * MS);
        long tookOver = c.trace.events(first, ProtocolEvent.LeaderEstablished.class).size();
        assertTrue(tookOver >= 2, "the isolated node took over again after its restart");
        assertEquals(List.of(), PrimaryBackupInvariants.violations(c.trace.records()));
    }

    @Test
    void theInvariantFlagsANodeThatLeadsAnOlderEpochAgain() {
        List<TraceRecord> trace = List.of(
                new TraceRecord.Event(1, NodeId.of(1), new ProtocolEvent.LeaderEstablished(2)),
                new TraceRecord.Event(2, NodeId.of(2), new ProtocolEvent.LeaderEstablished(2)),
                new TraceRecord.Event(3, NodeId.of(1), new ProtocolEvent.LeaderEstablished(2)));
        List<String> v = SafetyChecks.violations(new PrimaryBackupProtocol(), trace);
        assertEquals(1, v.size(), v.toString());
        assertTrue(v.get(0).contains("n1 took over in epoch 2 after it had led epoch 2"), v.get(0));
        assertEquals(v, SafetyChecks.violations("primary-backup", trace));
    }

    @Test
    void matchedSettingsSetTheTimeoutsAndTheHeartbeat() {
        var options = new PrimaryBackupProtocol().matchedOptions(quorumlab.protocols.MatchedSettings.DEFAULT);
        assertEquals(150L, options.get("electionTimeoutMinMs"));
        assertEquals(300L, options.get("electionTimeoutMaxMs"));
        assertEquals(50L, options.get("heartbeatIntervalMs"));
        assertEquals(64L, options.get("maxBatch"));
        assertEquals(50L, new PrimaryBackupProtocol().resolveOptions(options).getLong("heartbeatIntervalMs"));
        assertNotEquals(quorumlab.protocols.Protocol.Rounds.SHARED_TERMS, new PrimaryBackupProtocol().rounds());
    }

    @Test
    void theMainSourcesAreDeterministic() {
        Path main = Path.of("src", "main");
        assertTrue(DeterminismGuard.javaFiles(main) > 0);
        assertEquals(List.of(), DeterminismGuard.scan(main));
    }
}
