package quorumlab.paxos;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import quorumlab.protocols.ClientRequest;
import quorumlab.protocols.ConfigurationCommand;
import quorumlab.protocols.Command;
import quorumlab.protocols.KvStateMachine;
import quorumlab.protocols.NoOp;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.Operation;
import quorumlab.protocols.store.DiskStore;

/** Every kind of value the Multi-Paxos acceptor and learner keep in the durable store comes back equal from disk. */
class StoredValuesOnDiskTest {
    @TempDir
    Path dir;

    @Test
    void promisesAcceptedValuesChosenCommandsAndSnapshotsRoundTrip() {
        KvStateMachine sm = new KvStateMachine();
        sm.apply(1, new ClientRequest(4, 1, new Operation.Put("k", "v")));
        sm.apply(2, NoOp.INSTANCE);
        List<Command> commands = List.of(NoOp.INSTANCE,
                new ClientRequest(4, 2, new Operation.Put("key", "x".repeat(100))),
                new ClientRequest(4, 3, new Operation.Get("key")),
                new ClientRequest(5, 1, new Operation.Cas("key", "a", "b")),
                new ConfigurationCommand(7, List.of(NodeId.of(1), NodeId.of(2), NodeId.of(6)), List.of()));
        Ballot promised = new Ballot(9, NodeId.of(2));
        List<PaxosMessage.AcceptedValue> accepted = List.of(
                new PaxosMessage.AcceptedValue(1, Ballot.ZERO, commands.get(0)),
                new PaxosMessage.AcceptedValue(2, promised, commands.get(1)),
                new PaxosMessage.AcceptedValue(3, new Ballot(3, NodeId.of(5)), commands.get(3)));
        PaxosSnapshot snapshot = new PaxosSnapshot(sm.snapshot(), List.of(
                new Configuration(0, 1, 0, List.of(NodeId.of(1), NodeId.of(2), NodeId.of(3))),
                new Configuration(5, 13, 7, List.of(NodeId.of(1), NodeId.of(2), NodeId.of(6)))));

        Path store = dir.resolve("n2");
        try (DiskStore s = DiskStore.open(NodeId.of(2), store)) {
            s.put("paxos.promised", promised);
            s.put("paxos.forgottenThrough", 2L);
            s.put("paxos.snapshot", snapshot);
            for (PaxosMessage.AcceptedValue v : accepted) s.putAt("paxos.accepted", v.slot(), v);
            for (int i = 0; i < commands.size(); i++) s.putAt("paxos.chosen", i + 1, commands.get(i));
            s.sync();
        }
        try (DiskStore s = DiskStore.open(NodeId.of(2), store)) {
            assertEquals(promised, s.get("paxos.promised"));
            assertEquals(Long.valueOf(2), s.get("paxos.forgottenThrough"));
            assertEquals(snapshot, s.get("paxos.snapshot"));
            for (PaxosMessage.AcceptedValue v : accepted) assertEquals(v, s.getAt("paxos.accepted", v.slot()));
            for (int i = 0; i < commands.size(); i++) assertEquals(commands.get(i), s.getAt("paxos.chosen", i + 1));
        }
    }
}
