package quorumlab.workload;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.stream.Stream;
import quorumlab.protocols.ClusterConfig;
import quorumlab.protocols.Options;
import quorumlab.protocols.Protocol;
import quorumlab.protocols.cluster.PekkoClusterRuntime;
import quorumlab.protocols.local.PekkoLocalRuntime;
import quorumlab.protocols.runtime.ClusterRuntime;
import quorumlab.protocols.trace.TraceLevel;
import quorumlab.protocols.trace.TraceWriter;
import quorumlab.protocols.sim.Simulation;

/**
 * Runs a scenario against protocols × seeds and writes, under
 * {@code <out>/<scenario>/<run-id>/<protocol>/seed-<n>/}, the trace, the client history and
 * {@code run.json}. Everything is written into a hidden temporary directory and moved into place
 * only when the whole run is complete, so an interrupted run leaves nothing half-written.
 */
public final class Runner {
    public enum RuntimeKind {
        SIM,
        LOCAL,
        /** Every node a process of its own, joined by Pekko Cluster (quorumlab.protocols.cluster). */
        CLUSTER;

        public static RuntimeKind parse(String name) {
            return switch (name) {
                case "sim" -> SIM;
                case "local" -> LOCAL;
                case "cluster" -> CLUSTER;
                default -> throw new IllegalArgumentException("unknown runtime '" + name + "' (known: sim, local, cluster)");
            };
        }
    }

    /** Where the nodes of a {@code local} run keep their durable state. */
    public enum StoreKind {
        MEMORY,
        /** RocksDB under each seed's directory, {@code store/n1 ...}: a restart recovers from the files. */
        DISK;

        public static StoreKind parse(String name) {
            return switch (name) {
                case "memory" -> MEMORY;
                case "disk" -> DISK;
                default -> throw new IllegalArgumentException("unknown store '" + name + "' (known: memory, disk)");
            };
        }
    }

    /** One protocol on one seed, finished. */
    public record SeedRun(String protocol, long seed, Path dir, long completedOperations, double wallSeconds, long messagesDelivered) {}

    /** A whole run: where it landed and its parts. */
    public record Result(Path dir, List<SeedRun> runs) {}

    /** Told of progress; called from worker threads. */
    public interface Listener {
        void started(int total);

        void finished(SeedRun run);
    }

    /**
     * Runs seeds somewhere other than this JVM's threads (quorumlab.analysis.workers: worker processes).
     * What lands in {@link SeedJob#dir()} must be what {@link #runSeed} writes there; the
     * {@link #afterEachRun} hooks then run here as usual, on this JVM's threads.
     */
    public interface SeedExecutor {
        java.util.concurrent.CompletableFuture<SeedRun> submit(SeedJob job);
    }

    /** One protocol on one seed, as a {@link SeedExecutor} is given it: the run's inputs and where its files go. */
    public record SeedJob(Scenario scenario, String protocol, long seed, RuntimeKind runtime, StoreKind store, Path dir) {}

    /**
     * Runs one seed into {@code job.dir()} with the code {@link #run} uses for each of its seeds
     * (trace, history, run.json), so a worker process writes what this JVM would.
     */
    public static SeedRun runSeed(SeedJob job) throws IOException {
        Protocol p = Protocol.byName(job.protocol());
        requireMembershipSupport(job.scenario(), p);
        return new Job(job.scenario(), p, ScenarioOptions.forProtocol(job.scenario(), p), job.seed(), job.runtime(), job.store(), null,
                job.dir()).run();
    }

    /** Seeds one run may ask for. */
    public static final int MAX_SEEDS = 10_000;
    /** Open-loop operations one run may offer over all seeds and protocols: beyond it the traces alone need far more than a disk. */
    public static final long MAX_OPERATIONS = 100_000_000L;

    /** The trace of one seed's run: zstd-compressed JSON Lines (docs/trace-format.md). */
    public static final String TRACE_FILE = "trace.jsonl.zst";
    /** The name runs written before zstd gave their (gzip) trace; still read. */
    public static final String OLD_TRACE_FILE = "trace.jsonl.gz";
    public static final String HISTORY_FILE = "history.jsonl";
    public static final String RUN_FILE = "run.json";

