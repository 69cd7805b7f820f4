package quorumlab.analysis.workers;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;
import quorumlab.analysis.workers.WorkerWire.Chunk;
import quorumlab.analysis.workers.WorkerWire.Hello;
import quorumlab.analysis.workers.WorkerWire.Result;
import quorumlab.analysis.workers.WorkerWire.Submit;
import quorumlab.analysis.workers.WorkerWire.Unit;
import quorumlab.protocols.cluster.ClusterSystems;
import quorumlab.workload.Runner;

/**
 * The coordinator's actor: it accepts workers of its own version, hands out units as workers pull
 * them ({@link Dispatcher}), writes the files of each result into a hidden staging directory beside
 * the unit's place, checks their digests, and moves them into place in one step when the result is
 * the unit's first. A worker whose process exited, or that Pekko Cluster says left or became
 * unreachable, has its unfinished units reassigned.
 */
final class Coordinator extends AbstractBehavior<WorkerWire> {
    static final String ROLE = "experiment-coordinator";
    /** A piece of a file: well under Artery's frame (1 MiB in the cluster runtime's configuration). */
    static final int CHUNK_BYTES = 256 * 1024;

    /**
     * The cluster runtime's configuration, with these messages bound to Jackson CBOR too. Its failure
     * detector's 10 s pause stays: a local worker's death is seen at once by its process's exit, and a
     * shorter pause took busy workers on a loaded machine for dead (their runs then ran twice).
     */
    static Config config(String host, int port, List<String> seeds, String role) {
        return ConfigFactory.parseString("pekko.actor.serialization-bindings { \"quorumlab.analysis.workers.WorkerWire\" = jackson-cbor }")
                .withFallback(ClusterSystems.config(host, port, seeds, role));
    }

    private final String version;
    private final PrintStream err;
    private final Consumer<String> status;
    private final Dispatcher dispatcher = new Dispatcher();
    private final Map<String, ActorRef<WorkerWire>> workers = new HashMap<>();
    private final Map<String, Address> addresses = new HashMap<>();
    private final Map<Long, Submit> submits = new HashMap<>();
    private final Map<Long, Unit> units = new HashMap<>();
    /** A contradiction between two results of one unit: every pending unit fails with it. */
    private RuntimeException failure;
    /** Local worker processes still running; -1 when workers come from other hosts as well. */
    private int localAlive;

    static Behavior<WorkerWire> create(String version, PrintStream err, Consumer<String> status, int localWorkers, boolean remote) {
        return Behaviors.setup(ctx -> new Coordinator(ctx, version, err, status, remote ? -1 : localWorkers));
    }

    private Coordinator(ActorContext<WorkerWire> ctx, String version, PrintStream err, Consumer<String> status, int localAlive) {
        super(ctx);
        this.version = version;
        this.err = err;
        this.status = status;
        this.localAlive = localAlive;
        Cluster cluster = Cluster.get(ctx.getSystem());
        cluster.subscriptions().tell(Subscribe.create(
                ctx.messageAdapter(ClusterEvent.MemberEvent.class, WorkerWire.Membership::new), ClusterEvent.MemberEvent.class));
        cluster.subscriptions().tell(Subscribe.create(
                ctx.messageAdapter(ClusterEvent.ReachabilityEvent.class, WorkerWire.Membership::new), ClusterEvent.ReachabilityEvent.class));
    }

    @Override
    public Receive<WorkerWire> createReceive() {
        return newReceiveBuilder()
                .onMessage(Hello.class, this::onHello)
                .onMessage(WorkerWire.Pull.class, m -> {
                    dispatcher.pull(m.name(), m.free());
                    return dispatch();
                })
                .onMessage(Submit.class, this::onSubmit)
                .onMessage(Chunk.class, this::onChunk)
                .onMessage(Result.class, this::onResult)
                .onMessage(WorkerWire.ProcessExited.class, this::onProcessExited)
                .onMessage(WorkerWire.Membership.class, this::onMembership)
                .onMessage(WorkerWire.Close.class, this::onClose)
                .build();
    }

