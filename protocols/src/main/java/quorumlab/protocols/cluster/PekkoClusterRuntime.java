package quorumlab.protocols.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.LoggerFactory;
import quorumlab.protocols.ClientReply;
import quorumlab.protocols.ClientRequest;
import quorumlab.protocols.ClusterConfig;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.Operation;
import quorumlab.protocols.runtime.ClientHandler;
import quorumlab.protocols.runtime.ClientOutcome;
import quorumlab.protocols.runtime.ClientPort;
import quorumlab.protocols.runtime.ClusterRuntime;
import quorumlab.protocols.runtime.NetworkModel;
import quorumlab.protocols.runtime.RuntimeBuilder;
import quorumlab.protocols.runtime.RuntimeSettings;
import quorumlab.protocols.trace.TraceRecord;
import quorumlab.protocols.trace.TraceSink;
import quorumlab.protocols.trace.TraceWriter;

/**
 * The {@code cluster} runtime: every node is a JVM of its own, started here on 127.0.0.1 (or on the
 * hosts of a {@link ClusterHosts} file), joined with this coordinator by Pekko Cluster over Artery
 * TCP. The coordinator is a cluster member too: it is the seed node, hosts the clients (the same
 * workload code as in the other runtimes, on one client actor) and applies the fault timeline:
 * {@code crash} kills a node's process with SIGKILL, {@code restart} starts a new one on the same
 * port, which recovers from its durable store, {@code pause}/{@code resume} send SIGSTOP/SIGCONT,
 * network faults change the {@link NetworkModel} here and every node is sent the new state (each
 * node applies it to what it sends), and {@code drift} is sent to the node, which scales its timers.
 *
 * <p>Each node writes its own trace; this coordinator writes the meta record, the clients' and the
 * faults' records to its own; {@link #close()} merges them by time into the run's one trace. Every
 * child process ends when the run ends, fails, or the JVM is interrupted (a shutdown hook kills
 * them), and a child exits by itself when this process dies ({@link NodeMain}).
 */
public final class PekkoClusterRuntime implements ClusterRuntime, AutoCloseable {
    /**
     * How long node processes get to start and join before the run fails: seconds on an idle
     * machine, but JVM start-up alone took tens of seconds while a dozen builds ran beside it.
     */
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(180);
    /** How long the rehearsal gets to elect a leader and serve the warm-up write before the run fails. */
    private static final Duration REHEARSAL_TIMEOUT = Duration.ofSeconds(120);
    /** The warm-up write's client: no workload client has a negative id. */
    private static final long REHEARSAL_CLIENT = -1;
    /**
     * The rehearsal's writes, one at a time: the first shows a leader serves; the rest run each
     * handler on the write path often enough for the JIT's first tier (a few hundred calls).
     */
    private static final int REHEARSAL_WRITES = 50;

    /**
     * What starting the cluster took before the scenario's clock started, in seconds: {@code join},
     * from the first process start until every node had joined and found its peers; {@code warmup},
     * from then until a leader of the rehearsal had served {@code warmupWrites} writes, one at a time
     * (docs/cluster-runtime.md).
     */
    public record StartUp(double joinSeconds, double warmupSeconds, int warmupWrites) {}

    private final RuntimeSettings settings;
    private final TraceSink sink;
    private final ClusterHosts hosts;
    private final String store;
    private final List<String> jvmOptions;
    /** How nodes on this machine start: from a class-data archive when one could be made. */
    private NodeClassData.Launch localLaunch;
    private final Path workDir;
    private final Path storeDir;
    private final boolean keepWorkDir;
    private final TraceWriter ownTrace;
    private final List<Path> nodeTraces = new ArrayList<>();
    private final Object traceLock = new Object();

