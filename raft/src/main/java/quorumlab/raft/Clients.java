package quorumlab.raft;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import quorumlab.protocols.ClientReply;
import quorumlab.protocols.ClientRequest;
import quorumlab.protocols.Result;

/**
 * The leader's side of client interaction (Raft §8): a request becomes a log entry, and its client
 * hears back once that entry is committed and applied. A retried {@code (clientId, seq)} is simply
 * appended again: the state machine applies it once and returns the recorded result for the copy.
 */
final class Clients {
    private final RaftNode node;
    /** Requests this leader appended and has not answered yet, by log index. */
    private final Map<Long, ClientRequest> pending = new TreeMap<>();

    Clients(RaftNode node) {
        this.node = node;
    }

    void onRequest(ClientRequest request) {
        // Recorded first: a single-node cluster commits and applies inside appendAsLeader.
        pending.put(node.state.log.lastIndex() + 1, request);
        node.appendAsLeader(request);
    }

    /** The entry at {@code index} was applied; answer its client if this leader took the request. */
    void onApplied(long index, LogEntry entry, Result result) {
        ClientRequest request = pending.remove(index);
        if (request != null && request.id().equals(entry.command().id())) {
            node.ctx.reply(new ClientReply.Committed(request.clientId(), request.seq(), index, result));
        }
    }

    /**
     * This node stopped leading. Its pending entries may still commit under the next leader, or be
     * replaced; the clients retry elsewhere, and exactly-once application makes the retry safe.
     */
    void onLeadershipLost() {
        for (ClientRequest request : pending.values()) {
            node.ctx.reply(new ClientReply.NotLeader(request.clientId(), request.seq(), Optional.empty()));
        }
        pending.clear();
    }
}
