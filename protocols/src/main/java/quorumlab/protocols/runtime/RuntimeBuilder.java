package quorumlab.protocols.runtime;

import java.util.Objects;
import quorumlab.protocols.ClusterConfig;
import quorumlab.protocols.Options;
import quorumlab.protocols.Protocol;
import quorumlab.protocols.trace.TraceLevel;
import quorumlab.protocols.trace.TraceSink;

/**
 * The settings both runtimes' builders take; cluster and protocol are required. {@code B} is the
 * concrete builder, so that a chain of calls keeps its type and ends in its {@link #build()}.
 */
public abstract class RuntimeBuilder<B extends RuntimeBuilder<B, R>, R> {
    private long seed = 1;
    private ClusterConfig cluster;
    private Protocol protocol;
    private Options options;
    private NetworkModel network;
    private TraceSink sink = TraceSink.NONE;
    private TraceLevel level = TraceLevel.NONE;
    private Delay clientDelay = Delay.constant(500_000);
    private String scenario;
    private Long warmup;
    private Long workloadEnd;

    protected RuntimeBuilder() {}

    public B seed(long seed) {
        this.seed = seed;
        return self();
    }

    public B cluster(ClusterConfig cluster) {
        this.cluster = cluster;
        return self();
    }

    /** The protocol and its resolved options (null options means every default). */
    public B protocol(Protocol protocol, Options options) {
        this.protocol = protocol;
        this.options = options;
        return self();
    }

    public B network(NetworkModel network) {
        this.network = network;
        return self();
    }

    public B trace(TraceSink sink, TraceLevel level) {
        this.sink = Objects.requireNonNull(sink);
        this.level = Objects.requireNonNull(level);
        return self();
    }

    /** The one-way delay between a client and a node (default constant 0.5 ms). */
    public B clientDelay(Delay delay) {
        this.clientDelay = Objects.requireNonNull(delay);
        return self();
    }

    /** The scenario's name, written to the trace's meta record. */
    public B scenario(String name) {
        this.scenario = name;
        return self();
    }

    /**
     * The workload's window, written to the trace's meta record: clients send from {@code warmup}
     * until {@code end} (ns since the run began); what follows {@code end} is the drain.
     */
    public B workloadWindow(long warmup, long end) {
        if (warmup < 0 || end < warmup) throw new IllegalArgumentException("workload window [" + warmup + ", " + end + "] is not a window");
        this.warmup = warmup;
        this.workloadEnd = end;
        return self();
    }

    public abstract R build();

    /** The settings with defaults filled in and the seed split; call it once, from the runtime's constructor. */
    protected final RuntimeSettings settings() {
        return new RuntimeSettings(seed, cluster, protocol, options, network, sink, level, clientDelay, scenario, warmup, workloadEnd);
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }
}
