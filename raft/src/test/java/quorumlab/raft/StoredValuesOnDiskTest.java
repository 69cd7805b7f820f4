package quorumlab.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import quorumlab.protocols.ClientRequest;
import quorumlab.protocols.ConfigurationCommand;
import quorumlab.protocols.KvStateMachine;
import quorumlab.protocols.NoOp;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.Operation;
import quorumlab.protocols.store.DiskStore;

/** Every kind of value Raft keeps in its durable store comes back equal from the disk store. */
class StoredValuesOnDiskTest {
    @TempDir
    Path dir;

    @Test
    void termVoteLogEntriesAndSnapshotsRoundTrip() {
        KvStateMachine sm = new KvStateMachine();
        sm.apply(1, new ClientRequest(4, 1, new Operation.Put("k", "v")));
        sm.apply(2, new ClientRequest(5, 1, new Operation.Cas("k", "v", "w")));
        List<LogEntry> log = List.of(
                new LogEntry(1, NoOp.INSTANCE),
                new LogEntry(1, new ClientRequest(4, 2, new Operation.Put("key", "x".repeat(100)))),
                new LogEntry(2, new ClientRequest(4, 3, new Operation.Get("key"))),
                new LogEntry(3, new ClientRequest(5, 2, new Operation.Cas("key", "a", "b"))),
                new LogEntry(3, new ConfigurationCommand(9, List.of(NodeId.of(1), NodeId.of(2), NodeId.of(6)),
                        List.of(NodeId.of(1), NodeId.of(2), NodeId.of(3)))));
        List<PersistentState.TermAndVote> votes = List.of(
                new PersistentState.TermAndVote(0, null), new PersistentState.TermAndVote(7, NodeId.of(3)));
        RaftSnapshot snapshot = new RaftSnapshot(2, 1, sm.snapshot(),
                new ConfigurationCommand(8, List.of(NodeId.of(1), NodeId.of(2), NodeId.of(3)), List.of()), 1);

        Path store = dir.resolve("n1");
        try (DiskStore s = DiskStore.open(NodeId.of(1), store)) {
            for (int i = 0; i < log.size(); i++) s.putAt(RaftLog.TABLE, i + 1, log.get(i));
            for (int i = 0; i < votes.size(); i++) s.put(PersistentState.TERM_AND_VOTE + i, votes.get(i));
            s.put(RaftSnapshot.KEY, snapshot);
            s.sync();
        }
        try (DiskStore s = DiskStore.open(NodeId.of(1), store)) {
            for (int i = 0; i < log.size(); i++) assertEquals(log.get(i), s.getAt(RaftLog.TABLE, i + 1));
            for (int i = 0; i < votes.size(); i++) assertEquals(votes.get(i), s.get(PersistentState.TERM_AND_VOTE + i));
            assertEquals(snapshot, s.get(RaftSnapshot.KEY));
        }
    }
}