    private Behavior<WorkerWire> onHello(Hello h) {
        if (!h.version().equals(version)) {
            String line = "refused worker " + h.name() + " (pid " + h.pid() + " at " + h.worker().path().address() + "): it runs "
                    + h.version() + ", this coordinator " + version;
            err.println("quorumlab: " + line);
            h.worker().tell(new WorkerWire.Refused(line));
            return this;
        }
        if (workers.containsKey(h.name()) && !workers.get(h.name()).equals(h.worker())) {
            h.worker().tell(new WorkerWire.Refused("refused worker " + h.name() + ": another worker of that name is already here"));
            return this;
        }
        workers.put(h.name(), h.worker());
        addresses.put(h.name(), h.worker().path().address());
        dispatcher.join(h.name());
        h.worker().tell(new WorkerWire.Welcome(getContext().getSelf()));
        publish();
        return this;
    }

    private Behavior<WorkerWire> onSubmit(Submit s) {
        if (failure != null) {
            s.done().completeExceptionally(failure);
            return this;
        }
        submits.put(s.unit().id(), s);
        units.put(s.unit().id(), s.unit());
        dispatcher.submit(s.unit());
        if (localAlive == 0) failAll(new IllegalStateException("every worker process has exited"));
        return dispatch();
    }

    private Behavior<WorkerWire> dispatch() {
        for (Dispatcher.Assignment a : dispatcher.assign()) workers.get(a.worker()).tell(new WorkerWire.Assign(a.unit()));
        publish();
        return this;
    }

    /**
     * A hidden directory beside the unit's place, one per worker, so two copies of a unit never mix;
     * null for a batch of trials (no files).
     */
    private Path staging(long unit, String worker) {
        Path dir = submits.get(unit).dir();
        return dir == null ? null : dir.resolveSibling("." + dir.getFileName() + "." + worker + ".part");
    }

