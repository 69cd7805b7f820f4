package quorumlab.analysis.viewer;

import java.util.List;
import java.util.Optional;
import quorumlab.protocols.ClientReply;
import quorumlab.protocols.ClientRequest;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.Operation;
import quorumlab.protocols.runtime.ClientHandler;
import quorumlab.protocols.runtime.ClientPort;
import quorumlab.protocols.sim.Simulation;

/**
 * A burst of client writes from the live view: {@code count} new clients, each writing once to a key
 * of its own burst. Each behaves as the workload's clients do: it sends to the node the simulator
 * knows leads (else n1), follows a NotLeader hint at once, tries the next node 10 ms after a refusal
 * or a reply without a hint, and gives up (an indeterminate {@code info} in the history) after
 * {@link #ATTEMPTS} tries or {@link #TIMEOUT_NANOS} without a reply.
 */
final class BurstClients {
    /** Far above the workload's client ids (closed loop 1.., open loop 1,000,000..). */
    static final long FIRST_ID = 2_000_000_000L;
    static final int ATTEMPTS = 10;
    static final long RETRY_NANOS = 10_000_000L;
    static final long TIMEOUT_NANOS = 500_000_000L;

    private BurstClients() {}

    /** Starts burst number {@code burst} of {@code count} writes now. */
    static void start(Simulation sim, int burst, int count) {
        for (int k = 0; k < count; k++) new Writer(sim, FIRST_ID + burst * 1000L + k, "burst" + burst, "w" + k).send();
    }

    private static final class Writer implements ClientHandler {
        private final Simulation sim;
        private final long clientId;
        private final ClientPort port;
        private final ClientRequest request;
        private final List<NodeId> members;
        private NodeId target;
        private int attempts;
        private boolean done;

        Writer(Simulation sim, long clientId, String key, String value) {
            this.sim = sim;
            this.clientId = clientId;
            this.port = sim.addClient(clientId, this);
            this.request = new ClientRequest(clientId, 1, new Operation.Put(key, value));
            this.members = sim.cluster().members();
            this.target = sim.leader().orElse(members.get(0));
        }

        void send() {
            if (done) return;
            if (++attempts > ATTEMPTS) {
                giveUp();
                return;
            }
            int attempt = attempts;
            port.submit(target, request, port.now());
            port.schedule(TIMEOUT_NANOS, () -> {
                if (!done && attempts == attempt) giveUp();
            });
        }

        private void giveUp() {
            done = true;
            port.timedOut(clientId, request.seq());
        }

        private void nextNode() {
            target = members.get((members.indexOf(target) + 1) % members.size());
        }

        @Override
        public void onReply(NodeId from, ClientReply reply) {
            if (done) return;
            if (reply instanceof ClientReply.NotLeader nl) {
                Optional<NodeId> hint = nl.hint().filter(h -> !h.equals(from));
                if (hint.isPresent()) {
                    target = hint.get();
                    send();
                } else {
                    nextNode();
                    port.schedule(RETRY_NANOS, this::send);
                }
            } else {
                done = true;
            }
        }

        @Override
        public void onRefused(NodeId node, long seq) {
            if (done) return;
            nextNode();
            port.schedule(RETRY_NANOS, this::send);
        }
    }
}
