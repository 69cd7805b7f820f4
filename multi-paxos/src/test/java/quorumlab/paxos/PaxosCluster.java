package quorumlab.paxos;

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
import quorumlab.protocols.check.SafetyChecks;

/** A Multi-Paxos cluster in the simulator, with the trace kept in memory and a simple client. */
final class PaxosCluster {
    static final long MS = 1_000_000L;

    final Simulation sim;
    final InMemoryTrace trace = new InMemoryTrace();
    final NetworkModel network;
    final List<ClientReply> replies = new ArrayList<>();
    private final ClientPort client;
    private long seq;

    PaxosCluster(int nodes, long seed) {
        this(nodes, seed, Map.of(), new NetworkModel());
    }

    PaxosCluster(int nodes, long seed, Map<String, ?> options, NetworkModel network) {
        Protocol paxos = Protocol.byName("multi-paxos");
        this.network = network;
        sim = Simulation.builder().seed(seed).cluster(ClusterConfig.ofSize(nodes))
                .protocol(paxos, paxos.resolveOptions(options)).network(network)
                .trace(trace, TraceLevel.EVENTS).build();
        client = sim.addClient(1, (from, reply) -> replies.add(reply));
        sim.start();
    }

    NodeId awaitLeader(long ms) {
        if (!sim.runUntil(() -> sim.leader().isPresent(), sim.now() + ms * MS)) {
            throw new AssertionError("no leader within " + ms + " ms (seed " + sim.seed() + ")");
        }
        return sim.leader().orElseThrow();
    }

    long submit(NodeId node, String key, String value) {
        seq++;
        client.submit(node, new ClientRequest(1, seq, new Operation.Put(key, value)), sim.now());
        return seq;
    }

    /** Sends {@code seq} again, as a client retrying after a lost reply would. */
    void resubmit(NodeId node, long seq, String key, String value) {
        client.submit(node, new ClientRequest(1, seq, new Operation.Put(key, value)), sim.now());
    }

    boolean committed(long seq) {
        return replies.stream().anyMatch(r -> r.seq() == seq && r instanceof ClientReply.Committed);
    }

    /** The commands node applied, in index order. */
    List<String> applied(NodeId node) {
        List<String> out = new ArrayList<>();
        for (ProtocolEvent.EntryApplied a : trace.events(node, ProtocolEvent.EntryApplied.class)) out.add(a.command());
        return out;
    }

    List<String> violations() {
        return SafetyChecks.violations("multi-paxos", trace.records());
    }
}
