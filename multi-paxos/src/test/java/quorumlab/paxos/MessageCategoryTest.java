package quorumlab.paxos;

import static org.junit.jupiter.api.Assertions.*;
import static quorumlab.protocols.testing.ScriptedNetwork.any;
import static quorumlab.protocols.testing.ScriptedNetwork.link;
import static quorumlab.protocols.testing.ScriptedNetwork.ofType;
import static quorumlab.protocols.testing.ScriptedNetwork.to;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import quorumlab.protocols.ClientRequest;
import quorumlab.protocols.MessageCategory;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.Operation;
import quorumlab.protocols.testing.ScriptedNetwork.Held;
import quorumlab.paxos.PaxosMessage.Accept;
import quorumlab.paxos.PaxosMessage.Accepted;
import quorumlab.paxos.PaxosMessage.AcceptedValue;
import quorumlab.paxos.PaxosMessage.CatchUp;
import quorumlab.paxos.PaxosMessage.Chosen;
import quorumlab.paxos.PaxosMessage.Heartbeat;
import quorumlab.paxos.PaxosMessage.Nack;
import quorumlab.paxos.PaxosMessage.Prepare;
import quorumlab.paxos.PaxosMessage.Promise;
import quorumlab.paxos.PaxosMessage.SlotValue;

/** Each Multi-Paxos message falls in the cost category both protocols share (DESIGN.md, "cost"). */
class MessageCategoryTest {
    private static final Ballot B = new Ballot(1, NodeId.of(1));
    private static final ClientRequest PUT = new ClientRequest(1, 1, new Operation.Put("k", "v"));

    @Test
    void phase1IsElectionPhase2ReplicationDecisionsCommitCatchUpItsOwn() {
        assertEquals(MessageCategory.ELECTION, new Prepare(B, 1).category());
        assertEquals(MessageCategory.ELECTION, new Promise(B, 1, List.of(new AcceptedValue(1, B, PUT))).category());
        assertEquals(MessageCategory.ELECTION, new Nack(B, new Ballot(2, NodeId.of(2))).category());
        assertEquals(MessageCategory.REPLICATION, new Accept(B, List.of(new SlotValue(1, PUT))).category());
        assertEquals(MessageCategory.REPLICATION, new Accepted(B, List.of(1L), 0).category());
        assertEquals(MessageCategory.COMMIT, new Chosen(B, List.of(new SlotValue(1, PUT)), false).category());
        assertEquals(MessageCategory.CATCH_UP, new Chosen(B, List.of(new SlotValue(1, PUT)), true).category());
        assertEquals(MessageCategory.HEARTBEAT, new Heartbeat(B, 1, 0).category());
        assertEquals(MessageCategory.CATCH_UP, new CatchUp(1).category());
    }

    /** A learner that missed a decision asks for it, and the answer is catch-up, not commit. */
    @Test
    void aDecisionResentToALaggingLearnerIsCatchUp() {
        PaxosScript s = new PaxosScript(3, Map.of());
        NodeId leader = PaxosScript.n(1), lagging = PaxosScript.n(3);
        s.electionTimeout(leader);
        s.net.deliverAll(any());
        long put = s.submit(leader, "k", "v");
        s.pass(1);
        s.net.deliverAll(to(lagging).negate());
        s.net.drop(any());
        s.pass(1);
        assertTrue(s.committed(put));
        assertEquals(List.of(), s.applied(lagging));

        s.fire(leader, PaxosNode.HEARTBEAT_TIMER);
        Held beat = s.net.deliverOne(link(leader, lagging));
        assertEquals(MessageCategory.HEARTBEAT, beat.message().category());
        Held ask = s.net.deliverOne(link(lagging, leader).and(ofType(CatchUp.class)));
        assertEquals(MessageCategory.CATCH_UP, ask.message().category());
        Held answer = s.net.deliverOne(link(leader, lagging).and(ofType(Chosen.class)));
        assertEquals(MessageCategory.CATCH_UP, answer.message().category());
        assertEquals(List.of("c1:" + put), s.applied(lagging));
        s.net.deliverAll(any());
        assertEquals(List.of(), s.violations());
    }
}
