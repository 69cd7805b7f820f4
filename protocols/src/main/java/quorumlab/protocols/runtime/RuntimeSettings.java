package quorumlab.protocols.runtime;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import quorumlab.protocols.ClusterConfig;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.Options;
import quorumlab.protocols.Protocol;
import quorumlab.protocols.trace.TraceRecord;
import quorumlab.protocols.trace.TraceLevel;
import quorumlab.protocols.trace.TraceSink;

/**
 * What a runtime is built from, with the defaults filled in, and the run's random streams. Both
 * runtimes take their streams from here so that a seed splits the same way in each: from
 * {@code new SplittableRandom(seed)}, in this order, the network's seed (each directed link then
 * derives its own stream), the clients' seed (each client's stream derives from it and the client
 * id), and one stream per member in cluster order (the node's random, kept across restarts).
 */
public final class RuntimeSettings {
    private final long seed;
    private final ClusterConfig cluster;
    private final Protocol protocol;
    private final Options options;
    private final NetworkModel network;
    private final TraceSink sink;
    private final TraceLevel level;
    private final Delay clientDelay;
    private final String scenario;
    private final Long warmup;
    private final Long workloadEnd;
    private final long clientSeed;
    private final Map<NodeId, SplittableRandom> memberRandoms = new HashMap<>();

    RuntimeSettings(long seed, ClusterConfig cluster, Protocol protocol, Options options, NetworkModel network,
            TraceSink sink, TraceLevel level, Delay clientDelay, String scenario, Long warmup, Long workloadEnd) {
        this.seed = seed;
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        this.protocol = Objects.requireNonNull(protocol, "protocol");
        this.options = options != null ? options : protocol.resolveOptions(Map.of());
        this.network = network != null ? network : new NetworkModel();
        this.sink = sink;
        this.level = level;
        this.clientDelay = clientDelay;
        this.scenario = scenario;
        this.warmup = warmup;
        this.workloadEnd = workloadEnd;

        SplittableRandom root = new SplittableRandom(seed);
        this.network.reseed(root.nextLong());
        this.clientSeed = root.nextLong();
        for (NodeId id : cluster.members()) memberRandoms.put(id, root.split());
    }

    public long seed() {
        return seed;
    }

    public ClusterConfig cluster() {
        return cluster;
    }

    public Protocol protocol() {
        return protocol;
    }

    public Options options() {
        return options;
    }

    public NetworkModel network() {
        return network;
    }

    public TraceSink sink() {
        return sink;
    }

    /** Whether protocol events reach the trace (meta, faults, counts and client records always do). */
    public boolean traceEvents() {
        return level.includesEvents();
    }

    /**
     * Whether to count messages for {@link quorumlab.protocols.trace.TraceRecord.MessageCounts}:
     * at every level, unless the sink keeps nothing ({@link TraceSink#NONE}, the benchmarks).
     */
    public boolean countMessages() {
        return sink != TraceSink.NONE;
    }

    public boolean traceMessages() {
        return level.includesMessages();
    }

    public Delay clientDelay() {
        return clientDelay;
    }

    /** The scenario's name for the meta record, or null. */
    public String scenario() {
        return scenario;
    }

    /** A new meta record, the first line of a trace, at {@code t}. */
    public TraceRecord.Meta meta(long t, String runtime) {
        return new TraceRecord.Meta(t, protocol.name(), cluster.size(), seed, runtime, scenario, warmup, workloadEnd);
    }

    /**
     * The node's own stream: a bootstrap member's was split off the seed in cluster order; a node
     * added at run time gets one derived from the seed and its id, so adding it changes no other stream.
     */
    public synchronized SplittableRandom memberRandom(NodeId id) {
        return memberRandoms.computeIfAbsent(id, n -> new SplittableRandom(mix(seed ^ mix(0x6a6f696e00000000L | n.id()))));
    }

    /** A fresh stream for the client's link delays, the same for the same seed and client id. */
    public SplittableRandom clientRandom(long clientId) {
        return new SplittableRandom(mix(clientSeed ^ mix(clientId)));
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
