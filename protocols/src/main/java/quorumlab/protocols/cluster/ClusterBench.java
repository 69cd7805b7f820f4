package quorumlab.protocols.cluster;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import quorumlab.protocols.ClientReply;
import quorumlab.protocols.ClientRequest;
import quorumlab.protocols.ClusterConfig;
import quorumlab.protocols.MatchedSettings;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.Operation;
import quorumlab.protocols.Protocol;
import quorumlab.protocols.runtime.ClientHandler;
import quorumlab.protocols.runtime.ClientPort;
import quorumlab.protocols.runtime.Delay;
import quorumlab.protocols.runtime.NetworkModel;
import quorumlab.protocols.trace.TraceLevel;
import quorumlab.protocols.trace.TraceSink;

/**
 * The cluster runtime's benchmark: three node processes on loopback with no added network delay,
 * the matched settings, {@code outstanding} closed-loop clients with one write of a 100-byte value
 * each outstanding (a write goes to the node the client believes leads; NotLeader hints are
 * followed), no trace. Throughput and latency count the operations completed in the measurement
 * window, after a warm-up.
 */
public final class ClusterBench {
    /** One measured configuration; latencies in milliseconds. */
    public record Row(String protocol, String store, int outstanding, long operations, double seconds, double p50Ms, double p99Ms) {
        public double opsPerSecond() {
            return operations / seconds;
        }
    }

    private static final String VALUE = "x".repeat(100);

    /**
     * The node JVMs' options: C1 only ({@code TieredStopAtLevel=1}), as the runtime's default. With
     * full tiered compilation the four JVMs' C2 compilers took half a core to a core of the two for
     * 30-40 s after start, so a window of seconds on a fresh cluster measured the JIT's ramp, not the
     * runtime: one write at a time, Raft went from 30 to 1,200 ops/s over the first 45 s, and which
     * protocol looked faster depended on how far its compilation had got (docs/cluster-runtime-bench.md,
     * "Raft against Multi-Paxos at one outstanding write"). C1's compilations are cheap: the cores go
     * to the write path within seconds, at the price of slower code than C2's at the end of its ramp.
     */
    private static final List<String> NODE_JVM_OPTIONS = List.of("-Xmx512m", "-XX:+UseParallelGC", "-XX:TieredStopAtLevel=1");

    /** The node JVMs' options, printed beside the figures. */
    public static List<String> nodeJvmOptions() {
        return NODE_JVM_OPTIONS;
    }

    /**
     * The coordinator (this JVM) is one process of every configuration and, unlike the nodes, lives
     * through all of them: without this the first configuration measured (always Raft, memory store,
     * one write at a time) shared the cores with the coordinator's own JIT and the later ones did not.
     * Its effect on the figures was lost in the noise of a loaded machine (docs/cluster-runtime-bench.md);
     * it is kept so that every configuration is measured under the same conditions.
     */
    private static final AtomicBoolean coordinatorWarm = new AtomicBoolean();
    private static final int COORDINATOR_WARMUP_OUTSTANDING = 64;
    private static final Duration COORDINATOR_WARMUP = Duration.ofSeconds(3);

    private ClusterBench() {}

    /**
     * Runs one configuration: a fresh cluster, {@code warmup}, then {@code window} measured. The first
     * call in a JVM runs an unmeasured configuration before it (the same protocol, memory store, 64
     * writes outstanding, {@code warmup} and 3 s), which warms the coordinator's JIT.
     */
    public static Row measure(Protocol protocol, String store, int outstanding, Duration warmup, Duration window, Path dir) {
        if (coordinatorWarm.compareAndSet(false, true)) {
            run(protocol, NodeStores.MEMORY, COORDINATOR_WARMUP_OUTSTANDING, warmup, COORDINATOR_WARMUP, dir.resolve("coordinator-warm-up"));
        }
        return run(protocol, store, outstanding, warmup, window, dir);
    }

