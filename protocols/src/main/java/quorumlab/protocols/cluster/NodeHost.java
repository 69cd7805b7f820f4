package quorumlab.protocols.cluster;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import quorumlab.protocols.ClientReply;
import quorumlab.protocols.ClusterConfig;
import quorumlab.protocols.DurableStore;
import quorumlab.protocols.Message;
import quorumlab.protocols.Node;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.Options;
import quorumlab.protocols.Protocol;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.Role;
import quorumlab.protocols.runtime.AbstractNodeContext;
import quorumlab.protocols.runtime.MessageCounter;
import quorumlab.protocols.runtime.NetworkModel;
import quorumlab.protocols.trace.TraceLevel;
import quorumlab.protocols.trace.TraceRecord;
import quorumlab.protocols.trace.TraceWriter;

/**
 * The actor that hosts one protocol node in its own process: the same {@link Node} class, through
 * the same {@link AbstractNodeContext}, as the local runtime's actor. It finds its peers through
 * Pekko Cluster membership (a member with role {@code node-n2} is n2), reports {@link Wire.Ready}
 * to the coordinator, and starts the node on {@link Wire.Go}. Before that, at the run's first start,
 * it may run a rehearsal instance ({@link Wire.Rehearse}) that warms the process and is thrown away.
 *
 * <p>Crash, restart and pause are done to the whole process by the coordinator, so unlike the local
 * runtime this actor knows no crashed or paused state. What it sends crosses its own copy of the
 * network model first (delay, loss, duplication, cuts), which the coordinator keeps up to date.
 *
 * <p>What a handler sent leaves the process only after the handler returned, the store synced what
 * it wrote (as the papers require before a node answers) and the trace took what it did (written
 * to the kernel, not synced: a SIGKILL loses nothing written), so no peer or client sees an effect
 * whose cause a killed node's store or trace lacks. The handlers of the messages queued at one time
 * share that sync ({@link #flush()}).
 */
final class NodeHost extends AbstractBehavior<Wire> {
    private static final Duration TICK = Duration.ofNanos(MessageCounter.INTERVAL_NANOS);
    private static final Duration DISCOVERY_TICK = Duration.ofMillis(20);
    /** Protocol messages that arrive before this node's {@link Wire.Go} (a peer started a moment earlier). */
    private static final int STASH_CAPACITY = 100_000;

    private final NodeSpec spec;
    private final NodeId id;
    private final ClusterConfig cluster;
    private final Protocol protocol;
    private final Options options;
    private final TimerScheduler<Wire> timers;
    private final ActorRefResolver resolver;
    private final ActorRef<Wire> coordinator;
    private final StashBuffer<Wire> stash;
    private final Map<NodeId, ActorRef<Wire>> peers = new HashMap<>();
    private final NetworkModel network = new NetworkModel();
    private final NetworkModel.Route route = new NetworkModel.Route();
    /** The real instance's context, made at once so its random stream is the same with or without a rehearsal. */
    private final Context realContext;
    /** The context of the instance running now: the rehearsal's until {@link Wire.Go}, then the real one. */
    private Context context;
    private final TraceWriter trace;
    private final boolean traceEvents;
    private final boolean traceMessages;
    private final MessageCounter counter;
    /** What the current handler produced, released after the trace is flushed. */
    private final List<Runnable> outbox = new ArrayList<>();

    private boolean ready;
    /** A {@link Wire.Flush} is in the mailbox: what handlers wrote and sent since waits for it. */
    private boolean flushQueued;
    private Node instance;
    private long originNanos;
    private double drift = 1.0;
    private long nextMessageId;
    /** How long each of the run's store syncs took, written to the node's log at the end (docs/cluster-runtime.md). */
    private final Durations syncNanos = new Durations();
    private long syncsSeen;

