package quorumlab.raft;

import static org.junit.jupiter.api.Assertions.*;
import static quorumlab.protocols.testing.ScriptedNetwork.any;
import static quorumlab.protocols.testing.ScriptedNetwork.link;
import static quorumlab.protocols.testing.ScriptedNetwork.ofType;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import quorumlab.protocols.ClientRequest;
import quorumlab.protocols.KvStateMachine;
import quorumlab.protocols.MessageCategory;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.Operation;
import quorumlab.protocols.testing.ScriptedNetwork.Held;
import quorumlab.raft.RaftMessage.AppendEntries;
import quorumlab.raft.RaftMessage.AppendEntriesReply;
import quorumlab.raft.RaftMessage.InstallSnapshot;
import quorumlab.raft.RaftMessage.InstallSnapshotReply;
import quorumlab.raft.RaftMessage.RequestVote;
import quorumlab.raft.RaftMessage.RequestVoteReply;

/** Each Raft message falls in the cost category both protocols share (DESIGN.md, "cost"). */
class MessageCategoryTest {
    private static final NodeId LEADER = NodeId.of(1);
    private static final LogEntry ENTRY = new LogEntry(1, new ClientRequest(1, 1, new Operation.Put("k", "v")));

    @Test
    void votesAreElectionAppendsReplicationOrHeartbeatSnapshotsCatchUp() {
        assertEquals(MessageCategory.ELECTION, new RequestVote(2, LEADER, 0, 0, false).category());
        assertEquals(MessageCategory.ELECTION, new RequestVote(2, LEADER, 0, 0, true).category());
        assertEquals(MessageCategory.ELECTION, new RequestVoteReply(2, true, false).category());
        assertEquals(MessageCategory.ELECTION, new RequestVoteReply(2, false, true).category());
        assertEquals(MessageCategory.REPLICATION, new AppendEntries(1, LEADER, 0, 0, List.of(ENTRY), 0, 1).category());
        assertEquals(MessageCategory.HEARTBEAT, new AppendEntries(1, LEADER, 0, 0, List.of(), 0, 1).category());
        assertEquals(MessageCategory.REPLICATION, new AppendEntriesReply(1, true, 1, 0, 0, 1, 1, false).category());
        assertEquals(MessageCategory.HEARTBEAT, new AppendEntriesReply(1, false, 0, 3, 0, 1, 1, true).category());
        KvStateMachine.Snapshot data = new KvStateMachine().snapshot();
        assertEquals(MessageCategory.CATCH_UP, new InstallSnapshot(1, LEADER, 5, 1, data, 1, null, 0).category());
        assertEquals(MessageCategory.CATCH_UP, new InstallSnapshotReply(1, 5, 1, 1).category());
    }

    /** A follower's reply says which kind of append it answers, success or not. */
    @Test
    void aReplyToAnEmptyAppendIsAHeartbeatAndToEntriesReplication() {
        RaftScript s = new RaftScript(3, Map.of());
        NodeId b = RaftScript.n(2);
        s.elect(LEADER, b, RaftScript.n(3));
        Held beat = s.net.deliverOne(link(LEADER, b));
        assertEquals(MessageCategory.HEARTBEAT, beat.message().category(), "the new leader's first append is empty");
        Held beatReply = s.net.deliverOne(link(b, LEADER));
        assertEquals(MessageCategory.HEARTBEAT, beatReply.message().category());

        s.submit(LEADER, "k", "v");
        s.pass(1);
        Held append = s.net.deliverOne(link(LEADER, b).and(ofType(AppendEntries.class)));
        assertEquals(MessageCategory.REPLICATION, append.message().category());
        Held appendReply = s.net.deliverOne(link(b, LEADER));
        assertTrue(((AppendEntriesReply) appendReply.message()).success());
        assertEquals(MessageCategory.REPLICATION, appendReply.message().category());
        s.net.deliverAll(any());
        assertEquals(List.of(), s.violations());
    }
}
