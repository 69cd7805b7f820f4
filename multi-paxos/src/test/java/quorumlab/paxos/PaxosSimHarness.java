package quorumlab.paxos;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import quorumlab.protocols.ClientReply;
import quorumlab.protocols.ClientRequest;
import quorumlab.protocols.ClusterConfig;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.Operation;
import quorumlab.protocols.Protocol;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.check.SafetyChecks;
import quorumlab.protocols.runtime.ClientPort;
import quorumlab.protocols.trace.InMemoryTrace;
import quorumlab.protocols.runtime.NetworkModel;
import quorumlab.protocols.trace.TraceLevel;
import quorumlab.protocols.sim.Simulation;
import quorumlab.protocols.trace.TraceRecord;

/** A simulated Multi-Paxos cluster seen only from outside: the runtime, clients and the trace. */
final class PaxosSimHarness {
    static final long MS = 1_000_000L;
    static final long SECOND = 1_000 * MS;

    final InMemoryTrace trace = new InMemoryTrace();
    final Simulation sim;
    final NetworkModel network;
    final int size;
    /** Every node that exists, bootstrap members first, then those added; clients try them in turn. */
    final List<NodeId> nodes = new ArrayList<>();

    PaxosSimHarness(int size, long seed, Map<String, ?> options) {
        this(size, seed, options, Protocol.byName("multi-paxos"));
    }

    PaxosSimHarness(int size, long seed, Map<String, ?> options, Protocol protocol) {
        this.size = size;
        for (int i = 1; i <= size; i++) nodes.add(NodeId.of(i));
        this.network = new NetworkModel();
        Protocol real = Protocol.byName("multi-paxos");
        sim = Simulation.builder().seed(seed).cluster(ClusterConfig.ofSize(size))
                .protocol(protocol, real.resolveOptions(options)).network(network)
                .trace(trace, TraceLevel.EVENTS).build();
        sim.start();
    }

    NodeId node(int id) {
        return NodeId.of(id);
    }

    /** Starts node {@code id}, empty and outside the configuration, as an operator adding a server would. */
    NodeId addNode(int id) {
        NodeId added = NodeId.of(id);
        sim.addNode(added);
        nodes.add(added);
        return added;
    }

    NodeId awaitLeader(long withinNanos) {
        boolean found = sim.runUntil(() -> sim.leader().isPresent(), sim.now() + withinNanos);
        if (!found) throw new AssertionError("no leader by t=" + sim.now() + " (seed " + sim.seed() + ")");
        return sim.leader().orElseThrow();
    }

    /** Every safety violation in the trace so far. */
    List<String> violations() {
        return SafetyChecks.violations("multi-paxos", trace.records());
    }

    void assertSafe() {
        List<String> v = violations();
        assertEquals(List.of(), v, "safety violations (seed " + sim.seed() + ")");
    }

    /** What {@code node}'s current incarnation applied, index by index (a restart re-applies from 1). */
    List<String> applied(NodeId node) {
        TreeMap<Long, String> byIndex = new TreeMap<>();
        for (TraceRecord r : trace.records()) {
            if (r instanceof TraceRecord.Event e && e.node().equals(node) && e.event() instanceof ProtocolEvent.EntryApplied a) {
                byIndex.put(a.index(), a.command());
            }
        }
        return new ArrayList<>(byIndex.values());
    }

    <E extends ProtocolEvent> List<E> events(Class<E> type) {
        return trace.events(type);
    }

    /**
     * A closed-loop client: one request at a time, retried (same id, so applied once) at another
     * node on NotLeader or after a timeout, until {@code count} are acknowledged.
     */
    final class Client {
        final long id;
        final int count;
        final ClientPort port;
        final List<Long> acknowledgedSeqs = new ArrayList<>();
        NodeId target = NodeId.of(1);
        long seq = 1;
        long attempt;

        Client(long id, int count) {
            this.id = id;
            this.count = count;
            this.port = sim.addClient(id, this::onReply);
            port.schedule(0, this::send);
        }

        boolean done() {
            return acknowledgedSeqs.size() >= count;
        }

        private void send() {
            if (done()) return;
            long mine = ++attempt;
            port.submit(target, new ClientRequest(id, seq, new Operation.Put("k" + (seq % 7), "c" + id + "v" + seq)), port.now());
            port.schedule(300 * MS, () -> {
                if (attempt == mine && !done()) {
                    port.timedOut(id, seq);
                    target = next(target);
                    send();
                }
            });
        }

        private void onReply(NodeId from, ClientReply reply) {
            if (reply.seq() != seq || done()) return;
            if (reply instanceof ClientReply.Committed) {
                acknowledgedSeqs.add(seq);
                seq++;
                attempt++;
                send();
            } else if (reply instanceof ClientReply.NotLeader nl) {
                Optional<NodeId> hint = nl.hint();
                target = hint.filter(h -> !h.equals(from)).orElse(next(from));
                attempt++;
                port.schedule(20 * MS, this::send);
            }
        }

        private NodeId next(NodeId n) {
            return nodes.get((nodes.indexOf(n) + 1) % nodes.size());
        }
    }

    Client client(long id, int count) {
        return new Client(id, count);
    }

    boolean runUntilDone(List<Client> clients, long withinNanos) {
        return sim.runUntil(() -> clients.stream().allMatch(Client::done), sim.now() + withinNanos);
    }
}