    private final ActorSystem<Void> system;
    private final ActorRef<Wire> coordinatorRef;
    private final ActorRef<Runnable> clientActor;
    private final Map<NodeId, Status> status = new LinkedHashMap<>();
    private final Map<Long, ClusterClient> clients = new ConcurrentHashMap<>();
    private final List<NodeId> leaders = new ArrayList<>();
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final AtomicLong nextRequestId = new AtomicLong();
    private final Thread killChildren = new Thread(this::killAll, "quorumlab-cluster-cleanup");
    private volatile long originNanos;
    private volatile boolean started;
    private volatile boolean closed;
    /** A node process exited by itself: its log, named in the failure, outlives the run. */
    private volatile boolean keepForDiagnosis;
    /** Who the rehearsal says leads (or last hinted), and the warm-up write's commit. */
    private volatile NodeId rehearsalLeader;
    /** The rehearsal's write outstanding now, and its commit. */
    private volatile long rehearsalSeq;
    private volatile CompletableFuture<Void> rehearsalServed = new CompletableFuture<>();
    private volatile StartUp startUp;
    private final ConcurrentLinkedQueue<String> restartJoins = new ConcurrentLinkedQueue<>();
    /** The network state the nodes were last sent; guarded by {@code this}. */
    private NetworkState sentNetwork;

    /** What the coordinator knows of a node and its current process. */
    private static final class Status {
        final NodeId id;
        final ClusterHosts.Place place;
        volatile NodeProcess process;
        volatile int incarnation;
        /** True from the start (or restart) until a crash, as the other runtimes mean it. */
        volatile boolean up;
        volatile boolean paused;
        /** The current process has reported {@link Wire.Ready}; its ref is known. */
        volatile ActorRef<Wire> ref;
        /** The node's protocol instance has been told to start. */
        volatile boolean serving;
        volatile double drift = 1.0;
        /** When the current process was started by a restart, until it joined (0 otherwise). */
        volatile long restartedAt;
        /** The node's {@code nanoTime()} minus the coordinator's at the same instant (0 on this host). */
        volatile long clockOffset;
        final CompletableFuture<Void> firstReady = new CompletableFuture<>();

        Status(NodeId id, ClusterHosts.Place place) {
            this.id = id;
            this.place = place;
        }
    }

    static {
        // SLF4J initialised once, before any actor system (see PekkoLocalRuntime)
        LoggerFactory.getILoggerFactory();
    }

