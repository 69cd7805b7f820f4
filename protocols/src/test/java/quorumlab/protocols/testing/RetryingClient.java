package quorumlab.protocols.testing;

import java.util.List;
import java.util.SplittableRandom;
import quorumlab.protocols.ClientReply;
import quorumlab.protocols.ClientRequest;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.Operation;
import quorumlab.protocols.runtime.ClientPort;
import quorumlab.protocols.runtime.ClusterRuntime;

/**
 * A closed-loop client that keeps one operation outstanding: it follows NotLeader hints, and after a
 * timeout retries the same {@code (clientId, seq)} at another node, so exactly-once is exercised.
 * It writes the value {@code "<clientId>:<seq>"}, so a read names the write it saw; with
 * {@link #reading} some of its operations are gets.
 */
public final class RetryingClient {
    private static final long MS = SimCluster.MS;

    private final long id;
    private final ClientPort port;
    private final List<NodeId> members;
    private final SplittableRandom random;
    private final long timeoutNanos;
    private NodeId target;
    private long seq;
    private int attempt;
    private ClientRequest current;
    private boolean running = true;
    private double readFraction;
    // Read from the test's thread while a Pekko runtime delivers replies on its own.
    private volatile int acknowledged;
    private volatile int readsAnswered;

    public RetryingClient(ClusterRuntime runtime, long id, long seed, long timeoutNanos) {
        this.id = id;
        this.members = runtime.cluster().members();
        this.random = new SplittableRandom(seed);
        this.timeoutNanos = timeoutNanos;
        this.port = runtime.addClient(id, this::onReply);
        this.target = members.get(random.nextInt(members.size()));
    }

    /** A fraction of the operations become gets of one of the same four keys. */
    public RetryingClient reading(double fraction) {
        this.readFraction = fraction;
        return this;
    }

    public void start() {
        port.schedule(random.nextLong(1, 10 * MS), this::next);
    }

    public void stop() {
        running = false;
    }

    /** Puts acknowledged so far. */
    public int acknowledged() {
        return acknowledged;
    }

    /** Gets answered so far. */
    public int readsAnswered() {
        return readsAnswered;
    }

    private void next() {
        if (!running) return;
        seq++;
        String key = "k" + random.nextInt(4);
        Operation op = readFraction > 0 && random.nextDouble() < readFraction
                ? new Operation.Get(key)
                : new Operation.Put(key, id + ":" + seq);
        current = new ClientRequest(id, seq, op);
        send();
    }

    private void send() {
        if (!running) return;
        int myAttempt = ++attempt;
        long mySeq = seq;
        port.submit(target, current, port.now());
        port.schedule(timeoutNanos, () -> {
            if (attempt == myAttempt && seq == mySeq) {
                port.timedOut(id, mySeq);
                target = members.get(random.nextInt(members.size()));
                send();
            }
        });
    }

    private void onReply(NodeId from, ClientReply reply) {
        if (reply.seq() != seq || current == null) return;
        attempt++; // the pending timeout no longer applies
        if (reply instanceof ClientReply.Committed) {
            if (current.operation() instanceof Operation.Get) {
                readsAnswered++;
            } else {
                acknowledged++;
            }
            port.schedule(random.nextLong(1, 5 * MS), this::next);
        } else if (reply instanceof ClientReply.NotLeader nl) {
            target = nl.hint().orElse(members.get(random.nextInt(members.size())));
            port.schedule(random.nextLong(5, 20 * MS), this::send);
        } else {
            port.schedule(random.nextLong(1, 5 * MS), this::next);
        }
    }
}
