package quorumlab.analysis.experiment;

import java.util.ArrayList;
import java.util.List;
import quorumlab.protocols.ClientReply;
import quorumlab.protocols.ClientRequest;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.Operation;
import quorumlab.protocols.runtime.ClientPort;
import quorumlab.protocols.sim.Simulation;

/**
 * A client that writes one value at a time for as long as the run lasts: it follows NotLeader hints,
 * and after {@code timeout} without an answer (a leader that stepped down, a request lost with a
 * crashed node) it gives up on that node, records the time-out and sends the same request to the
 * next one, so the exactly-once record, not the client, prevents a second application.
 */
final class ClosedLoopWriter {
    private final Simulation sim;
    private final long clientId;
    private final int keys;
    private final long timeout;
    private final long think;
    private final long until;
    private final List<NodeId> members;
    private final ClientPort port;
    private final List<Long> commits = new ArrayList<>();
    private long seq = 1;
    private int target;
    /** Bumped per attempt, so a stale time-out does not resend a request already answered. */
    private long attempt;

    ClosedLoopWriter(Simulation sim, long clientId, int keys, long timeout, long think, long until) {
        this.sim = sim;
        this.clientId = clientId;
        this.keys = keys;
        this.timeout = timeout;
        this.think = think;
        this.until = until;
        this.members = sim.cluster().members();
        this.target = (int) (clientId % members.size());
        this.port = sim.addClient(clientId, (from, reply) -> onReply(reply));
    }

    void start() {
        sim.schedule(sim.now(), this::send);
    }

    /** When each of this client's writes was acknowledged, in virtual nanoseconds. */
    List<Long> commits() {
        return commits;
    }

    private void send() {
        if (port.now() >= until) return;
        long mine = ++attempt;
        String key = "c" + clientId + "-" + (seq % keys);
        port.submit(members.get(target), new ClientRequest(clientId, seq, new Operation.Put(key, "v" + seq)), port.now());
        port.schedule(timeout, () -> {
            if (attempt != mine) return;
            port.timedOut(clientId, seq);
            target = (target + 1) % members.size();
            send();
        });
    }

    private void onReply(ClientReply reply) {
        if (reply.seq() != seq) return;
        if (reply instanceof ClientReply.Committed) {
            commits.add(port.now());
            seq++;
            attempt++;
            port.schedule(think, this::send);
        } else if (reply instanceof ClientReply.NotLeader nl) {
            attempt++;
            target = nl.hint().map(members::indexOf).filter(i -> i >= 0 && i != target).orElse((target + 1) % members.size());
            port.schedule(think, this::send);
        } else {
            attempt++;
            port.schedule(think, this::send);
        }
    }
}