    private PekkoClusterRuntime(RuntimeSettings settings, ClusterHosts givenHosts, String store, Path storeDir,
            List<String> jvmOptions, Path workDir, boolean keepWorkDir) {
        this.settings = settings;
        this.sink = settings.sink();
        this.store = store;
        this.jvmOptions = List.copyOf(jvmOptions);
        this.keepWorkDir = keepWorkDir;
        this.hosts = givenHosts != null ? givenHosts : ClusterHosts.loopback(settings.cluster().members(), PekkoClusterRuntime::freePort);
        hosts.requirePlaces(settings.cluster().members());
        if (settings.network().hasFilter()) {
            throw new IllegalArgumentException("the cluster runtime cannot carry a message filter to its node processes");
        }
        try {
            if (workDir != null) {
                this.workDir = Files.createDirectories(workDir);
            } else if (hosts.workDir() != null) {
                // a run of its own inside the shared directory, which is removed, not the directory
                this.workDir = Files.createTempDirectory(Files.createDirectories(hosts.workDir()), "quorumlab-cluster-");
            } else {
                this.workDir = Files.createTempDirectory("quorumlab-cluster-");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the cluster runtime's directory: " + e.getMessage(), e);
        }
        this.storeDir = storeDir != null ? storeDir : this.workDir.resolve("store");
        this.ownTrace = sink == TraceSink.NONE ? null : TraceWriter.open(this.workDir.resolve("coordinator.jsonl"));
        for (NodeId id : settings.cluster().members()) status.put(id, new Status(id, hosts.place(id)));

        Runtime.getRuntime().addShutdownHook(killChildren);
        CompletableFuture<ActorRef<Wire>> coordinator = new CompletableFuture<>();
        CompletableFuture<ActorRef<Runnable>> clientsRef = new CompletableFuture<>();
        ClusterHosts.Place self = hosts.coordinator();
        this.system = ClusterPekko.start(Behaviors.<Void>setup(ctx -> {
            coordinator.complete(ctx.spawn(coordinatorBehavior(), "coordinator"));
            clientsRef.complete(ctx.spawn(clientBehavior(), "clients"));
            return Behaviors.empty();
        }), ClusterPekko.runtimeConfig(self.host(), self.port(), hosts.seedNodes(), ClusterPekko.COORDINATOR_ROLE));
        try {
            this.coordinatorRef = coordinator.get(30, TimeUnit.SECONDS);
            this.clientActor = clientsRef.get(30, TimeUnit.SECONDS);
            long launched = System.nanoTime();
            for (Status s : status.values()) launch(s);
            awaitFirstReady();
            long joined = System.nanoTime();
            rehearse();
            startUp = new StartUp((joined - launched) / 1e9, (System.nanoTime() - joined) / 1e9, REHEARSAL_WRITES);
        } catch (RuntimeException | InterruptedException | ExecutionException | TimeoutException e) {
            killAll();
            system.terminate();
            removeShutdownHook();
            if (!keepWorkDir && !Boolean.getBoolean("quorumlab.cluster.keep")) deleteRecursively(this.workDir);
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            if (e instanceof RuntimeException re) throw re;
            throw new IllegalStateException("the cluster runtime did not start: " + e, e);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Configures a {@link PekkoClusterRuntime}; {@link #build()} starts the node processes, waits until
     * they joined, and rehearses until a leader served a write.
     */
    public static final class Builder extends RuntimeBuilder<Builder, PekkoClusterRuntime> {
        private ClusterHosts hosts;
        private String store = NodeStores.MEMORY;
        private List<String> jvmOptions = defaultJvmOptions();
        private Path workDir;
        private Path storeDir;
        private boolean keepWorkDir;

        /** Where nodes run (default: every node on 127.0.0.1, on a free port each). */
        public Builder hosts(ClusterHosts hosts) {
            this.hosts = hosts;
            return this;
        }

        /**
         * The nodes' durable store: {@code memory} (default; gone with the process, so a restart would
         * start from nothing) or {@code disk}, under {@code dir} ({@code dir/n1}, ...; null for the
         * runtime's temporary directory).
         */
        public Builder store(String store, Path dir) {
            this.store = NodeStores.check(store);
            this.storeDir = dir;
            return this;
        }

        /** The node JVMs' options (default: {@code QUORUMLAB_NODE_JAVA_OPTS}, else a small serial-GC heap). */
        public Builder jvmOptions(List<String> options) {
            this.jvmOptions = List.copyOf(options);
            return this;
        }

        /** Where the node traces, stores and logs go (default: a new temporary directory, removed by close). */
        public Builder workDir(Path dir, boolean keep) {
            this.workDir = dir;
            this.keepWorkDir = keep;
            return this;
        }

        @Override
        public PekkoClusterRuntime build() {
            return new PekkoClusterRuntime(settings(), hosts, store, storeDir, jvmOptions, workDir, keepWorkDir);
        }
    }

    static List<String> defaultJvmOptions() {
        String env = System.getenv("QUORUMLAB_NODE_JAVA_OPTS");
        if (env != null && !env.isBlank()) return List.of(env.trim().split("\\s+"));
        return List.of("-Xmx256m", "-Xss512k", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
    }

    // ---- processes ----

    private void launch(Status s) {
        NodeId id = s.id;
        Path trace = sink == TraceSink.NONE ? null : workDir.resolve("trace-" + id + "-" + s.incarnation + ".jsonl");
        if (trace != null) {
            synchronized (nodeTraces) {
                nodeTraces.add(trace);
            }
        }
        NodeSpec spec = new NodeSpec(id, s.incarnation, s.place.host(), s.place.port(), hosts.seedNodes(),
                ClusterPekko.address(hosts.coordinator().host(), hosts.coordinator().port()), settings.cluster().members(),
                settings.protocol().name(), settings.options().asMap(), settings.memberRandom(id).nextLong(),
                settings.seed() ^ 0x5DEECE66DL, trace == null ? null : trace.toString(),
                traceLevelName(), settings.countMessages(), store, storeDir.resolve(id.toString()).toString());
        s.ref = null;
        s.serving = false;
        s.process = NodeProcess.launch(spec, hosts.launcherFor(id), jvmOptions, launchFor(s.place), workDir.resolve("node-" + id + "-" + s.incarnation + ".log"));
        NodeProcess p = s.process;
        p.handle().onExit().thenRun(() -> {
            if (!closed && !p.wasKilled() && s.process == p && s.up) {
                keepForDiagnosis = true;
                failures.add(id + " process " + p.pid() + " exited by itself: " + p.logTail());
            }
        });
    }

    /**
     * A node on a loopback address runs on this machine and can share its classes from an archive;
     * one on another host starts from the plain class path (the archive would be this machine's file).
     */
    private NodeClassData.Launch launchFor(ClusterHosts.Place place) {
        boolean local = place.host().equals("localhost") || place.host().startsWith("127.");
        if (!local) return new NodeClassData.Launch(System.getProperty("java.class.path"), List.of());
        if (localLaunch == null) localLaunch = NodeClassData.prepare(System.getProperty("java.class.path"), jvmOptions);
        return localLaunch;
    }

    private String traceLevelName() {
        if (settings.traceMessages()) return "FULL";
        return settings.traceEvents() ? "EVENTS" : "NONE";
    }

    private void awaitFirstReady() throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + JOIN_TIMEOUT.toNanos();
        for (Status s : status.values()) {
            while (true) {
                try {
                    s.firstReady.get(200, TimeUnit.MILLISECONDS);
                    break;
                } catch (TimeoutException e) {
                    NodeProcess p = s.process;
                    if (!p.isAlive()) {
                        throw new IllegalStateException(s.id + "'s process exited before it joined the cluster: " + p.logTail());
                    }
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException(s.id + " did not join the cluster within " + JOIN_TIMEOUT.toSeconds() + " s: " + p.logTail());
                    }
                }
            }
        }
    }

    /**
     * Warms the processes before the scenario's clock starts: every node runs a rehearsal instance of
     * the protocol (a store of the run's kind in a directory of its own, no trace) and the coordinator
     * writes through its leader, one write at a time, until {@link #REHEARSAL_WRITES} are committed. A node JVM's first messages are slow (class loading, the JIT, Jackson
     * building its serializers, Artery's first connection to each peer): measured on this machine,
     * hundreds of milliseconds to over a second per message in the first seconds, longer than an
     * election timeout, so the run's first election would measure start-up, not the protocol. The
     * rehearsal instances are thrown away at {@link Wire.Go}: the run starts from fresh nodes, as in
     * the other runtimes.
     */
    private void rehearse() throws InterruptedException, ExecutionException {
        for (Status s : status.values()) s.ref.tell(new Wire.Rehearse());
        long deadline = System.nanoTime() + REHEARSAL_TIMEOUT.toNanos();
        List<NodeId> members = settings.cluster().members();
        long seq = 0;
        int served = 0;
        while (served < REHEARSAL_WRITES) {
            NodeId target = rehearsalLeader != null ? rehearsalLeader : members.get((int) (seq % members.size()));
            CompletableFuture<Void> committed = new CompletableFuture<>();
            rehearsalServed = committed;
            rehearsalSeq = ++seq;
            ClientRequest write = new ClientRequest(REHEARSAL_CLIENT, seq, new Operation.Put("rehearsal", "x".repeat(100)));
            status.get(target).ref.tell(new Wire.Request(write, nextRequestId.incrementAndGet(), coordinatorRef, true));
            try {
                committed.get(200, TimeUnit.MILLISECONDS);
                served++;
            } catch (TimeoutException e) {
                for (Status s : status.values()) {
                    if (!s.process.isAlive()) {
                        throw new IllegalStateException(s.id + "'s process exited during the warm-up: " + s.process.logTail());
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the warm-up found no leader to serve a write within " + REHEARSAL_TIMEOUT.toSeconds()
                            + " s of the nodes joining (machine overloaded?)");
                }
            }
        }
    }

    private void rehearsalReply(ClientReply reply) {
        if (reply instanceof ClientReply.Committed && reply.seq() == rehearsalSeq) rehearsalServed.complete(null);
        else if (reply instanceof ClientReply.NotLeader nl && nl.hint().isPresent()) rehearsalLeader = nl.hint().get();
    }

    /**
     * How long each restarted node's new process took to start and join, one line each; a restart
     * whose process had not joined yet is named so (a JVM starts in seconds, more on a loaded machine).
     */
    public List<String> restartJoins() {
        List<String> lines = new ArrayList<>(restartJoins);
        for (Status s : status.values()) {
            long at = s.restartedAt;
            if (at > 0) lines.add(String.format(java.util.Locale.ROOT, "%s had not joined %.1f s after its restart", s.id, (System.nanoTime() - at) / 1e9));
        }
        return lines;
    }

    /** What starting the cluster took, before the scenario's clock started. */
    public StartUp startUp() {
        return startUp;
    }

    private Behavior<Wire> coordinatorBehavior() {
        return Behaviors.receive(Wire.class)
                .onMessage(Wire.Ready.class, r -> {
                    ready(r);
                    return Behaviors.same();
                })
                .onMessage(Wire.ClockReading.class, c -> {
                    clockRead(c);
                    return Behaviors.same();
                })
                .onMessage(Wire.Reply.class, r -> {
                    if (r.reply().clientId() == REHEARSAL_CLIENT) {
                        rehearsalReply(r.reply());
                        return Behaviors.same();
                    }
                    ClusterClient client = clients.get(r.reply().clientId());
                    if (client != null) clientActor.tell(() -> client.replyArrived(r.from(), r.reply()));
                    return Behaviors.same();
                })
                .onMessage(Wire.Leadership.class, l -> {
                    if (l.rehearsal()) {
                        if (l.leading()) rehearsalLeader = l.node();
                        return Behaviors.same();
                    }
                    Status s = status.get(l.node());
                    synchronized (leaders) {
                        leaders.remove(l.node());
                        if (l.leading() && s != null && s.up) leaders.add(l.node());
                    }
                    return Behaviors.same();
                })
                .onMessage(Wire.Failed.class, f -> {
                    failures.add(f.line());
                    return Behaviors.same();
                })
                .onAnyMessage(m -> Behaviors.same())
                .build();
    }

    private void ready(Wire.Ready r) {
        Status s = status.get(r.node());
        if (s == null || r.incarnation() != s.incarnation || s.process == null || s.process.pid() != r.pid()) return;
        s.ref = r.ref();
        s.ref.tell(new Wire.Network(currentNetwork()));
        if (s.place.host().equals(hosts.coordinator().host())) {
            // one host, one monotonic clock: the origin needs no translation
            s.clockOffset = 0;
            joined(s);
        } else {
            s.ref.tell(new Wire.Clock(System.nanoTime()));
        }
    }

    /**
     * Another host's clock: {@code offset = tn - (t0 + t1) / 2}, uncertain by half the round trip;
     * its origin is the coordinator's plus the offset (docs/cluster-runtime.md).
     */
    private void clockRead(Wire.ClockReading c) {
        Status s = status.get(c.node());
        if (s == null || c.incarnation() != s.incarnation || s.ref == null) return;
        long t1 = System.nanoTime();
        s.clockOffset = c.nodeNanos() - (c.coordinatorNanos() + t1) / 2;
        joined(s);
    }

    private void joined(Status s) {
        if (started && s.up) {
            s.ref.tell(new Wire.Go(originNanos + s.clockOffset, s.drift));
            s.serving = true;
            if (s.restartedAt > 0) {
                restartJoins.add(String.format(java.util.Locale.ROOT, "%s joined %.1f s after its restart", s.id, (System.nanoTime() - s.restartedAt) / 1e9));
                s.restartedAt = 0;
            }
        }
        s.firstReady.complete(null);
    }

    private Behavior<Runnable> clientBehavior() {
        return Behaviors.receive(Runnable.class).onAnyMessage(action -> {
            try {
                action.run();
                pushNetworkIfChanged();
            } catch (RuntimeException e) {
                failures.add("client action at t=" + now() + "ns: " + e);
            }
            return Behaviors.same();
        }).build();
    }

    // ---- running ----

    /** Writes the meta record and starts every node. Runs once. */
    public synchronized void start() {
        if (started) return;
        originNanos = System.nanoTime();
        started = true;
        record(settings.meta(now(), "cluster"));
        for (Status s : status.values()) {
            s.up = true;
            s.serving = true;
            s.ref.tell(new Wire.Go(originNanos + s.clockOffset, s.drift));
        }
    }

    /** Waits until {@code condition} holds, checking every millisecond, for at most {@code timeout}. */
    public boolean awaitUntil(BooleanSupplier condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (condition.getAsBoolean()) return true;
            if (System.nanoTime() > deadline) return false;
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return condition.getAsBoolean();
            }
        }
    }

    /** Failures of node handlers, client actions and node processes so far, one line each. */
    public List<String> failures() {
        return List.copyOf(failures);
    }

    /** {@link #failures()}, read when called: after {@link #close()} they include the trace merge's. */
    public java.util.function.Supplier<List<String>> failuresAfterClose() {
        return this::failures;
    }

    /** True once the node's current process has joined and its protocol node was started (false while a restart joins). */
    public boolean isServing(NodeId id) {
        return status(id, "isServing").serving;
    }

    /** The process id of the node's current process (for tests and tools). */
    public long pid(NodeId id) {
        return status(id, "pid").process.pid();
    }

    /**
     * Stops every node (each flushes its trace and exits; a paused one is continued first), kills
     * what has not exited within seconds, stops the actor system, and merges the traces into the sink.
     */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            for (Status s : status.values()) {
                NodeProcess p = s.process;
                if (p == null || !p.isAlive()) continue;
                if (s.paused) p.signal("CONT");
                if (s.ref != null) s.ref.tell(new Wire.Stop());
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            for (Status s : status.values()) {
                NodeProcess p = s.process;
                if (p == null) continue;
                long left = Math.max(0, (deadline - System.nanoTime()) / 1_000_000);
                if (!p.awaitExit(left)) p.kill();
            }
        } finally {
            killAll();
            system.terminate();
            try {
                system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
            } catch (InterruptedException | ExecutionException | TimeoutException e) {
                failures.add("the coordinator's actor system did not stop: " + e);
            }
            removeShutdownHook();
        }
        try {
            if (ownTrace != null) {
                synchronized (traceLock) {
                    ownTrace.close();
                }
                List<Path> files = new ArrayList<>();
                files.add(workDir.resolve("coordinator.jsonl"));
                synchronized (nodeTraces) {
                    files.addAll(nodeTraces);
                }
                List<String> problems = new ArrayList<>();
                TraceMerge.merge(files, sink, problems);
                failures.addAll(problems);
            }
        } finally {
            if (!keepWorkDir && !keepForDiagnosis && !Boolean.getBoolean("quorumlab.cluster.keep")) deleteRecursively(workDir);
        }
    }

