package quorumlab.protocols.local;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
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
import java.util.function.Function;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.LoggerFactory;
import quorumlab.protocols.ClientReply;
import quorumlab.protocols.ClientRequest;
import quorumlab.protocols.ClusterConfig;
import quorumlab.protocols.MembershipChange;
import quorumlab.protocols.Message;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.Options;
import quorumlab.protocols.Protocol;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.Role;
import quorumlab.protocols.runtime.ClientHandler;
import quorumlab.protocols.runtime.ClientOutcome;
import quorumlab.protocols.runtime.ClientPort;
import quorumlab.protocols.runtime.ClusterRuntime;
import quorumlab.protocols.runtime.MemoryStore;
import quorumlab.protocols.runtime.MessageCounter;
import quorumlab.protocols.runtime.NetworkModel;
import quorumlab.protocols.runtime.RuntimeBuilder;
import quorumlab.protocols.runtime.RuntimeSettings;
import quorumlab.protocols.trace.TraceSink;
import quorumlab.protocols.trace.TraceRecord;

/**
 * The {@code local} runtime: one Pekko Typed actor per node in one {@code ActorSystem}, under a real
 * scheduler and real concurrency. The protocol's node classes run unchanged inside their actors;
 * timers go through Pekko's {@code TimerScheduler} (stretched by timer drift); peer messages cross the
 * same {@link NetworkModel} as in the simulator, their delays waited out on Pekko's scheduler; clients
 * and scheduled actions run on one client actor, so client code is single-threaded. It writes the same
 * trace records as the simulator, with {@code t} in real nanoseconds since the runtime was built.
 * Runs are not reproducible here; safety must still hold.
 *
 * <p>Message counts are written every {@link MessageCounter#INTERVAL_NANOS} of real time from Pekko's
 * scheduler, and once more by {@link #close()} after every actor has stopped, so nothing counted is lost.
 */
public final class PekkoLocalRuntime implements ClusterRuntime, AutoCloseable {
    /** Pekko settings: quiet logging, a 1 ms scheduler tick (the default 10 ms would swamp millisecond delays). */
    static final String PEKKO_CONFIG = String.join("\n",
            "pekko.loglevel = WARNING",
            // the program's stdout is its table: Pekko's own console logger never writes to it
            "pekko.stdout-loglevel = OFF",
            "pekko.loggers = [\"org.apache.pekko.event.slf4j.Slf4jLogger\"]",
            "pekko.logging-filter = \"org.apache.pekko.event.slf4j.Slf4jLoggingFilter\"",
            "pekko.log-dead-letters = off",
            "pekko.log-dead-letters-during-shutdown = off",
            "pekko.scheduler.tick-duration = 1ms",
            "pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off",
            "pekko.jvm-exit-on-fatal-error = off");

    static {
        // SLF4J initialised once, before any actor system (runs start on several threads at once): a
        // logger asked for during its initialisation is buffered and "replayed" with a warning on stderr
        LoggerFactory.getILoggerFactory();
    }

    private final RuntimeSettings settings;
    private final TraceSink sink;
    private final boolean traceEvents;
    private final boolean traceMessages;

    private final ActorSystem<Void> system;
    /** Every node's actor: the bootstrap members', then those added at run time. */
    private final Map<NodeId, ActorRef<NodeCommand>> nodes = new ConcurrentHashMap<>();
    private final ActorRef<Runnable> clientActor;
    private final Map<NodeId, MemoryStore> stores = new ConcurrentHashMap<>();
    private final Map<NodeId, Status> status = new ConcurrentHashMap<>();
    /** The first commit or refusal any node emitted for each membership change, by change id. */
    private final Map<Long, ProtocolEvent> membershipOutcomes = new ConcurrentHashMap<>();
    /** Nodes added at run time, in the order added. */
    private final List<NodeId> added = new ArrayList<>();
    private final Map<Long, LocalClient> clients = new ConcurrentHashMap<>();
    private final List<NodeId> leaders = new ArrayList<>();
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final AtomicLong nextMessageId = new AtomicLong();
    private final Object traceLock = new Object();
    /** Null when the sink keeps nothing; guarded by {@code traceLock}. */
    private final MessageCounter counter;
    private volatile Cancellable countsTimer;
    private final long startNanos;
    private volatile boolean started;

