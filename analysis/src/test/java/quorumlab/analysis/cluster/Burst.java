package quorumlab.analysis.cluster;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import quorumlab.protocols.ClientReply;
import quorumlab.protocols.ClientRequest;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.Operation;
import quorumlab.protocols.runtime.ClientHandler;
import quorumlab.protocols.runtime.ClientPort;
import quorumlab.protocols.runtime.ClusterRuntime;

/**
 * Closed-loop clients for the cluster tests, one request outstanding each: client {@code c} writes
 * {@code k<c>-<seq>} = {@code v<c>-<seq>} (a key per write, so a later read names exactly one write)
 * or reads such a key. A client follows NotLeader hints, and after a refusal or a timeout sends the
 * same {@code (clientId, seq)} to the next node. Everything but the counters runs on the runtime's
 * client actor. Any runtime: the simulator's tests use it too ({@code WireRoundTripTest}).
 */
public final class Burst {
    private final ClusterRuntime runtime;
    private final List<NodeId> members;
    private final long timeoutNanos;
    /** Keys whose write was acknowledged, with the value written. */
    final Map<String, String> acknowledged = new ConcurrentHashMap<>();
    /** Reads answered, key to the value read (null: absent). */
    final Map<String, String> read = new ConcurrentHashMap<>();
    final AtomicInteger completed = new AtomicInteger();
    private final Map<Long, Client> clients = new HashMap<>();
    private volatile boolean stopped;

    public Burst(ClusterRuntime runtime, long timeoutNanos) {
        this.runtime = runtime;
        this.members = runtime.cluster().members();
        this.timeoutNanos = timeoutNanos;
    }

    /** Starts {@code count} clients with ids from {@code firstId}; each sends {@code operations} of {@code ops} in turn. */
    public void start(long firstId, int count, List<Operation> ops) {
        runtime.schedule(0, () -> {
            for (int i = 0; i < count; i++) {
                long id = firstId + i;
                List<Operation> mine = new java.util.ArrayList<>();
                for (int j = i; j < ops.size(); j += count) mine.add(ops.get(j));
                Client c = new Client(id, mine);
                clients.put(id, c);
                c.next();
            }
        });
    }

    /** No client sends another operation (what is outstanding may still complete). */
    void stop() {
        stopped = true;
    }

    static Operation write(String key) {
        return new Operation.Put(key, "v-" + key);
    }

    private final class Client implements ClientHandler {
        private final long id;
        private final List<Operation> ops;
        private final ClientPort port;
        private int index = -1;
        private long seq;
        /** Counts sends, so that only the latest send's timeout or retry acts. */
        private long attempt;
        private NodeId target;
        private boolean waiting;

        Client(long id, List<Operation> ops) {
            this.id = id;
            this.ops = ops;
            this.port = runtime.addClient(id, this);
            this.target = members.get((int) (id % members.size()));
        }

        void next() {
            index++;
            if (index >= ops.size() || stopped) return;
            seq++;
            send();
        }

        private void send() {
            waiting = true;
            long sent = ++attempt;
            port.submit(target, new ClientRequest(id, seq, ops.get(index)), port.now());
            port.schedule(timeoutNanos, () -> {
                if (waiting && attempt == sent) {
                    port.timedOut(id, seq);
                    retryElsewhere();
                }
            });
        }

        private void retryElsewhere() {
            target = members.get((members.indexOf(target) + 1) % members.size());
            send();
        }

        @Override
        public void onReply(NodeId from, ClientReply reply) {
            if (!waiting || reply.seq() != seq) return;
            if (reply instanceof ClientReply.Committed c) {
                waiting = false;
                Operation op = ops.get(index);
                if (op instanceof Operation.Put put) acknowledged.put(put.key(), put.value());
                else if (op instanceof Operation.Get get) read.put(get.key(), c.result().value() == null ? "<absent>" : c.result().value());
                completed.incrementAndGet();
                next();
            } else if (reply instanceof ClientReply.NotLeader nl) {
                if (nl.hint().isPresent() && !nl.hint().get().equals(from)) {
                    target = nl.hint().get();
                    send();
                } else {
                    // no leader known yet: ask again a little later, elsewhere
                    long sent = ++attempt;
                    port.schedule(20_000_000L, () -> {
                        if (waiting && attempt == sent) retryElsewhere();
                    });
                }
            }
        }

        @Override
        public void onRefused(NodeId node, long refusedSeq) {
            if (refusedSeq != seq || !waiting) return;
            // the node is down: try the next one soon (not at once: with every node down that would spin)
            long sent = ++attempt;
            port.schedule(20_000_000L, () -> {
                if (waiting && attempt == sent) retryElsewhere();
            });
        }
    }
}