    private Behavior<WorkerWire> onChunk(Chunk c) {
        if (!submits.containsKey(c.unit()) || submits.get(c.unit()).dir() == null) return this;
        Path root = staging(c.unit(), c.name());
        Path file = root.resolve(c.file()).normalize();
        if (!file.startsWith(root)) return this; // a name that climbs out is never written; its digest check fails
        try {
            Files.createDirectories(file.getParent());
            long size = Files.exists(file) ? Files.size(file) : 0;
            // a gap or an overlap is left for the digest check to find
            if (size != c.offset()) return this;
            try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
                out.write(c.data());
            }
        } catch (IOException e) {
            fail(c.unit(), new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e));
        }
        return this;
    }

    private Behavior<WorkerWire> onResult(Result r) {
        long id = r.unit().id();
        Submit s = submits.get(id);
        if (s == null) return this;
        Path staged = staging(id, r.name());
        try {
            if (r.error() != null) {
                discard(staged);
                if (dispatcher.result(r.name(), id, "error") == Dispatcher.Outcome.ACCEPTED) {
                    fail(id, new IllegalStateException("worker " + r.name() + ", " + describe(r.unit()) + ": " + r.error()));
                }
                return dispatch();
            }
            boolean intact = s.dir() == null
                    ? r.trials() != null && sha256(r.trials()).equals(r.traceSha256())
                    : digests(staged).equals(new TreeMap<>(r.fileSha256()));
            if (!intact || !r.unit().equals(s.unit())) {
                // lost or damaged on the way: the unit goes to a worker again
                discard(staged);
                err.println("quorumlab: the files of " + describe(s.unit()) + " from worker " + r.name()
                        + " arrived damaged; running it again");
                dispatcher.retry(r.name(), s.unit());
                return dispatch();
            }
            Dispatcher.Outcome outcome = dispatcher.result(r.name(), id, r.traceSha256());
            switch (outcome) {
                case ACCEPTED -> {
                    if (s.dir() != null) {
                        Files.createDirectories(s.dir().getParent());
                        Files.move(staged, s.dir(), StandardCopyOption.ATOMIC_MOVE);
                    }
                    s.done().complete(r);
                }
                case DUPLICATE -> discard(staged);
                case MISMATCH -> {
                    discard(staged);
                    Dispatcher.Done first = dispatcher.doneBy(id);
                    failAll(new IllegalStateException(describe(s.unit()) + " ran twice with different traces: worker " + first.worker()
                            + " sha256 " + first.traceSha256() + ", worker " + r.name() + " sha256 " + r.traceSha256()));
                }
            }
        } catch (IOException e) {
            fail(id, new UncheckedIOException("cannot place the files of " + describe(s.unit()) + " in " + s.dir() + ": " + e.getMessage(), e));
        }
        return dispatch();
    }

    static String describe(Unit u) {
        if (u.trials() != null) return "unit " + u.id() + " (" + u.trials().experiment() + ", trials " + u.trials().from() + "-" + (u.trials().to() - 1) + ")";
        String scenario = u.scenarioJson().replaceAll("(?s).*?\"name\"\\s*:\\s*\"([^\"]*)\".*", "$1");
        return "unit " + u.id() + " (" + scenario + ", " + u.protocol() + ", seed " + u.seed() + ")";
    }

    /** SHA-256 of every file under {@code dir}, by path relative to it. */
    static Map<String, String> digests(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        if (!Files.isDirectory(dir)) return out;
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path f : walk.filter(Files::isRegularFile).toList()) out.put(dir.relativize(f).toString().replace('\\', '/'), sha256(f));
        }
        return out;
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private Behavior<WorkerWire> onProcessExited(WorkerWire.ProcessExited e) {
        if (localAlive > 0) localAlive--;
        lose(e.name(), "its process exited (" + e.exitValue() + ")");
        if (localAlive == 0 && submits.values().stream().anyMatch(s -> !s.done().isDone())) {
            failAll(new IllegalStateException("every worker process has exited, the last " + e.name() + " with status " + e.exitValue()));
        }
        return dispatch();
    }

    private Behavior<WorkerWire> onMembership(WorkerWire.Membership m) {
        Address gone = null;
        String why = null;
        if (m.event() instanceof ClusterEvent.UnreachableMember u) {
            gone = u.member().address();
            why = "it became unreachable";
        } else if (m.event() instanceof ClusterEvent.MemberRemoved r) {
            gone = r.member().address();
            why = "it left the cluster";
        } else if (m.event() instanceof ClusterEvent.MemberLeft l) {
            gone = l.member().address();
            why = "it is leaving the cluster";
        }
        if (gone != null) {
            for (Map.Entry<String, Address> e : addresses.entrySet()) {
                if (e.getValue().equals(gone)) lose(e.getKey(), why);
            }
        }
        return dispatch();
    }

    private void lose(String worker, String why) {
        List<Unit> back = dispatcher.lost(worker, units);
        // what arrived of its unfinished runs is never completed by it: no staging directory lands with the run
        for (long id : submits.keySet()) discard(staging(id, worker));
        if (!back.isEmpty()) {
            err.println("quorumlab: worker " + worker + " is gone (" + why + "); its " + back.size() + " unfinished run"
                    + (back.size() == 1 ? " goes" : "s go") + " to the other workers");
        }
    }

    /** Removes a staging directory; a batch of trials has none. */
    private static void discard(Path staged) {
        if (staged != null) Runner.deleteRecursively(staged);
    }

    private void fail(long unit, RuntimeException e) {
        Submit s = submits.get(unit);
        if (s != null) s.done().completeExceptionally(e);
    }

    private void failAll(RuntimeException e) {
        failure = e;
        for (Submit s : submits.values()) s.done().completeExceptionally(e);
    }

    private Behavior<WorkerWire> onClose(WorkerWire.Close c) {
        for (ActorRef<WorkerWire> w : workers.values()) w.tell(new WorkerWire.Finished());
        c.done().complete(null);
        return this;
    }

    private void publish() {
        status.accept(dispatcher.status() + (dispatcher.duplicates() > 0 ? "; " + dispatcher.duplicates() + " duplicate(s) dropped" : ""));
    }
}