    private static Row run(Protocol protocol, String store, int outstanding, Duration warmup, Duration window, Path dir) {
        PekkoClusterRuntime rt = PekkoClusterRuntime.builder().seed(1).cluster(ClusterConfig.ofSize(3))
                .protocol(protocol, protocol.resolveOptions(protocol.matchedOptions(MatchedSettings.DEFAULT)))
                .network(new NetworkModel().setDelay(Delay.constant(0))).trace(TraceSink.NONE, TraceLevel.NONE)
                .store(store, dir.resolve(protocol.name() + "-" + store + "-" + outstanding))
                .jvmOptions(NODE_JVM_OPTIONS).build();
        try (rt) {
            rt.start();
            Window measured = new Window(outstanding * 4096);
            for (int i = 0; i < outstanding; i++) new Writer(rt, i + 1, measured).start();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            // warm-up begins when the first write completes (a leader serves)
            while (measured.completedAll.get() == 0 && System.nanoTime() < deadline) sleep(10);
            sleep(warmup.toMillis());
            measured.open(rt.now());
            sleep(window.toMillis());
            long end = rt.now();
            measured.close();
            double seconds = (end - measured.openedAt) / 1e9;
            long[] latencies = measured.latencies();
            return new Row(protocol.name(), store, outstanding, latencies.length, seconds,
                    percentile(latencies, 0.50) / 1e6, percentile(latencies, 0.99) / 1e6);
        }
    }

    private static double percentile(long[] sorted, double q) {
        if (sorted.length == 0) return Double.NaN;
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }

    /** The latencies of writes completed while the window is open. */
    private static final class Window {
        final AtomicLong completedAll = new AtomicLong();
        private long[] values;
        private int size;
        volatile boolean open;
        volatile long openedAt;

        Window(int capacity) {
            values = new long[capacity];
        }

        void open(long now) {
            openedAt = now;
            open = true;
        }

        synchronized void close() {
            open = false;
        }

        synchronized void add(long latency) {
            completedAll.incrementAndGet();
            if (!open) return;
            if (size == values.length) values = Arrays.copyOf(values, size * 2);
            values[size++] = latency;
        }

        synchronized long[] latencies() {
            long[] out = Arrays.copyOf(values, size);
            Arrays.sort(out);
            return out;
        }
    }

    /** One closed-loop client: a write outstanding at a time; its handler runs on the client actor. */
    private static final class Writer implements ClientHandler {
        private final PekkoClusterRuntime rt;
        private final long id;
        private final Window window;
        private final ClientPort port;
        private final List<NodeId> members;
        private NodeId target;
        private long seq;
        private long sentAt;
        private long attempt;

        Writer(PekkoClusterRuntime rt, long id, Window window) {
            this.rt = rt;
            this.id = id;
            this.window = window;
            this.members = rt.cluster().members();
            this.port = rt.addClient(id, this);
            this.target = members.get(0);
        }

        void start() {
            rt.schedule(0, this::next);
        }

        private void next() {
            seq++;
            sentAt = port.now();
            send();
        }

        private void send() {
            long sent = ++attempt;
            port.submit(target, new ClientRequest(id, seq, new Operation.Put("k" + id, VALUE)), sentAt);
            // a request that reached a node before it started is lost: send it again after a while
            port.schedule(2_000_000_000L, () -> {
                if (attempt == sent) {
                    port.timedOut(id, seq);
                    send();
                }
            });
        }

        @Override
        public void onReply(NodeId from, ClientReply reply) {
            if (reply.seq() != seq) return;
            attempt++;
            if (reply instanceof ClientReply.Committed) {
                window.add(port.now() - sentAt);
                next();
            } else if (reply instanceof ClientReply.NotLeader nl) {
                target = nl.hint().filter(h -> !h.equals(from)).orElse(members.get((members.indexOf(from) + 1) % members.size()));
                port.schedule(nl.hint().isPresent() ? 0 : 5_000_000L, this::send);
            }
        }

        @Override
        public void onRefused(NodeId node, long refused) {
            if (refused != seq) return;
            attempt++;
            target = members.get((members.indexOf(node) + 1) % members.size());
            port.schedule(5_000_000L, this::send);
        }
    }
}
