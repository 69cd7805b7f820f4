package quorumlab.protocols.runtime;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import quorumlab.protocols.ClientReply;
import quorumlab.protocols.ClientRequest;
import quorumlab.protocols.NodeId;

/**
 * A client port of a real-time runtime (Pekko local or cluster): it remembers which node each
 * outstanding request went to, so a reply, a give-up or a refused connection completes a request
 * once. Its handler and scheduled actions run on the runtime's one client actor. A runtime adds how a
 * request travels and what a completion or a refusal records.
 */
public abstract class TrackedClientPort extends AbstractClientPort {
    private final ClientHandler handler;
    /** Sequence numbers outstanding, with the node each went to. */
    private final Map<Long, NodeId> outstanding = new ConcurrentHashMap<>();

    protected TrackedClientPort(ClusterRuntime runtime, long clientId, ClientHandler handler) {
        super(runtime, clientId);
        this.handler = handler;
    }

    /** Carries a request already recorded as outstanding at {@code node}. */
    protected abstract void deliver(NodeId node, ClientRequest request, long intendedNanos);

    /** Records request {@code seq} completed: by {@code reply} from {@code from}, or given up (both null). */
    protected abstract void recordCompleted(long seq, NodeId from, ClientReply reply);

    /** Records that {@code node} refused request {@code seq}. */
    protected abstract void recordRefused(long seq, NodeId node);

    @Override
    protected final void send(NodeId node, ClientRequest request, long intendedNanos) {
        outstanding.put(request.seq(), node);
        deliver(node, request, intendedNanos);
    }

    @Override
    protected final void gaveUp(long seq) {
        if (outstanding.remove(seq) != null) recordCompleted(seq, null, null);
    }

    /** Runs on the client actor. */
    public final void replyArrived(NodeId from, ClientReply reply) {
        if (outstanding.remove(reply.seq()) != null) recordCompleted(reply.seq(), from, reply);
        handler.onReply(from, reply);
    }

    /** Runs on the client actor: {@code node} is down, so the connection refused or broke. */
    public final void refused(NodeId node, long seq) {
        if (!outstanding.remove(seq, node)) return;
        recordRefused(seq, node);
        handler.onRefused(node, seq);
    }

    /** The sequence numbers outstanding at {@code node}. */
    public final List<Long> outstandingAt(NodeId node) {
        return outstanding.entrySet().stream().filter(e -> e.getValue().equals(node)).map(Map.Entry::getKey).toList();
    }
}