    static Behavior<Wire> create(NodeSpec spec, DurableStore store) {
        return Behaviors.withStash(STASH_CAPACITY, stash -> Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new NodeHost(ctx, timers, stash, spec, store))));
    }

    private NodeHost(ActorContext<Wire> ctx, TimerScheduler<Wire> timers, StashBuffer<Wire> stash, NodeSpec spec, DurableStore store) {
        super(ctx);
        this.stash = stash;
        this.spec = spec;
        this.id = spec.node();
        this.cluster = new ClusterConfig(spec.members());
        this.protocol = Protocol.byName(spec.protocol());
        this.options = protocol.resolveOptions(spec.options());
        this.timers = timers;
        this.resolver = ActorRefResolver.get(ctx.getSystem());
        this.coordinator = resolver.resolveActorRef(spec.coordinator() + "/user/coordinator");
        TraceLevel level = TraceLevel.valueOf(spec.traceLevel());
        this.trace = spec.traceFile() != null ? TraceWriter.open(Path.of(spec.traceFile())) : null;
        this.traceEvents = trace != null && level.includesEvents();
        this.traceMessages = trace != null && level.includesMessages();
        this.counter = trace != null && spec.countMessages() ? new MessageCounter(spec.members()) : null;
        // Message ids are unique across nodes and incarnations: node, incarnation, then a counter.
        this.nextMessageId = ((long) id.id() << 48) | ((long) spec.incarnation() << 36);
        network.reseed(NetworkModelSeeds.forIncarnation(spec.networkSeed(), spec.incarnation()));
        SplittableRandom random = new SplittableRandom(NetworkModelSeeds.forIncarnation(spec.randomSeed(), spec.incarnation()));
        this.realContext = new Context(id, store, random, false);
        this.context = realContext;
        timers.startTimerWithFixedDelay("discovery", new Wire.Tick(), DISCOVERY_TICK);
    }

    @Override
    public Receive<Wire> createReceive() {
        return newReceiveBuilder()
                .onMessage(Wire.Tick.class, m -> tick())
                .onMessage(Wire.Go.class, this::go)
                .onMessage(Wire.Rehearse.class, m -> rehearse())
                .onMessage(Wire.Deliver.class, this::deliver)
                .onMessage(Wire.Request.class, this::request)
                .onMessage(Wire.Timer.class, this::timer)
                .onMessage(Wire.Send.class, m -> {
                    m.to().tell(m.deliver());
                    return this;
                })
                .onMessage(Wire.Network.class, m -> {
                    m.state().applyTo(network);
                    return this;
                })
                .onMessage(Wire.Clock.class, m -> {
                    coordinator.tell(new Wire.ClockReading(id, spec.incarnation(), m.coordinatorNanos(), System.nanoTime()));
                    return this;
                })
                .onMessage(Wire.Drift.class, m -> {
                    drift = m.rate();
                    return this;
                })
                .onMessage(Wire.Flush.class, m -> flush())
                .onMessage(Wire.Stop.class, m -> stop())
                .build();
    }

    // ---- joining ----

    private Behavior<Wire> tick() {
        if (!ready) {
            discover();
        } else if (counter != null) {
            counter.flush(now(), trace);
            trace.flush();
        }
        return this;
    }

    /** Peers are the members whose role names them; ready once every peer is known and this node is a member. */
    private void discover() {
        Cluster c = Cluster.get(getContext().getSystem());
        for (Member m : c.state().getMembers()) {
            for (NodeId peer : cluster.peersOf(id)) {
                if (m.hasRole(ClusterPekko.roleOf(peer)) && !peers.containsKey(peer)) {
                    peers.put(peer, resolver.resolveActorRef(m.address() + "/user"));
                }
            }
        }
        MemberStatus self = c.selfMember().status();
        boolean member = self == MemberStatus.up() || self == MemberStatus.weaklyUp() || self == MemberStatus.joining();
        if (member && peers.size() == cluster.size() - 1) {
            ready = true;
            timers.cancel("discovery");
            coordinator.tell(new Wire.Ready(id, spec.incarnation(), getContext().getSelf(), ProcessHandle.current().pid()));
        }
    }

    // ---- inputs ----

    /**
     * Starts a rehearsal instance: the same protocol and options, but a store in memory, no trace and
     * a random stream of its own. What it sends is marked, so no real instance ever takes it.
     */
    private Behavior<Wire> rehearse() {
        if (instance != null) return this;
        originNanos = System.nanoTime();
        context = new Context(id, NodeStores.openRehearsal(spec), new SplittableRandom(spec.randomSeed() ^ 0x7265686561727365L), true);
        context.newIncarnation();
        guarded("rehearsal onStart", () -> {
            instance = protocol.createNode(context, options);
            instance.onStart();
        });
        return this;
    }

    private Behavior<Wire> go(Wire.Go go) {
        if (instance != null && !context.rehearsal) return this;
        if (context.rehearsal) {
            // the rehearsal ends: its timers, and whatever it has not yet sent, go with it
            timers.cancelAll();
            outbox.clear();
            instance = null;
            NodeStores.discardRehearsal(spec, context.store());
            context = realContext;
        }
        originNanos = go.originNanos();
        drift = go.drift();
        // A trace file starts with a meta record; the coordinator's is the merged trace's, this one is dropped
        if (trace != null) trace.record(new TraceRecord.Meta(now(), spec.protocol(), spec.members().size(), 0, "cluster-node", null, null, null));
        if (counter != null) timers.startTimerWithFixedDelay("counts", new Wire.Tick(), TICK);
        context.newIncarnation();
        guarded("onStart", () -> {
            instance = protocol.createNode(context, options);
            instance.onStart();
        });
        return stash.unstashAll(this);
    }

    /** True while the real instance has not started: a rehearsal may be running, or nothing yet. */
    private boolean beforeGo() {
        return instance == null || context.rehearsal;
    }

    private Behavior<Wire> deliver(Wire.Deliver d) {
        String type = d.message().typeName();
        if (d.rehearsal()) {
            // between rehearsal instances: taken only by one, and dropped untraced once it is over
            if (instance != null && context.rehearsal) guarded("rehearsal onMessage " + type, () -> instance.onMessage(d.from(), d.message()));
        } else if (beforeGo()) {
            // a peer got its Go a moment before this node: the message waits for this node's start
            if (!stash.isFull()) stash.stash(d);
            else dropped(d.from(), d.id(), type, "crashed");
        } else if (network.isCut(d.from(), id)) {
            dropped(d.from(), d.id(), type, NetworkModel.PARTITION);
        } else {
            if (traceMessages) trace.record(new TraceRecord.Deliver(now(), d.from(), id, d.id(), type));
            guarded("onMessage " + type, () -> instance.onMessage(d.from(), d.message()));
        }
        return this;
    }

    private Behavior<Wire> request(Wire.Request r) {
        if (r.rehearsal() != (instance != null && context.rehearsal)) {
            // a warm-up write that arrives after the rehearsal is not the run's; a client's, before Go, waits for it
            if (!r.rehearsal() && beforeGo() && !stash.isFull()) stash.stash(r);
            return this;
        }
        if (instance == null) {
            dropped(null, r.id(), "ClientRequest", "crashed");
            return this;
        }
        guarded("onClientRequest", () -> instance.onClientRequest(r.request()));
        return this;
    }

    private Behavior<Wire> timer(Wire.Timer t) {
        if (instance == null) return this;
        if (traceMessages && !context.rehearsal) trace.record(new TraceRecord.TimerFire(now(), id, t.name()));
        guarded("onTimer " + t.name(), () -> instance.onTimer(t.name()));
        return this;
    }

    private Behavior<Wire> stop() {
        if (realContext.store() instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                System.err.println(id + ": closing the store: " + e.getMessage());
            }
        }
        if (counter != null) counter.flush(now(), trace);
        if (trace != null) trace.close();
        if (syncNanos.size() > 0) System.err.println(id + ": store syncs " + syncNanos.summaryMs());
        // Everything of the run is on disk; leaving the cluster politely would only wait for members already gone.
        Runtime.getRuntime().halt(0);
        return Behaviors.stopped();
    }

    /**
     * Runs a handler of the node. What it wrote and sent waits for the next {@link Wire.Flush}, which
     * this queues behind every message already in the mailbox, so those handlers' writes share one
     * fsync (group commit: an fsync costs milliseconds, a handler microseconds).
     */
    private void guarded(String what, Runnable handler) {
        try {
            handler.run();
        } catch (RuntimeException e) {
            coordinator.tell(new Wire.Failed(id, id + " " + what + " at t=" + now() + "ns: " + e));
        }
        if (!flushQueued) {
            flushQueued = true;
            getContext().getSelf().tell(new Wire.Flush());
        }
    }

    /**
     * Syncs the store (one fsync for every handler since the last flush) and flushes the trace, and
     * only then releases what those handlers sent. A store that cannot sync ends the process: nothing
     * the handlers said may leave, and the node is as if crashed.
     */
    private Behavior<Wire> flush() {
        flushQueued = false;
        long before = System.nanoTime();
        try {
            context.store().sync();
            if (!context.rehearsal && context.store() instanceof quorumlab.protocols.store.DiskStore disk && disk.syncs() > syncsSeen) {
                syncsSeen = disk.syncs();
                syncNanos.add(System.nanoTime() - before);
            }
        } catch (RuntimeException e) {
            System.err.println(id + ": store sync failed: " + e.getMessage());
            Runtime.getRuntime().halt(3);
        }
        if (trace != null) trace.flush();
        for (Runnable r : outbox) r.run();
        outbox.clear();
        return this;
    }

    private void dropped(NodeId from, long messageId, String type, String reason) {
        if (traceMessages && !context.rehearsal) trace.record(new TraceRecord.Drop(now(), from, id, messageId, type, reason));
    }

    private long now() {
        return System.nanoTime() - originNanos;
    }

    // ---- the outbound path ----

    private void send(NodeId to, Message message) {
        ActorRef<Wire> target = peers.get(to);
        if (target == null) throw new IllegalArgumentException(id + " sent " + message.typeName() + " to " + to + ", not a member");
        boolean rehearsal = context.rehearsal;
        if (rehearsal) {
            // the rehearsal crosses the network as it is: no fault is scheduled before the run
            Wire.Deliver deliver = new Wire.Deliver(id, message, 0, true);
            outbox.add(() -> target.tell(deliver));
            return;
        }
        long messageId = ++nextMessageId;
        long t = now();
        if (counter != null) counter.count(id, message);
        if (traceMessages) trace.record(new TraceRecord.Send(t, id, to, messageId, message.typeName(), message.sizeBytes()));
        network.route(id, to, message, t, route);
        if (route.dropReason != null) {
            if (traceMessages) trace.record(new TraceRecord.Drop(t, id, to, messageId, message.typeName(), route.dropReason));
            return;
        }
        Wire.Deliver deliver = new Wire.Deliver(id, message, messageId, false);
        long delay = route.delay;
        long duplicate = route.duplicateDelay;
        outbox.add(() -> sendAfter(target, deliver, delay));
        if (duplicate >= 0) outbox.add(() -> sendAfter(target, deliver, duplicate));
    }

    private void sendAfter(ActorRef<Wire> target, Wire.Deliver deliver, long delayNanos) {
        if (delayNanos <= 0) target.tell(deliver);
        else getContext().scheduleOnce(Duration.ofNanos(delayNanos), getContext().getSelf(), new Wire.Send(target, deliver));
    }

    /** What the node sees of the world; its handlers, and so these methods, run on this actor. */
    private final class Context extends AbstractNodeContext {
        /** The rehearsal instance's context: nothing it does is traced or reported as the run's. */
        final boolean rehearsal;

        Context(NodeId id, DurableStore store, SplittableRandom random, boolean rehearsal) {
            super(id, store, random, traceEvents && !rehearsal);
            this.rehearsal = rehearsal;
        }

        void newIncarnation() {
            newStateMachine();
        }

        @Override
        public ClusterConfig cluster() {
            return cluster;
        }

        @Override
        public long now() {
            return NodeHost.this.now();
        }

        @Override
        public void send(NodeId to, Message message) {
            NodeHost.this.send(to, message);
        }

        @Override
        public void reply(ClientReply reply) {
            Wire.Reply r = new Wire.Reply(id, reply);
            outbox.add(() -> coordinator.tell(r));
        }

        @Override
        public void startTimer(String name, long delayNanos) {
            if (delayNanos < 0) throw new IllegalArgumentException(id + ": timer " + name + " with negative delay " + delayNanos);
            if (traceMessages && !rehearsal) trace.record(new TraceRecord.TimerSet(NodeHost.this.now(), id, name, delayNanos));
            timers.startSingleTimer(name, new Wire.Timer(name), Duration.ofNanos(Math.round(delayNanos * drift)));
        }

        @Override
        public void cancelTimer(String name) {
            timers.cancel(name);
        }

        @Override
        protected void record(ProtocolEvent event) {
            if (event instanceof ProtocolEvent.LeaderEstablished) {
                outbox.add(() -> coordinator.tell(new Wire.Leadership(id, true, rehearsal)));
            } else if (event instanceof ProtocolEvent.RoleChanged rc && rc.to() != Role.LEADER) {
                outbox.add(() -> coordinator.tell(new Wire.Leadership(id, false, rehearsal)));
            }
            if (traceEvents && !rehearsal) trace.record(new TraceRecord.Event(NodeHost.this.now(), id, event));
        }
    }

    /** Durations in nanoseconds, summarised once at the end. */
    private static final class Durations {
        private long[] values = new long[1024];
        private int size;

        void add(long nanos) {
            if (size == values.length) values = java.util.Arrays.copyOf(values, size * 2);
            values[size++] = nanos;
        }

        int size() {
            return size;
        }

        String summaryMs() {
            long[] sorted = java.util.Arrays.copyOf(values, size);
            java.util.Arrays.sort(sorted);
            return String.format(java.util.Locale.ROOT, "n=%d p50=%.2f ms p90=%.2f ms p99=%.2f ms max=%.2f ms", size,
                    sorted[size / 2] / 1e6, sorted[(int) (size * 0.9)] / 1e6, sorted[(int) (size * 0.99)] / 1e6, sorted[size - 1] / 1e6);
        }
    }
}
