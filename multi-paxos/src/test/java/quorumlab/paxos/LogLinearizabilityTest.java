package quorumlab.paxos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import quorumlab.protocols.ClientReply;
import quorumlab.protocols.ClientRequest;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.Operation;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.Result;
import quorumlab.protocols.trace.TraceRecord;

/** The log-order linearizability check the membership tests use catches what it must. */
class LogLinearizabilityTest {
    private static final NodeId N1 = NodeId.of(1);
    private static final ClientRequest PUT = new ClientRequest(1, 1, new Operation.Put("k", "v1"));
    private static final ClientRequest GET = new ClientRequest(2, 1, new Operation.Get("k"));

    private final List<TraceRecord> trace = new ArrayList<>();

    private void invoke(long t, ClientRequest r) {
        trace.add(new TraceRecord.Invoke(t, t, N1, r));
    }

    private void ok(long t, ClientRequest r, long index, Result result) {
        trace.add(new TraceRecord.Complete(t, r.clientId(), r.seq(), N1, new ClientReply.Committed(r.clientId(), r.seq(), index, result), "ok"));
    }

    private void applied(long t, long index, ClientRequest r) {
        trace.add(new TraceRecord.Event(t, N1, new ProtocolEvent.EntryApplied(index, r.id())));
    }

    @Test
    void aReadOrderedAfterTheWriteItFollowsIsLinearizable() {
        invoke(1, PUT);
        applied(2, 1, PUT);
        ok(3, PUT, 1, Result.OK);
        invoke(4, GET);
        applied(5, 2, GET);
        ok(6, GET, 2, Result.read("v1"));
        assertEquals(List.of(), LogLinearizability.violations(trace));
    }

    @Test
    void aReadWhoseResultTheLogDoesNotGiveIsCaught() {
        invoke(1, PUT);
        applied(2, 1, PUT);
        ok(3, PUT, 1, Result.OK);
        invoke(4, GET);
        applied(5, 2, GET);
        ok(6, GET, 2, Result.read(null));
        List<String> v = LogLinearizability.violations(trace);
        assertEquals(1, v.size(), v.toString());
        assertTrue(v.get(0).startsWith("c2:1 got"), v.get(0));
    }

    @Test
    void anOperationTakingEffectBeforeOneThatCompletedBeforeItWasInvokedIsCaught() {
        invoke(1, PUT);
        applied(2, 2, PUT);
        ok(3, PUT, 2, Result.OK);
        invoke(4, GET);
        applied(5, 1, GET);
        ok(6, GET, 1, Result.read(null));
        List<String> v = LogLinearizability.violations(trace);
        assertEquals(1, v.size(), v.toString());
        assertTrue(v.get(0).contains("took effect before it"), v.get(0));
    }
}
