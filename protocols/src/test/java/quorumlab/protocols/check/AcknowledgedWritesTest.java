package quorumlab.protocols.check;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import quorumlab.protocols.ClientReply;
import quorumlab.protocols.ClientRequest;
import quorumlab.protocols.Node;
import quorumlab.protocols.NodeContext;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.Operation;
import quorumlab.protocols.OptionSpec;
import quorumlab.protocols.Options;
import quorumlab.protocols.Protocol;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.ProtocolEvent.EntryAppended;
import quorumlab.protocols.ProtocolEvent.EntryApplied;
import quorumlab.protocols.ProtocolEvent.EntryCommitted;
import quorumlab.protocols.ProtocolEvent.LeaderEstablished;
import quorumlab.protocols.Result;
import quorumlab.protocols.testing.FixedLeaderLogProtocol;
import quorumlab.protocols.trace.TraceRecord;

/** "No acknowledged write lost" flags hand-made traces that break it and passes correct ones; every protocol gets it. */
class AcknowledgedWritesTest {
    static final NodeId N1 = NodeId.of(1), N2 = NodeId.of(2), N3 = NodeId.of(3);

    private final List<TraceRecord> trace = new ArrayList<>();
    private long t;

    private void ev(NodeId node, ProtocolEvent e) {
        trace.add(new TraceRecord.Event(++t, node, e));
    }

    private void ack(long clientId, long seq, long index) {
        trace.add(new TraceRecord.Complete(++t, clientId, seq, N1,
                new ClientReply.Committed(clientId, seq, index, Result.OK), "ok"));
    }

    /** A correct history: n1 leads term 1, replicates c1:1 to n2, commits, applies, acknowledges. */
    private void healthyPrefix() {
        ev(N1, new LeaderEstablished(1));
        ev(N1, new EntryAppended(1, 1, "c1:1"));
        ev(N2, new EntryAppended(1, 1, "c1:1"));
        ev(N1, new EntryCommitted(1, 1, "c1:1"));
        ev(N1, new EntryApplied(1, "c1:1"));
        ack(1, 1, 1);
        ev(N2, new EntryCommitted(1, 1, "c1:1"));
        ev(N2, new EntryApplied(1, "c1:1"));
    }

    @Test
    void anAcknowledgedWriteReplacedAtItsIndexIsLost() {
        healthyPrefix();
        ack(1, 2, 2);
        ev(N3, new EntryApplied(2, "c7:7"));
        List<String> v = AcknowledgedWrites.violations(trace);
        assertEquals(1, v.size(), v.toString());
        assertTrue(v.get(0).contains("c1:2") && v.get(0).contains("index 2"), v.get(0));
    }

    @Test
    void anAcknowledgedWriteNobodyAppliedIsFlagged() {
        ack(4, 1, 5);
        assertEquals(1, AcknowledgedWrites.violations(trace).size());
    }

    @Test
    void aReadAnsweredAtAReadIndexIsNotAWrite() {
        healthyPrefix();
        trace.add(new TraceRecord.Invoke(++t, t, N1, new ClientRequest(2, 1, new Operation.Get("k"))));
        ack(2, 1, 1);
        trace.add(new TraceRecord.Invoke(++t, t, N1, new ClientRequest(2, 2, new Operation.Put("k", "v"))));
        ack(2, 2, 1);
        List<String> v = AcknowledgedWrites.violations(trace);
        assertEquals(1, v.size(), "only the put acknowledged at another command's index: " + v);
        assertTrue(v.get(0).contains("c2:2"), v.get(0));
    }

    @Test
    void twoNodesApplyingDifferentCommandsIsFlagged() {
        ev(N1, new EntryApplied(1, "c1:1"));
        ev(N2, new EntryApplied(1, "c2:1"));
        assertEquals(1, AcknowledgedWrites.violations(trace).size());
    }

    @Test
    void notLeaderAndTimeoutsAreNoAcknowledgement() {
        trace.add(new TraceRecord.Complete(++t, 1, 1, N2, new ClientReply.NotLeader(1, 1, Optional.empty()), "not_leader"));
        trace.add(new TraceRecord.Complete(++t, 1, 2, N2, null, "timeout"));
        assertEquals(List.of(), AcknowledgedWrites.violations(trace));
    }

    @Test
    void aProtocolGetsTheCommonCheckFirstThenItsOwnInvariants() {
        java.util.function.Supplier<SafetyChecks.Checker> own = () -> new SafetyChecks.Checker() {
            @Override
            public void accept(TraceRecord record) {}

            @Override
            public List<String> finish() {
                return List.of("own invariant broken");
            }
        };
        Protocol withOwn = new Protocol() {
            @Override
            public String name() {
                return "with-own";
            }

            @Override
            public String description() {
                return "a protocol with one invariant of its own";
            }

            @Override
            public List<OptionSpec> options() {
                return List.of();
            }

            @Override
            public Node createNode(NodeContext context, Options options) {
                throw new UnsupportedOperationException();
            }

            @Override
            public List<java.util.function.Supplier<SafetyChecks.Checker>> invariants() {
                return List.of(own);
            }
        };
        ack(4, 1, 5);
        assertEquals(2, SafetyChecks.forProtocol(withOwn).size());
        List<String> v = SafetyChecks.violations(withOwn, trace);
        assertEquals(2, v.size(), v.toString());
        assertTrue(v.get(0).contains("no node applied that index"), v.get(0));
        assertEquals("own invariant broken", v.get(1));
    }

    @Test
    void aProtocolWithNoInvariantsOrAnUnknownNameGetsTheCommonCheckOnly() {
        ev(N1, new LeaderEstablished(3));
        ev(N2, new LeaderEstablished(3));
        ack(4, 1, 5);
        assertEquals(1, SafetyChecks.forProtocol(new FixedLeaderLogProtocol()).size());
        assertEquals(1, SafetyChecks.violations("some-other", trace).size());
        assertEquals(AcknowledgedWrites.violations(trace), SafetyChecks.violations("some-other", trace));
    }
}
