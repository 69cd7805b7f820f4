package quorumlab.protocols.testing;

import java.util.ArrayList;
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
import quorumlab.protocols.check.SafetyChecks;
import quorumlab.protocols.runtime.ClientPort;
import quorumlab.protocols.trace.InMemoryTrace;
import quorumlab.protocols.runtime.NetworkModel;
import quorumlab.protocols.trace.TraceLevel;
import quorumlab.protocols.sim.Simulation;

/**
 * A cluster of one protocol in the simulator, with the trace kept in memory at level EVENTS and one
 * client (id 1) that the test drives by hand. The fields are public so that a test can reach the
 * simulation, the trace and the network directly, as it would if it had built them itself.
 */
public class SimCluster {
    public static final long MS = 1_000_000L;

    public final Simulation sim;
    public final InMemoryTrace trace = new InMemoryTrace();
    public final NetworkModel network;
    public final List<ClientReply> replies = new ArrayList<>();
    private final String protocol;
    private final ClientPort client;
    private long seq;

    public SimCluster(String protocol, int nodes, long seed) {
        this(protocol, nodes, seed, Map.of(), new NetworkModel());
    }

    public SimCluster(String protocol, int nodes, long seed, Map<String, ?> options, NetworkModel network) {
        this.protocol = protocol;
        this.network = network;
        sim = simulation(protocol, nodes, seed, options, network, trace);
        client = sim.addClient(1, (from, reply) -> replies.add(reply));
        sim.start();
    }

    /** The one place a test simulation is built, so every helper traces the same way. */
    static Simulation simulation(String protocol, int nodes, long seed, Map<String, ?> options, NetworkModel network,
            InMemoryTrace trace) {
        Protocol p = Protocol.byName(protocol);
        return Simulation.builder().seed(seed).cluster(ClusterConfig.ofSize(nodes))
                .protocol(p, p.resolveOptions(options)).network(network)
                .trace(trace, TraceLevel.EVENTS).build();
    }

    /** Runs until some node leads, or fails the test after {@code ms} of virtual time. */
    public NodeId awaitLeader(long ms) {
        if (!sim.runUntil(() -> sim.leader().isPresent(), sim.now() + ms * MS)) {
            throw new AssertionError("no leader within " + ms + " ms (seed " + sim.seed() + ")");
        }
        return sim.leader().orElseThrow();
    }

    /** Submits a put to {@code node}; returns its sequence number. */
    public long submit(NodeId node, String key, String value) {
        seq++;
        resubmit(node, seq, key, value);
        return seq;
    }

    /** Submits a get to {@code node}; returns its sequence number. */
    public long read(NodeId node, String key) {
        seq++;
        client.submit(node, new ClientRequest(1, seq, new Operation.Get(key)), sim.now());
        return seq;
    }

    /** Sends {@code seq} again, as a client retrying after a lost reply would. */
    public void resubmit(NodeId node, long seq, String key, String value) {
        client.submit(node, new ClientRequest(1, seq, new Operation.Put(key, value)), sim.now());
    }

    /**
     * Puts {@code key = value} through {@code node} and lets {@code ms} of virtual time pass;
     * fails the test unless the put committed by then. Returns its sequence number.
     */
    public long commitWithin(NodeId node, String key, String value, long ms) {
        long put = submit(node, key, value);
        sim.runFor(ms * MS);
        if (!committed(put)) {
            throw new AssertionError("put " + key + "=" + value + " at " + node + " not committed within " + ms
                    + " ms (seed " + sim.seed() + ")");
        }
        return put;
    }

    /**
     * Puts {@code k<i> = v<i>} for every i in [from, to), letting 30 ms pass after every tenth so
     * the leader is never flooded, then lets everything settle.
     */
    public void writeMany(NodeId leader, int from, int to) {
        for (int i = from; i < to; i++) {
            submit(leader, "k" + i, "v" + i);
            if (i % 10 == 9) sim.runFor(30 * MS);
        }
        sim.runFor(300 * MS);
    }

    public Optional<ClientReply> replyTo(long seq) {
        return replies.stream().filter(r -> r.seq() == seq).findFirst();
    }

    public boolean committed(long seq) {
        return replies.stream().anyMatch(r -> r.seq() == seq && r instanceof ClientReply.Committed);
    }

    /** The commands node applied, in index order. */
    public List<String> applied(NodeId node) {
        List<String> out = new ArrayList<>();
        for (ProtocolEvent.EntryApplied a : trace.events(node, ProtocolEvent.EntryApplied.class)) out.add(a.command());
        return out;
    }

    /** What every trace-level safety checker of this protocol finds wrong with the trace so far. */
    public List<String> violations() {
        return SafetyChecks.violations(protocol, trace.records());
    }
}