    private void killAll() {
        for (Status s : status.values()) {
            NodeProcess p = s.process;
            if (p != null && p.isAlive()) p.kill();
        }
    }

    private void removeShutdownHook() {
        try {
            Runtime.getRuntime().removeShutdownHook(killChildren);
        } catch (IllegalStateException shuttingDown) {
            // the hook itself is running
        }
    }

    // ---- ClusterRuntime ----

    @Override
    public long now() {
        return started ? System.nanoTime() - originNanos : 0;
    }

    @Override
    public void schedule(long atNanos, Runnable action) {
        Objects.requireNonNull(action);
        long delay = atNanos - now();
        if (delay <= 0) clientActor.tell(action);
        else system.scheduler().scheduleOnce(Duration.ofNanos(delay), () -> clientActor.tell(action), system.executionContext());
    }

    @Override
    public ClusterConfig cluster() {
        return settings.cluster();
    }

    @Override
    public NetworkModel network() {
        return settings.network();
    }

    private synchronized NetworkState currentNetwork() {
        sentNetwork = NetworkState.of(settings.network(), settings.cluster().members());
        return sentNetwork;
    }

    /** Tells every node the network model's new state, if a fault changed it. */
    private synchronized void pushNetworkIfChanged() {
        NetworkState now = NetworkState.of(settings.network(), settings.cluster().members());
        if (now.equals(sentNetwork)) return;
        sentNetwork = now;
        for (Status s : status.values()) {
            ActorRef<Wire> ref = s.ref;
            if (ref != null) ref.tell(new Wire.Network(now));
        }
    }