    /** What the runtime itself knows of a node, read from any thread. */
    private static final class Status {
        volatile boolean up;
        volatile boolean paused;
        volatile double drift = 1.0;
    }

    private PekkoLocalRuntime(RuntimeSettings settings) {
        this.settings = settings;
        this.sink = settings.sink();
        this.traceEvents = settings.traceEvents();
        this.traceMessages = settings.traceMessages();
        this.counter = settings.countMessages() ? new MessageCounter(settings.cluster().members()) : null;
        for (NodeId id : settings.cluster().members()) {
            stores.put(id, new MemoryStore());
            status.put(id, new Status());
        }

        CompletableFuture<Map<NodeId, ActorRef<NodeCommand>>> spawnedNodes = new CompletableFuture<>();
        CompletableFuture<ActorRef<Runnable>> spawnedClient = new CompletableFuture<>();
        Config config = ConfigFactory.parseString(PEKKO_CONFIG).withFallback(ConfigFactory.load());
        this.system = ActorSystem.create(Behaviors.<Void>setup(ctx -> {
            Map<NodeId, ActorRef<NodeCommand>> refs = new HashMap<>();
            for (NodeId id : settings.cluster().members()) {
                refs.put(id, ctx.spawn(NodeActor.create(this, id, stores.get(id), settings.memberRandom(id)), id.toString()));
            }
            spawnedNodes.complete(Map.copyOf(refs));
            spawnedClient.complete(ctx.spawn(clientBehavior(), "clients"));
            return Behaviors.empty();
        }), "quorumlab", config);
        try {
            this.nodes.putAll(spawnedNodes.get(30, TimeUnit.SECONDS));
            this.clientActor = spawnedClient.get(30, TimeUnit.SECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            system.terminate();
            throw new IllegalStateException("the Pekko actor system did not start: " + e, e);
        }
        this.startNanos = System.nanoTime();
    }

    private org.apache.pekko.actor.typed.Behavior<Runnable> clientBehavior() {
        return Behaviors.receive(Runnable.class).onAnyMessage(action -> {
            try {
                action.run();
            } catch (RuntimeException e) {
                failed(null, "client action", e);
            }
            return Behaviors.same();
        }).build();
    }

    /** Whether protocol events (and so applies) reach the trace. */
    boolean traceEvents() {
        return traceEvents;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Configures a {@link PekkoLocalRuntime}, as {@code Simulation.builder()} does. The trace sink is
     * called under a lock, so it need not be thread-safe.
     */
    public static final class Builder extends RuntimeBuilder<Builder, PekkoLocalRuntime> {
        /** Starts the actor system (the nodes wait for {@link PekkoLocalRuntime#start()}). */
        @Override
        public PekkoLocalRuntime build() {
            return new PekkoLocalRuntime(settings());
        }
    }

    // ---- running ----

    /** Writes the meta record and starts every node. Runs once. */
    public synchronized void start() {
        if (started) return;
        started = true;
        synchronized (traceLock) {
            sink.record(settings.meta(now(), "local"));
        }
        if (counter != null) {
            Duration every = Duration.ofNanos(MessageCounter.INTERVAL_NANOS);
            countsTimer = system.scheduler().scheduleAtFixedRate(every, every, this::flushCounts, system.executionContext());
        }
        for (NodeId id : settings.cluster().members()) {
            status.get(id).up = true;
            nodes.get(id).tell(new NodeCommand.Start());
        }
        for (Map.Entry<NodeId, Status> added : status.entrySet()) {
            if (settings.cluster().contains(added.getKey())) continue;
            added.getValue().up = true;
            nodes.get(added.getKey()).tell(new NodeCommand.Start());
        }
    }

    /**
     * Waits until {@code condition} holds, checking every millisecond, for at most {@code timeout}.
     * Returns whether it holds.
     */
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

    /** Runs {@code query} on the node's own actor and returns its answer (waits up to 10 s). */
    public <T> T inspect(NodeId id, Function<NodeView, T> query) {
        CompletableFuture<Object> result = new CompletableFuture<>();
        ref(id, "inspect").tell(new NodeCommand.Inspect(query, result));
        try {
            @SuppressWarnings("unchecked")
            T answer = (T) result.get(10, TimeUnit.SECONDS);
            return answer;
        } catch (ExecutionException e) {
            throw new IllegalStateException("inspecting " + id + " failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new IllegalStateException("inspecting " + id + " timed out", e);
        }
    }

    /** Failures of node handlers and client actions so far (a protocol bug), one line each. */
    public List<String> failures() {
        return List.copyOf(failures);
    }

    /** Stops every actor, waits for the actor system to end, then writes the last message counts. */
    @Override
    public void close() {
        Cancellable timer = countsTimer;
        if (timer != null) timer.cancel();
        system.terminate();
        try {
            system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the Pekko actor system did not stop: " + e, e);
        }
        flushCounts();
    }

    private void flushCounts() {
        if (counter == null) return;
        synchronized (traceLock) {
            counter.flush(now(), sink);
        }
    }

    // ---- ClusterRuntime ----

    @Override
    public long now() {
        return System.nanoTime() - startNanos;
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
    public List<NodeId> nodes() {
        synchronized (added) {
            List<NodeId> all = new ArrayList<>(settings.cluster().members());
            all.addAll(added);
            return all;
        }
    }

    @Override
    public NetworkModel network() {
        return settings.network();
    }

    @Override
    public void crash(NodeId id) {
        Status s = status(id, "crash");
        if (!s.up) return;
        s.up = false;
        s.paused = false;
        leftLeadership(id);
        nodes.get(id).tell(new NodeCommand.Crash());
        clients.values().forEach(c -> c.outstandingAt(id).forEach(seq -> refuse(c.clientId(), seq, id)));
    }

    @Override
    public void restart(NodeId id) {
        Status s = status(id, "restart");
        if (s.up) return;
        s.up = true;
        nodes.get(id).tell(new NodeCommand.Start());
    }

    /**
     * Creates node {@code id} (an actor of its own, an empty store, a stream derived from the seed and
     * its id) and starts it, or lets {@link #start()} start it if the run has not begun.
     */
    @Override
    public synchronized void addNode(NodeId id) {
        if (status.containsKey(id)) throw new IllegalArgumentException("addNode: " + id + " already exists");
        MemoryStore store = new MemoryStore();
        Status s = new Status();
        if (counter != null) {
            synchronized (traceLock) {
                counter.add(id);
            }
        }
        stores.put(id, store);
        ActorRef<NodeCommand> ref = system.systemActorOf(NodeActor.create(this, id, store, settings.memberRandom(id)), id.toString(),
                org.apache.pekko.actor.typed.Props.empty());
        nodes.put(id, ref);
        status.put(id, s);
        synchronized (added) {
            added.add(id);
        }
        if (started) {
            s.up = true;
            ref.tell(new NodeCommand.Start());
        }
    }

    @Override
    public void requestMembershipChange(NodeId at, MembershipChange change) {
        Status s = status(at, "requestMembershipChange");
        if (!settings.protocol().supportsMembershipChange()) {
            throw new UnsupportedOperationException(settings.protocol().name() + " does not support membership change");
        }
        // An operator's request to a server that is down or frozen fails at once; it is not queued.
        if (!s.up || s.paused) {
            String why = at + (s.up ? " is paused" : " is down");
            membershipOutcomes.putIfAbsent(change.id(), new ProtocolEvent.MembershipChangeRefused(change.id(), why));
            return;
        }
        nodes.get(at).tell(new NodeCommand.ChangeMembership(change));
    }

    @Override
    public Optional<ProtocolEvent> membershipOutcome(long changeId) {
        return Optional.ofNullable(membershipOutcomes.get(changeId));
    }

    @Override
    public void pause(NodeId id) {
        Status s = status(id, "pause");
        if (!s.up) return;
        s.paused = true;
        nodes.get(id).tell(new NodeCommand.Pause());
    }

    @Override
    public void resume(NodeId id) {
        Status s = status(id, "resume");
        if (!s.paused) return;
        s.paused = false;
        nodes.get(id).tell(new NodeCommand.Resume());
    }

    @Override
    public void setTimerDrift(NodeId id, double rate) {
        if (!(rate > 0) || Double.isInfinite(rate)) throw new IllegalArgumentException("timer drift rate must be positive, got " + rate);
        status(id, "setTimerDrift").drift = rate;
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
            sink.record(new TraceRecord.Fault(now(), fault, copy, detail, groupsCopy));
        }
    }

    @Override
    public ClientPort addClient(long clientId, ClientHandler handler) {
        LocalClient client = new LocalClient(this, clientId, Objects.requireNonNull(handler), settings.clientRandom(clientId));
        if (clients.putIfAbsent(clientId, client) != null) {
            throw new IllegalArgumentException("client " + clientId + " is already connected");
        }
        return client;
    }

    // ---- called by node actors and clients ----

    Protocol protocol() {
        return settings.protocol();
    }

    Options options() {
        return settings.options();
    }

    double drift(NodeId id) {
        return status.get(id).drift;
    }

    void send(NodeId from, NodeId to, Message message, NetworkModel.Route route) {
        ActorRef<NodeCommand> target = nodes.get(to);
        if (target == null) throw new IllegalArgumentException(from + " sent " + message.typeName() + " to " + to + ", not a member");
        long id = nextMessageId.incrementAndGet();
        if (counter != null || traceMessages) {
            synchronized (traceLock) {
                if (counter != null) counter.count(from, message);
                if (traceMessages) sink.record(new TraceRecord.Send(now(), from, to, id, message.typeName(), message.sizeBytes()));
            }
        }
        settings.network().route(from, to, message, now(), route);
        if (route.dropReason != null) {
            dropped(from, to, id, message.typeName(), route.dropReason);
            return;
        }
        NodeCommand.Deliver deliver = new NodeCommand.Deliver(from, message, id);
        tellAfter(target, deliver, route.delay);
        if (route.duplicateDelay >= 0) tellAfter(target, deliver, route.duplicateDelay);
    }

    void reply(NodeId from, ClientReply reply) {
        LocalClient client = clients.get(reply.clientId());
        if (client == null) {
            dropped(from, null, nextMessageId.incrementAndGet(), "ClientReply", "no_client");
            return;
        }
        long delay = client.sampleDelay(settings.clientDelay());
        Runnable arrive = () -> client.replyArrived(from, reply);
        if (delay <= 0) clientActor.tell(arrive);
        else system.scheduler().scheduleOnce(Duration.ofNanos(delay), () -> clientActor.tell(arrive), system.executionContext());
    }

    void submit(LocalClient client, NodeId node, ClientRequest request, long intended) {
        ActorRef<NodeCommand> target = ref(node, "submit");
        synchronized (traceLock) {
            sink.record(new TraceRecord.Invoke(now(), intended, node, request));
        }
        tellAfter(target, new NodeCommand.ClientRequestArrived(request, nextMessageId.incrementAndGet()), client.sampleDelay(settings.clientDelay()));
    }

    /**
     * {@code node} is down: the client's connection to it refuses, or breaks with {@code seq}
     * outstanding, and the client hears so one client-link delay later.
     */
    void refuse(long clientId, long seq, NodeId node) {
        LocalClient client = clients.get(clientId);
        if (client == null) return;
        long delay = client.sampleDelay(settings.clientDelay());
        Runnable refuse = () -> client.refused(node, seq);
        if (delay <= 0) clientActor.tell(refuse);
        else system.scheduler().scheduleOnce(Duration.ofNanos(delay), () -> clientActor.tell(refuse), system.executionContext());
    }

    void refusedRecorded(long clientId, long seq, NodeId node) {
        synchronized (traceLock) {
            sink.record(new TraceRecord.Complete(now(), clientId, seq, node, null, ClientOutcome.REFUSED));
        }
    }

    void completed(long clientId, long seq, NodeId from, ClientReply reply) {
        String outcome = reply == null ? ClientOutcome.TIMEOUT : ClientOutcome.of(reply);
        synchronized (traceLock) {
            sink.record(new TraceRecord.Complete(now(), clientId, seq, from, reply, outcome));
        }
    }

    private void tellAfter(ActorRef<NodeCommand> target, NodeCommand command, long delayNanos) {
        if (delayNanos <= 0) target.tell(command);
        else system.scheduler().scheduleOnce(Duration.ofNanos(delayNanos), () -> target.tell(command), system.executionContext());
    }

    void delivered(NodeId from, NodeId to, long id, String type) {
        if (!traceMessages) return;
        synchronized (traceLock) {
            sink.record(new TraceRecord.Deliver(now(), from, to, id, type));
        }
    }

    void dropped(NodeId from, NodeId to, long id, String type, String reason) {
        if (!traceMessages) return;
        synchronized (traceLock) {
            sink.record(new TraceRecord.Drop(now(), from, to, id, type, reason));
        }
    }

    void timerSet(NodeId node, String name, long delay) {
        if (!traceMessages) return;
        synchronized (traceLock) {
            sink.record(new TraceRecord.TimerSet(now(), node, name, delay));
        }
    }

    void timerFired(NodeId node, String name) {
        if (!traceMessages) return;
        synchronized (traceLock) {
            sink.record(new TraceRecord.TimerFire(now(), node, name));
        }
    }

    void event(NodeId node, ProtocolEvent event) {
        if (event instanceof ProtocolEvent.LeaderEstablished) {
            synchronized (leaders) {
                leaders.remove(node);
                leaders.add(node);
            }
        } else if (event instanceof ProtocolEvent.RoleChanged rc && rc.to() != Role.LEADER) {
            leftLeadership(node);
        } else if (event instanceof ProtocolEvent.MembershipChangeCommitted c) {
            membershipOutcomes.putIfAbsent(c.changeId(), c);
        } else if (event instanceof ProtocolEvent.MembershipChangeRefused r) {
            membershipOutcomes.putIfAbsent(r.changeId(), r);
        }
        if (!traceEvents) return;
        synchronized (traceLock) {
            sink.record(new TraceRecord.Event(now(), node, event));
        }
    }

    void membershipRefused(long changeId, String reason) {
        membershipOutcomes.putIfAbsent(changeId, new ProtocolEvent.MembershipChangeRefused(changeId, reason));
    }

    void leftLeadership(NodeId node) {
        synchronized (leaders) {
            leaders.remove(node);
        }
    }

    void failed(NodeId node, String what, RuntimeException e) {
        failures.add((node != null ? node + " " : "") + what + " at t=" + now() + "ns: " + e);
        system.log().error("{} {} failed: {}", node != null ? node : "client", what, e.toString());
    }

    private Status status(NodeId id, String what) {
        Status s = id == null ? null : status.get(id);
        if (s == null) throw new IllegalArgumentException(what + ": " + id + " is not a member of the cluster " + settings.cluster().members());
        return s;
    }

    private ActorRef<NodeCommand> ref(NodeId id, String what) {
        status(id, what);
        return nodes.get(id);
    }
}
