package quorumlab.raft;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import quorumlab.protocols.ClientReply;
import quorumlab.protocols.ClientRequest;
import quorumlab.protocols.ClusterConfig;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.Operation;
import quorumlab.protocols.Protocol;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.runtime.ClientPort;
import quorumlab.protocols.runtime.InMemoryTrace;
import quorumlab.protocols.runtime.NetworkModel;
import quorumlab.protocols.runtime.TraceLevel;
import quorumlab.protocols.sim.Simulation;
import quorumlab.protocols.trace.TraceRecord;

/** A Raft cluster in the simulator, with the trace kept in memory and a simple client. */
final class RaftCluster {
    static final long MS = 1_000_000L;

    final Simulation sim;
    final InMemoryTrace trace = new InMemoryTrace();
    final NetworkModel network;
    final List<ClientReply> replies = new ArrayList<>();
    private final ClientPort client;
    private long seq;

    RaftCluster(int nodes, long seed) {
        this(nodes, seed, Map.of(), new NetworkModel());
    }

    RaftCluster(int nodes, long seed, Map<String, ?> options, NetworkModel network) {
        Protocol raft = Protocol.byName("raft");
        this.network = network;
        sim = Simulation.builder().seed(seed).cluster(ClusterConfig.ofSize(nodes))
                .protocol(raft, raft.resolveOptions(options)).network(network)
                .trace(trace, TraceLevel.EVENTS).build();
        client = sim.addClient(1, (from, reply) -> replies.add(reply));
        sim.start();
    }

    /** Runs until some node leads, or fails the test after {@code ms} of virtual time. */
    NodeId awaitLeader(long ms) {
        if (!sim.runUntil(() -> sim.leader().isPresent(), sim.now() + ms * MS)) {
            throw new AssertionError("no leader within " + ms + " ms (seed " + sim.seed() + ")");
        }
        return sim.leader().orElseThrow();
    }

    /** Submits a put to {@code node}; returns its sequence number. */
    long submit(NodeId node, String key, String value) {
        seq++;
        client.submit(node, new ClientRequest(1, seq, new Operation.Put(key, value)), sim.now());
        return seq;
    }

    /** Submits a get to {@code node}; returns its sequence number. */
    long read(NodeId node, String key) {
        seq++;
        client.submit(node, new ClientRequest(1, seq, new Operation.Get(key)), sim.now());
        return seq;
    }

    /** Sends {@code seq} again, as a client retrying after a lost reply would. */
    void resubmit(NodeId node, long seq, String key, String value) {
        client.submit(node, new ClientRequest(1, seq, new Operation.Put(key, value)), sim.now());
    }

    Optional<ClientReply> replyTo(long seq) {
        return replies.stream().filter(r -> r.seq() == seq).findFirst();
    }

    boolean committed(long seq) {
        return replies.stream().anyMatch(r -> r.seq() == seq && r instanceof ClientReply.Committed);
    }

    /** The term of every LeaderEstablished, by node. */
    Map<Long, List<NodeId>> leadersByTerm() {
        Map<Long, List<NodeId>> out = new HashMap<>();
        for (TraceRecord.Event e : trace.events()) {
            if (e.event() instanceof ProtocolEvent.LeaderEstablished le) {
                out.computeIfAbsent(le.term(), t -> new ArrayList<>()).add(e.node());
            }
        }
        return out;
    }

    List<ProtocolEvent.EntryCommitted> commits(NodeId node) {
        return trace.events(node, ProtocolEvent.EntryCommitted.class);
    }

    /** The highest term any node has started an election for. */
    long highestTerm() {
        return trace.events(ProtocolEvent.ElectionStarted.class).stream()
                .mapToLong(ProtocolEvent.ElectionStarted::term).max().orElse(0);
    }
}
