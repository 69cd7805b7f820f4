package quorumlab.paxos;

import java.util.HashMap;
import java.util.Map;
import quorumlab.protocols.ClientReply;
import quorumlab.protocols.ClientRequest;
import quorumlab.protocols.Command;
import quorumlab.protocols.Result;

/**
 * The client side of the leader: a request becomes a proposal, and its client is answered once the
 * command is applied here ("Paxos Made Moderately Complex": the replica answers after performing it).
 */
final class Clients {
    private final PaxosNode node;
    /** Requests this node received, answered once their command is applied here. */
    private final Map<String, ClientRequest> pendingReplies = new HashMap<>();

    Clients(PaxosNode node) {
        this.node = node;
    }

    /**
     * Reads go through the log like writes; a retried (clientId, seq) is proposed again and the
     * state machine answers it from its record instead of applying it twice.
     */
    void onRequest(ClientRequest request) {
        pendingReplies.put(request.id(), request);
        node.leader.propose(request);
    }

    void onApplied(long index, Command command, Result result) {
        if (command instanceof ClientRequest r) {
            ClientRequest pending = pendingReplies.remove(r.id());
            if (pending != null) {
                node.ctx.reply(new ClientReply.Committed(r.clientId(), r.seq(), index, result));
            }
        }
    }
}
