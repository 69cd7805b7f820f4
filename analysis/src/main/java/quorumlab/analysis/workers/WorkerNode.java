package quorumlab.analysis.workers;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import quorumlab.analysis.check.Checks;
import quorumlab.analysis.experiment.Trials;
import quorumlab.analysis.workers.WorkerWire.Unit;
import quorumlab.workload.Runner;
import quorumlab.workload.Scenario;
import quorumlab.workload.ScenarioLoader;

/**
 * A worker's actor: it joins the coordinator's cluster, introduces itself with its version, asks
 * for as many units as it has slots, runs each on a thread of its own with the code the embedded
 * path runs ({@link Runner#runSeed}, then the checks that write {@code verdict.json}), sends the
 * files back in chunks with their digests, and asks for the next unit.
 */
final class WorkerNode extends AbstractBehavior<WorkerWire> {
    private static final Duration TICK = Duration.ofMillis(100);
    private static final long HELLO_AGAIN_NANOS = 5_000_000_000L;

    /** What the worker was started with. */
    record Settings(String name, int slots, String coordinatorHost, int coordinatorPort, Duration timeout, Path scratch) {
        String coordinator() {
            return coordinatorHost + ":" + coordinatorPort;
        }
    }

    private final Settings settings;
    private final PrintStream err;
    private final CompletableFuture<Integer> exit;
    private final Address coordinatorAddress;
    private final ExecutorService runs;
    private final long deadline;
    private volatile ActorRef<WorkerWire> coordinator;
    private long helloSentAt = -1;
    private boolean welcomed;