    @Override
    public void crash(NodeId id) {
        Status s = status(id, "crash");
        if (!s.up) return;
        s.up = false;
        s.paused = false;
        s.serving = false;
        s.ref = null;
        leftLeadership(id);
        s.process.kill();
        clients.values().forEach(c -> c.outstandingAt(id).forEach(seq -> refuse(c, seq, id)));
    }

    @Override
    public void restart(NodeId id) {
        Status s = status(id, "restart");
        if (s.up) return;
        s.up = true;
        s.incarnation++;
        s.restartedAt = System.nanoTime();
        launch(s);
    }

    @Override
    public void pause(NodeId id) {
        Status s = status(id, "pause");
        if (!s.up || s.paused) return;
        s.paused = true;
        s.process.signal("STOP");
    }

    @Override
    public void resume(NodeId id) {
        Status s = status(id, "resume");
        if (!s.paused) return;
        s.paused = false;
        s.process.signal("CONT");
    }

    @Override
    public void setTimerDrift(NodeId id, double rate) {
        if (!(rate > 0) || Double.isInfinite(rate)) throw new IllegalArgumentException("timer drift rate must be positive, got " + rate);
        Status s = status(id, "setTimerDrift");
        s.drift = rate;
        ActorRef<Wire> ref = s.ref;
        if (ref != null) ref.tell(new Wire.Drift(rate));
    }

