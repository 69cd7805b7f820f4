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
        long index = node.appendAsLeader(request);
        // A single-node cluster commits inside appendAsLeader, before this line runs.
        if (node.ctx.lastApplied() < index) {
            pending.put(index, request);
        }
    }

    /** The entry at {@code index} was applied; answer its client if this leader took the request. */
    void onApplied(long index, LogEntry entry, Result result) {
        ClientRequest request = pending.remove(index);
        if (request == null && node.role == quorumlab.protocols.Role.LEADER
                && entry.term() == node.state.currentTerm()
                && entry.command() instanceof ClientRequest r) {
            // Appended by onRequest in a single-node cluster, which commits before it can be recorded.
            request = r;
        }
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