    static Behavior<WorkerWire> create(Settings settings, PrintStream err, CompletableFuture<Integer> exit) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new WorkerNode(ctx, timers, settings, err, exit)));
    }

    private WorkerNode(ActorContext<WorkerWire> ctx, TimerScheduler<WorkerWire> timers, Settings settings, PrintStream err,
            CompletableFuture<Integer> exit) {
        super(ctx);
        this.settings = settings;
        this.err = err;
        this.exit = exit;
        String address = quorumlab.protocols.cluster.ClusterSystems.address(settings.coordinatorHost(), settings.coordinatorPort());
        this.coordinatorAddress = org.apache.pekko.actor.AddressFromURIString.parse(address);
        this.coordinator = ActorRefResolver.get(ctx.getSystem()).resolveActorRef(address + "/user");
        this.runs = Executors.newFixedThreadPool(settings.slots(), r -> {
            Thread t = new Thread(r, "quorumlab-worker-run");
            t.setDaemon(true);
            return t;
        });
        this.deadline = System.nanoTime() + settings.timeout().toNanos();
        timers.startTimerWithFixedDelay("tick", new WorkerWire.Tick(), TICK);
    }

    @Override
    public Receive<WorkerWire> createReceive() {
        return newReceiveBuilder()
                .onMessage(WorkerWire.Tick.class, m -> onTick())
                .onMessage(WorkerWire.Welcome.class, this::onWelcome)
                .onMessage(WorkerWire.Refused.class, m -> finish(2, m.line()))
                .onMessage(WorkerWire.Assign.class, m -> {
                    runs.execute(() -> run(m.unit()));
                    return this;
                })
                .onMessage(WorkerWire.Finished.class, m -> finish(0, null))
                .build();
    }

    private Behavior<WorkerWire> onTick() {
        Cluster cluster = Cluster.get(getContext().getSystem());
        long now = System.nanoTime();
        if (!welcomed) {
            if (now - deadline > 0) {
                return finish(2, (helloSentAt < 0 ? "cannot reach the coordinator at " : "the coordinator did not answer at ")
                        + settings.coordinator() + " within " + settings.timeout().toSeconds() + " s");
            }
            MemberStatus self = cluster.selfMember().status();
            boolean member = self == MemberStatus.up() || self == MemberStatus.weaklyUp();
            if (member && (helloSentAt < 0 || now - helloSentAt > HELLO_AGAIN_NANOS)) {
                coordinator.tell(new WorkerWire.Hello(settings.name(), WorkerVersion.current(), settings.slots(), ProcessHandle.current().pid(),
                        getContext().getSelf()));
                helloSentAt = now;
            }
            return this;
        }
        for (Member m : cluster.state().getUnreachable()) {
            if (m.address().equals(coordinatorAddress)) return finish(2, "lost the coordinator at " + settings.coordinator() + " (unreachable)");
        }
        return this;
    }

    private Behavior<WorkerWire> onWelcome(WorkerWire.Welcome w) {
        if (welcomed) return this;
        welcomed = true;
        coordinator = w.coordinator();
        err.println("quorumlab worker " + settings.name() + ": joined the coordinator at " + settings.coordinator() + " with "
                + settings.slots() + " slot" + (settings.slots() == 1 ? "" : "s"));
        coordinator.tell(new WorkerWire.Pull(settings.name(), settings.slots()));
        return this;
    }

    private Behavior<WorkerWire> finish(int code, String line) {
        if (line != null) err.println("quorumlab: " + line);
        runs.shutdownNow();
        exit.complete(code);
        return Behaviors.stopped();
    }

    /** Runs one unit in a scratch directory shaped as the runner's ({@code <protocol>/seed-<n>}), so verdict.json names the same files. */
    private void run(Unit unit) {
        if (unit.trials() != null) {
            runTrials(unit);
            return;
        }
        Path root = settings.scratch().resolve("unit-" + unit.id());
        Path dir = root.resolve(unit.protocol()).resolve("seed-" + unit.seed());
        try {
            Scenario scenario = ScenarioLoader.parse(Coordinator.describe(unit), unit.scenarioJson(), true);
            if (!WorkerPool.toJson(scenario).equals(unit.scenarioJson())) {
                throw new IllegalArgumentException("the scenario does not read back as it was sent");
            }
            Runner.SeedRun r = Runner.runSeed(new Runner.SeedJob(scenario, unit.protocol(), unit.seed(), Runner.RuntimeKind.SIM,
                    Runner.StoreKind.MEMORY, dir));
            Checks.checkRun(dir, Checks.Settings.DEFAULT);
            Map<String, String> digests = send(unit, dir);
            coordinator.tell(new WorkerWire.Result(settings.name(), unit, digests.get(Runner.TRACE_FILE), digests, r.completedOperations(),
                    r.wallSeconds(), r.messagesDelivered(), null, null));
        } catch (IOException | RuntimeException e) {
            coordinator.tell(failed(unit, e));
        } finally {
            Runner.deleteRecursively(root);
            coordinator.tell(new WorkerWire.Pull(settings.name(), 1));
        }
    }

    /** Runs a batch of an experiment's trials with the embedded path's code and sends them back, encoded. */
    private void runTrials(Unit unit) {
        WorkerWire.TrialBatch b = unit.trials();
        try {
            byte[] trials = Trials.runBatch(b.experiment(), b.plan(), b.from(), b.to());
            coordinator.tell(new WorkerWire.Result(settings.name(), unit, Coordinator.sha256(trials), Map.of(), 0, 0, 0, null, trials));
        } catch (Exception e) {
            coordinator.tell(failed(unit, e));
        } finally {
            coordinator.tell(new WorkerWire.Pull(settings.name(), 1));
        }
    }

    private WorkerWire.Result failed(Unit unit, Exception e) {
        String message = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        return new WorkerWire.Result(settings.name(), unit, null, Map.of(), 0, 0, 0, message.replaceAll("\\s*\\R\\s*", " "), null);
    }

    /** Sends every file under {@code dir} in chunks (an empty file as one empty chunk) and returns their SHA-256s. */
    private Map<String, String> send(Unit unit, Path dir) throws IOException {
        Map<String, String> digests = new TreeMap<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path f : files) {
            String name = dir.relativize(f).toString().replace('\\', '/');
            MessageDigest sha = sha256();
            try (InputStream in = Files.newInputStream(f)) {
                long offset = 0;
                do {
                    byte[] data = in.readNBytes(Coordinator.CHUNK_BYTES);
                    if (data.length == 0 && offset > 0) break;
                    sha.update(data);
                    coordinator.tell(new WorkerWire.Chunk(settings.name(), unit.id(), name, offset, data));
                    offset += data.length;
                    if (data.length < Coordinator.CHUNK_BYTES) break;
                } while (true);
            }
            digests.put(name, HexFormat.of().formatHex(sha.digest()));
        }
        return digests;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