    @Override
    public boolean isUp(NodeId id) {
        return status(id, "isUp").up;
    }

    @Override
    public boolean isPaused(NodeId id) {
        return status(id, "isPaused").paused;
    }

    @Override
    public Optional<NodeId> leader() {
        synchronized (leaders) {
            for (int i = leaders.size() - 1; i >= 0; i--) {
                if (status.get(leaders.get(i)).up) return Optional.of(leaders.get(i));
            }
            return Optional.empty();
        }
    }

    @Override
    public void recordFault(String fault, List<NodeId> nodes, String detail, List<List<NodeId>> groups) {
        List<NodeId> copy = List.copyOf(nodes);
        List<List<NodeId>> groupsCopy = groups == null ? null : groups.stream().map(List::copyOf).toList();
        synchronized (traceLock) {
            record(new TraceRecord.Fault(now(), fault, copy, detail, groupsCopy));
        }
    }

    @Override
    public ClientPort addClient(long clientId, ClientHandler handler) {
        ClusterClient client = new ClusterClient(this, clientId, Objects.requireNonNull(handler));
        if (clients.putIfAbsent(clientId, client) != null) {
            throw new IllegalArgumentException("client " + clientId + " is already connected");
        }
        return client;
    }

    // ---- called by clients ----

    void submit(ClusterClient client, NodeId node, ClientRequest request, long intended) {
        Status s = status(node, "submit");
        synchronized (traceLock) {
            record(new TraceRecord.Invoke(now(), intended, node, request));
        }
        ActorRef<Wire> ref = s.ref;
        if (!s.serving || ref == null) {
            // a node with no process listening refuses the connection at once, as TCP does
            refuse(client, request.seq(), node);
            return;
        }
        ref.tell(new Wire.Request(request, nextRequestId.incrementAndGet(), coordinatorRef, false));
    }