    /** The trace in a seed's run directory: {@link #TRACE_FILE}, or an older run's {@link #OLD_TRACE_FILE}; null if neither exists. */
    public static Path traceIn(Path seedDir) {
        Path trace = seedDir.resolve(TRACE_FILE);
        if (Files.exists(trace)) return trace;
        Path old = seedDir.resolve(OLD_TRACE_FILE);
        return Files.exists(old) ? old : null;
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final List<BiConsumer<Path, SeedRun>> afterEachRun = new ArrayList<>();
    private final List<Consumer<Path>> beforeLanding = new ArrayList<>();
    private int threads = Runtime.getRuntime().availableProcessors();
    private StoreKind store = StoreKind.MEMORY;
    private quorumlab.protocols.cluster.ClusterHosts hosts;
    private SeedExecutor executor;

    /** {@code hook} runs on each finished seed run's directory, before the run lands (e.g. to write verdict.json). */
    public Runner afterEachRun(BiConsumer<Path, SeedRun> hook) {
        afterEachRun.add(hook);
        return this;
    }

    /** {@code hook} runs on the whole run's directory just before it is moved into place (e.g. a report). */
    public Runner beforeLanding(Consumer<Path> hook) {
        beforeLanding.add(hook);
        return this;
    }

    /** The nodes' durable store (default memory); {@link StoreKind#DISK} needs the {@code local} or {@code cluster} runtime. */
    public Runner store(StoreKind kind) {
        this.store = java.util.Objects.requireNonNull(kind);
        return this;
    }

    /**
     * Where the cluster runtime's processes run, from a hosts file (JSON or YAML, docs/cluster-runtime.md);
     * without one, every node runs on 127.0.0.1.
     *
     * @throws IllegalArgumentException naming the file and field, for a file that cannot be read or is wrong
     */
    public Runner hosts(Path file) {
        try {
            ObjectMapper mapper = file.toString().endsWith(".json") ? new ObjectMapper()
                    : new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());
            this.hosts = quorumlab.protocols.cluster.ClusterHosts.fromTree(mapper.readTree(file.toFile()), file.toString());
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage().replaceAll("\\s*\\R\\s*", " "));
        }
        return this;
    }

    /** Runs the seeds through {@code executor} (e.g. worker processes) instead of this JVM's threads. */
    public Runner executor(SeedExecutor executor) {
        this.executor = executor;
        return this;
    }

    public Runner threads(int n) {
        this.threads = Math.max(1, n);
        return this;
    }

    /**
     * Runs {@code scenario} for each protocol name on seeds {@code firstSeed .. firstSeed+seeds-1}.
     *
     * @throws IllegalArgumentException for an unknown protocol or impossible options (nothing written)
     */
    public Result run(Scenario scenario, List<String> protocolNames, int seeds, long firstSeed, RuntimeKind runtime,
            Path outRoot, Listener listener) {
        if (seeds < 1) throw new IllegalArgumentException("--seeds must be at least 1, got " + seeds);
        if (seeds > MAX_SEEDS) throw new IllegalArgumentException("--seeds: at most " + MAX_SEEDS + ", got " + seeds);
        if (store == StoreKind.DISK && runtime == RuntimeKind.SIM) {
            throw new IllegalArgumentException("--store disk needs --runtime local or cluster: the simulator keeps the nodes' state in memory");
        }
        if (runtime != RuntimeKind.SIM) requireSimulator(scenario, runtime);
        if (runtime == RuntimeKind.CLUSTER) checkClusterFaults(scenario, store);
        if (hosts != null && runtime != RuntimeKind.CLUSTER) throw new IllegalArgumentException("--hosts needs --runtime cluster");
        WorkloadSettings ws = WorkloadSettings.of(scenario.workloadOrDefault());
        if (ws.openLoop()) {
            double operations = ws.rate() * (scenario.durationNanos() / 1e9) * seeds * protocolNames.size();
            if (operations > MAX_OPERATIONS) {
                throw new IllegalArgumentException(String.format("%s: about %.3g operations (workload.rate %s/s x duration %s x %d seeds"
                        + " x %d protocols) is more than the limit of %d; lower the rate, the duration or --seeds",
                        scenario.name(), operations, ws.rate(), Durations.format(scenario.durationNanos()), seeds,
                        protocolNames.size(), MAX_OPERATIONS));
            }
        }
        List<Protocol> protocols = new ArrayList<>();
        Map<String, Options> options = new LinkedHashMap<>();
        for (String name : protocolNames) {
            Protocol p = Protocol.byName(name);
            requireMembershipSupport(scenario, p);
            protocols.add(p);
            options.put(name, ScenarioOptions.forProtocol(scenario, p));
        }
        String runId = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS"));
        Path parent = outRoot.resolve(scenario.name());
        Path finalDir = parent.resolve(runId);
        Path tmp = parent.resolve("." + runId + ".tmp");
        // The directories this run creates above tmp: a run that does not land removes them again if empty.
        Path firstCreated = firstMissing(parent);
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(runtime == RuntimeKind.SIM ? threads : 1, protocols.size() * seeds));
        Landing landing = new Landing();
        Thread cleanup = new Thread(() -> onInterrupt(landing, pool, tmp, firstCreated));
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            Files.createDirectories(tmp);
            writeJson(tmp.resolve(RUN_FILE), runDescription(scenario, options, seeds, firstSeed, runtime, runId));
            List<Job> jobs = new ArrayList<>();
            for (Protocol p : protocols) {
                for (long s = firstSeed; s < firstSeed + seeds; s++) {
                    jobs.add(new Job(scenario, p, options.get(p.name()), s, runtime, store, hosts, tmp.resolve(p.name()).resolve("seed-" + s)));
                }
            }
            listener.started(jobs.size());
            List<SeedRun> done = runAll(jobs, pool, listener, landing);
            for (Consumer<Path> hook : beforeLanding) hook.accept(tmp);
            // The interrupt hook and the move exclude each other: a run either lands whole or is removed.
            synchronized (landing) {
                if (landing.interrupted) throw new Interrupted();
                Files.move(tmp, finalDir, StandardCopyOption.ATOMIC_MOVE);
                landing.landed = true;
            }
            List<SeedRun> landed = new ArrayList<>();
            for (SeedRun r : done) {
                landed.add(new SeedRun(r.protocol(), r.seed(), finalDir.resolve(tmp.relativize(r.dir())), r.completedOperations(), r.wallSeconds(), r.messagesDelivered()));
            }
            return new Result(finalDir, landed);
        } catch (IOException e) {
            if (landing.isInterrupted()) throw new Interrupted();
            throw new UncheckedIOException("cannot write results under " + outRoot + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            // a worker that failed because the interrupt removed its directory is the interrupt, not an error
            if (landing.isInterrupted() && !(e instanceof Interrupted)) throw new Interrupted();
            throw e;
        } finally {
            pool.shutdownNow();
            deleteQuietly(tmp);
            if (!landing.landed) removeEmpty(tmp.getParent(), firstCreated);
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException shuttingDown) {
                // the hook itself is running: nothing to remove
            }
        }
    }

    /** The fault types the cluster runtime applies to its processes and their outbound paths. */
    private static final java.util.Set<String> CLUSTER_FAULTS = java.util.Set.of("crash", "restart", "pause", "resume", "drift",
            "partition", "isolate", "one-way", "heal", "loss", "duplicate", "reorder", "delay", "latency-matrix");

    /**
     * A scenario whose faults the cluster runtime cannot apply is refused before anything starts: a
     * fault type it does not know, or a restart (an explicit one, or a crash with a duration) on the
     * memory store, which a new process could not recover from.
     */
    private static void checkClusterFaults(Scenario scenario, StoreKind store) {
        for (Scenario.Fault f : scenario.faultList()) {
            if (!CLUSTER_FAULTS.contains(f.type())) {
                throw new IllegalArgumentException(scenario.name() + ": fault '" + f.type() + "' at " + f.at()
                        + " cannot run under --runtime cluster (it applies " + String.join(", ", new java.util.TreeSet<>(CLUSTER_FAULTS)) + ")");
            }
            boolean restarts = f.type().equals("restart") || (f.type().equals("crash") && f.duration() != null);
            if (restarts && store == StoreKind.MEMORY) {
                throw new IllegalArgumentException(scenario.name() + ": the " + f.type() + " at " + f.at() + " restarts a node, which under"
                        + " --runtime cluster needs --store disk (a new process recovers only from its store on disk)");
            }
        }
    }

    /**
     * Thrown in the running thread when Ctrl-C or SIGTERM stopped the run; the shutdown hook has
     * already removed the temporary directory and said so.
     */
    public static final class Interrupted extends RuntimeException {
        Interrupted() {
            super("interrupted", null, false, false);
        }
    }

    /** Whether the run has landed or been interrupted; its monitor orders the two. */
    private static final class Landing {
        boolean interrupted;
        boolean landed;

        synchronized boolean isInterrupted() {
            return interrupted;
        }
    }

    /**
     * The shutdown hook: the JVM runs it beside the still-running workers, so it first stops them
     * (no new seed starts, a running simulation sees the interrupt) and then deletes until nothing
     * is left, since a worker may still be closing a file inside.
     */
    private static void onInterrupt(Landing landing, ExecutorService pool, Path tmp, Path firstCreated) {
        synchronized (landing) {
            if (landing.landed) return;
            landing.interrupted = true;
        }
        pool.shutdownNow();
        try {
            pool.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (int attempt = 0; attempt < 100 && Files.exists(tmp); attempt++) {
            deleteQuietly(tmp);
            if (Files.exists(tmp)) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    break;
                }
            }
        }
        if (!Files.exists(tmp)) removeEmpty(tmp.getParent(), firstCreated);
        System.err.println(Files.exists(tmp)
                ? "\nquorumlab: interrupted; could not remove the unfinished run " + tmp
                : "\nquorumlab: interrupted; stopped the runs and removed the unfinished run (" + tmp + ")");
        System.err.flush();
    }

    private List<SeedRun> runAll(List<Job> jobs, ExecutorService pool, Listener listener, Landing landing) {
        try {
            List<Future<SeedRun>> futures = new ArrayList<>();
            for (Job job : jobs) {
                if (executor != null) {
                    SeedJob seedJob = new SeedJob(job.scenario(), job.protocol().name(), job.seed(), job.runtime(), job.store(), job.dir());
                    futures.add(executor.submit(seedJob).thenApplyAsync(r -> finished(r, listener), pool));
                } else {
                    futures.add(pool.submit(() -> finished(job.run(), listener)));
                }
            }
            List<SeedRun> out = new ArrayList<>();
            for (Future<SeedRun> f : futures) out.add(f.get());
            return out;
        } catch (InterruptedException | CancellationException | RejectedExecutionException e) {
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            throw new Interrupted();
        } catch (ExecutionException e) {
            if (landing.isInterrupted()) throw new Interrupted();
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) throw re;
            if (cause instanceof Error err) throw err;
            throw new IllegalStateException(cause);
        }
    }

    private SeedRun finished(SeedRun r, Listener listener) {
        for (BiConsumer<Path, SeedRun> hook : afterEachRun) hook.accept(r.dir(), r);
        listener.finished(r);
        return r;
    }

    /**
     * A membership fault on a protocol that cannot change its membership is refused before anything
     * runs, naming the fault.
     */
    public static void requireMembershipSupport(Scenario scenario, Protocol protocol) {
        if (protocol.supportsMembershipChange()) return;
        List<Scenario.Fault> faults = scenario.faultList();
        for (int i = 0; i < faults.size(); i++) {
            if (faults.get(i) != null && FaultInjector.MEMBERSHIP_TYPES.contains(faults.get(i).type())) {
                throw new ScenarioException(scenario.name(), "faults[" + i + "].type", "'" + faults.get(i).type() + "' changes the membership, which "
                        + protocol.name() + " does not support; run the scenario with a protocol that does");
            }
        }
    }

    /** A fault only the simulator can apply is refused for a real-time runtime before anything runs, naming the fault. */
    static void requireSimulator(Scenario scenario, RuntimeKind runtime) {
        List<Scenario.Fault> faults = scenario.faultList();
        for (int i = 0; i < faults.size(); i++) {
            if (faults.get(i) != null && FaultInjector.SIM_ONLY_TYPES.contains(faults.get(i).type())) {
                throw new ScenarioException(scenario.name(), "faults[" + i + "].type", "'" + faults.get(i).type() + "' needs --runtime sim (the "
                        + runtime.name().toLowerCase() + " runtime keeps its timers inside its actors)");
            }
        }
    }

    /** One protocol on one seed. */
    private record Job(Scenario scenario, Protocol protocol, Options options, long seed, RuntimeKind runtime, StoreKind store,
            quorumlab.protocols.cluster.ClusterHosts hosts, Path dir) {
        SeedRun run() throws IOException {
            Files.createDirectories(dir);
            long wallStart = System.nanoTime();
            WorkloadSettings ws = WorkloadSettings.of(scenario.workloadOrDefault());
            long end = scenario.durationNanos();
            // Let requests in flight at the end complete or give up, so the history is whole.
            long drain = ws.giveUpAfter() + ws.timeout();
            TraceLevel level = TraceLevel.valueOf(scenario.traceLevelName().toUpperCase());
            long completed;
            long delivered = 0;
            java.util.function.Supplier<List<String>> runtimeFailures = List::of;
            PekkoClusterRuntime.StartUp startUp = null;
            List<String> restartJoins = List.of();
            try (TraceWriter trace = TraceWriter.open(dir.resolve(TRACE_FILE));
                    HistoryWriter history = new HistoryWriter(dir.resolve(HISTORY_FILE))) {
                if (runtime == RuntimeKind.SIM) {
                    Simulation sim = Simulation.builder().seed(seed).cluster(ClusterConfig.ofSize(scenario.nodeCount()))
                            .protocol(protocol, options).network(Runs.network(scenario)).clientDelay(Runs.clientDelay(scenario))
                            .trace(trace, level).scenario(scenario.name()).workloadWindow(ws.warmup(), end).build();
                    sim.start();
                    completed = drive(sim, ws, history, end, () -> runInSlices(sim, end + drain));
                    sim.close();
                    delivered = sim.messagesDelivered();
                } else if (runtime == RuntimeKind.CLUSTER) {
                    try (PekkoClusterRuntime cluster = PekkoClusterRuntime.builder().seed(seed)
                            .cluster(ClusterConfig.ofSize(scenario.nodeCount())).protocol(protocol, options)
                            .network(Runs.network(scenario)).clientDelay(Runs.clientDelay(scenario))
                            .trace(trace, level).scenario(scenario.name()).workloadWindow(ws.warmup(), end)
                            .store(store.name().toLowerCase(), dir.resolve("store")).hosts(hosts).build()) {
                        startUp = cluster.startUp();
                        cluster.start();
                        completed = drive(cluster, ws, history, end, () -> sleep(end + drain));
                        runtimeFailures = cluster.failuresAfterClose();
                        restartJoins = cluster.restartJoins();
                    }
                } else {
                    PekkoLocalRuntime.Builder builder = PekkoLocalRuntime.builder().seed(seed)
                            .cluster(ClusterConfig.ofSize(scenario.nodeCount())).protocol(protocol, options)
                            .network(Runs.network(scenario)).clientDelay(Runs.clientDelay(scenario))
                            .trace(trace, level).scenario(scenario.name()).workloadWindow(ws.warmup(), end);
                    if (store == StoreKind.DISK) builder.diskStore(dir.resolve("store"));
                    try (PekkoLocalRuntime local = builder.build()) {
                        local.start();
                        completed = drive(local, ws, history, end, () -> sleep(end + drain));
                        // a node whose store could not be read back at its restart stayed down: not a run to check
                        local.storeFailure().ifPresent(e -> {
                            throw e;
                        });
                    }
                }
            }
            Map<String, Object> run = new LinkedHashMap<>();
            run.put("protocol", protocol.name());
            run.put("seed", seed);
            run.put("options", options.asMap());
            run.put("runtime", runtime.name().toLowerCase());
            if (runtime != RuntimeKind.SIM) run.put("store", store.name().toLowerCase());
            run.put("completedOperations", completed);
            if (!runtimeFailures.get().isEmpty()) run.put("runtimeFailures", runtimeFailures.get());
            // before the scenario's clock started (docs/cluster-runtime.md): printed beside the run's figures
            if (startUp != null) run.put("clusterStartUp", Map.of("joinSeconds", startUp.joinSeconds(),
                    "warmupSeconds", startUp.warmupSeconds(), "warmupWrites", startUp.warmupWrites(),
                    "restarts", restartJoins));
            writeJson(dir.resolve(RUN_FILE), run);
            return new SeedRun(protocol.name(), seed, dir, completed, (System.nanoTime() - wallStart) / 1e9, delivered);
        }

        private long drive(ClusterRuntime rt, WorkloadSettings ws, HistoryWriter history, long end, Runnable runToEnd) {
            FaultInjector faults = new FaultInjector(rt, scenario, seed);
            Clients clients = new Clients(rt, ws, history, seed, end);
            faults.bursts(clients::burst);
            // Faults and clients start through the runtime's own scheduler, so in Pekko they run on its threads.
            rt.schedule(0, () -> {
                faults.schedule(scenario.faultList());
                clients.start();
            });
            runToEnd.run();
            return clients.completed();
        }

        /** Simulates up to {@code until} in slices of virtual time, so an interrupt stops a long run between two slices. */
        private static void runInSlices(Simulation sim, long until) {
            long slice = 100_000_000L;
            for (long t = Math.min(until, slice); ; t = Math.min(until, t + slice)) {
                if (Thread.currentThread().isInterrupted()) throw new Interrupted();
                sim.runUntil(t);
                if (t >= until) return;
            }
        }

        private static void sleep(long nanos) {
            try {
                Thread.sleep(Duration.ofNanos(nanos).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static Map<String, Object> runDescription(Scenario scenario, Map<String, Options> options, int seeds,
            long firstSeed, RuntimeKind runtime, String runId) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("runId", runId);
        d.put("scenario", scenario);
        d.put("protocols", new ArrayList<>(options.keySet()));
        Map<String, Object> opts = new LinkedHashMap<>();
        options.forEach((k, v) -> opts.put(k, v.asMap()));
        d.put("options", opts);
        d.put("seeds", seeds);
        d.put("firstSeed", firstSeed);
        d.put("runtime", runtime.name().toLowerCase());
        d.put("clients", Clients.policy(WorkloadSettings.of(scenario.workloadOrDefault())));
        Map<String, Object> versions = new LinkedHashMap<>();
        versions.put("quorumlab", versionOf(Runner.class));
        versions.put("java", System.getProperty("java.version"));
        d.put("versions", versions);
        d.put("gitCommit", GitInfo.commit());
        return d;
    }

    private static String versionOf(Class<?> c) {
        String v = c.getPackage().getImplementationVersion();
        return v != null ? v : "0.1.0-SNAPSHOT";
    }

    static void writeJson(Path file, Object value) throws IOException {
        JSON.writeValue(file.toFile(), value);
    }

    /** The outermost of {@code dir} and its ancestors that does not exist yet, or null when {@code dir} exists. */
    private static Path firstMissing(Path dir) {
        Path missing = null;
        for (Path p = dir.toAbsolutePath(); p != null && !Files.exists(p); p = p.getParent()) missing = p;
        return missing;
    }

    /** Removes {@code dir} and its parents up to {@code outermost}, each only while it is empty. */
    private static void removeEmpty(Path dir, Path outermost) {
        if (outermost == null) return;
        for (Path p = dir.toAbsolutePath(); p != null && p.startsWith(outermost); p = p.getParent()) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException notEmpty) {
                return;
            }
        }
    }

    /** Deletes a run directory and everything under it (best effort). */
    public static void deleteRecursively(Path dir) {
        deleteQuietly(dir);
    }

    static void deleteQuietly(Path dir) {
        if (!Files.exists(dir)) return;
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // best effort: a leftover hidden .tmp directory is never read as a result
        }
    }
}