    private void refuse(ClusterClient client, long seq, NodeId node) {
        clientActor.tell(() -> client.refused(node, seq));
    }

    void refusedRecorded(long clientId, long seq, NodeId node) {
        synchronized (traceLock) {
            record(new TraceRecord.Complete(now(), clientId, seq, node, null, ClientOutcome.REFUSED));
        }
    }

    void completed(long clientId, long seq, NodeId from, ClientReply reply) {
        String outcome = reply == null ? ClientOutcome.TIMEOUT : ClientOutcome.of(reply);
        synchronized (traceLock) {
            record(new TraceRecord.Complete(now(), clientId, seq, from, reply, outcome));
        }
    }

    /** Writes one of the coordinator's own records; its time is read under the lock, so the file stays in time order. */
    private void record(TraceRecord r) {
        synchronized (traceLock) {
            if (ownTrace != null) ownTrace.record(r);
        }
    }

    private void leftLeadership(NodeId node) {
        synchronized (leaders) {
            leaders.remove(node);
        }
    }

    private Status status(NodeId id, String what) {
        Status s = id == null ? null : status.get(id);
        if (s == null) throw new IllegalArgumentException(what + ": " + id + " is not a member of the cluster " + settings.cluster().members());
        return s;
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port: " + e.getMessage(), e);
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // best effort: a temporary directory
        }
    }
}
