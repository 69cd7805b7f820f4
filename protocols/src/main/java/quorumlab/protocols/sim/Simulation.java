package quorumlab.protocols.sim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.ToLongFunction;
import quorumlab.protocols.ClientReply;
import quorumlab.protocols.ClientRequest;
import quorumlab.protocols.ClusterConfig;
import quorumlab.protocols.DurableStore;
import quorumlab.protocols.KvStateMachine;
import quorumlab.protocols.MembershipChange;
import quorumlab.protocols.Message;
import quorumlab.protocols.Node;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.Role;
import quorumlab.protocols.runtime.ClientHandler;
import quorumlab.protocols.runtime.ClientOutcome;
import quorumlab.protocols.runtime.ClientPort;
import quorumlab.protocols.runtime.ClusterRuntime;
import quorumlab.protocols.runtime.MessageCounter;
import quorumlab.protocols.runtime.NetworkModel;
import quorumlab.protocols.runtime.RuntimeBuilder;
import quorumlab.protocols.runtime.RuntimeSettings;
import quorumlab.protocols.trace.TraceSink;
import quorumlab.protocols.trace.TraceRecord;

/**
 * The deterministic simulator: a discrete-event loop over virtual time in nanoseconds. Events run in
 * (time, sequence) order, one at a time; every random choice comes from a stream split off the
 * seed, so the same seed and inputs give the same run and a byte-identical trace.
 *
 * <p>Random streams: the seed splits as {@link RuntimeSettings} describes, the same as in the Pekko runtime.
 *
 * <p>Message counts: every {@link MessageCounter#INTERVAL_NANOS} of virtual time, and once more at
 * {@link #close()}, the simulator writes what each node sent. It writes an interval's counts when the
 * first event after the interval's end comes up, so it adds no events of its own to the queue.
 *
 * <p>Not thread-safe: drive it from one thread.
 */
public final class Simulation implements ClusterRuntime, AutoCloseable {
    private final RuntimeSettings settings;
    // Read on every event, so kept at hand.
    private final TraceSink sink;
    private final boolean traceEvents;
    private final boolean traceMessages;
    /** Null when the sink keeps nothing. */
    private final MessageCounter counter;
    /** The end of the interval being counted. */
    private long nextCountsAt = MessageCounter.INTERVAL_NANOS;
    /** Time a message waits at its sender before the network takes it; null for none. */
    private final ToLongFunction<Message> sendDelay;

    /** Indexed by node id; grows when a node is added at run time. */
    private SimNode[] nodesById;
    private final List<SimNode> nodes = new ArrayList<>();
    private final Map<Long, SimClient> clients = new HashMap<>();
    private final EventQueue queue = new EventQueue();
    private final NetworkModel.Route route = new NetworkModel.Route();
    /** Nodes that established leadership and still lead, oldest first. */
    private final List<NodeId> leaders = new ArrayList<>();
    /** The first commit or refusal any node emitted for each membership change, by change id. */
    private final Map<Long, ProtocolEvent> membershipOutcomes = new HashMap<>();

    private SimEvent[] pool = new SimEvent[256];
    private int pooled;

    private long now;
    private long nextSeq;
    private long nextMessageId;
    private boolean started;

    private long eventsProcessed;
    private long messagesSent;
    private long messagesDelivered;
    private long messagesDropped;
    private long wallNanos;

    private Simulation(RuntimeSettings settings, ToLongFunction<Message> sendDelay) {
        this.settings = settings;
        this.sendDelay = sendDelay;
        this.sink = settings.sink();
        this.traceEvents = settings.traceEvents();
        this.traceMessages = settings.traceMessages();
        this.counter = settings.countMessages() ? new MessageCounter(settings.cluster().members()) : null;

        int maxId = 0;
        for (NodeId id : settings.cluster().members()) maxId = Math.max(maxId, id.id());
        nodesById = new SimNode[maxId + 1];
        for (NodeId id : settings.cluster().members()) {
            SimNode n = new SimNode(this, id, settings.memberRandom(id));
            nodesById[id.id()] = n;
            nodes.add(n);
        }
    }

    /** Whether protocol events (and so applies) reach the trace. */
    boolean traceEvents() {
        return traceEvents;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Configures a {@link Simulation}; cluster and protocol are required. */
    public static final class Builder extends RuntimeBuilder<Builder, Simulation> {
        private ToLongFunction<Message> sendDelay;

        /**
         * Time a message waits at its sender before the network takes it, by message (none by
         * default): for example a durable write that must finish before a vote's reply may leave.
         */
        public Builder sendDelay(ToLongFunction<Message> nanos) {
            this.sendDelay = Objects.requireNonNull(nanos);
            return this;
        }

        @Override
        public Simulation build() {
            return new Simulation(settings(), sendDelay);
        }
    }

    // ---- running ----

    /** Writes the meta record and starts every node, in cluster order, at time 0. Runs once. */
    public void start() {
        if (started) return;
        started = true;
        sink.record(settings.meta(now, "sim"));
        for (SimNode n : nodes) boot(n);
    }

    /**
     * Ends the run: writes the message counts of the interval still open, so nothing counted is lost.
     * The simulation can run on afterwards; the next close writes what was counted since.
     */
    @Override
    public void close() {
        if (counter != null) {
            flushCountsBefore(now);
            counter.flush(now, sink);
        }
    }

    /** Writes the counts of every interval that ends before {@code time}. */
    private void flushCountsBefore(long time) {
        while (nextCountsAt < time) {
            counter.flush(nextCountsAt, sink);
            nextCountsAt += MessageCounter.INTERVAL_NANOS;
        }
    }

    /** Runs every event up to and including {@code timeNanos}, then sets the clock to it. */
    public void runUntil(long timeNanos) {
        start();
        long wallStart = System.nanoTime();
        try {
            while (!queue.isEmpty() && queue.peek().time <= timeNanos) step();
            if (now < timeNanos) now = timeNanos;
        } finally {
            wallNanos += System.nanoTime() - wallStart;
        }
    }

    public void runFor(long nanos) {
        runUntil(now + nanos);
    }

    /**
     * Runs until {@code condition} holds (checked before the first event and after each one) or the
     * clock passes {@code deadlineNanos}. Returns whether the condition holds; the clock then stands
     * at the event that made it true, or at the deadline.
     */
    public boolean runUntil(BooleanSupplier condition, long deadlineNanos) {
        start();
        if (condition.getAsBoolean()) return true;
        long wallStart = System.nanoTime();
        try {
            while (!queue.isEmpty() && queue.peek().time <= deadlineNanos) {
                step();
                if (condition.getAsBoolean()) return true;
            }
            if (now < deadlineNanos) now = deadlineNanos;
            return condition.getAsBoolean();
        } finally {
            wallNanos += System.nanoTime() - wallStart;
        }
    }

    private void step() {
        SimEvent e = queue.poll();
        if (counter != null && e.time > nextCountsAt) flushCountsBefore(e.time);
        now = e.time;
        eventsProcessed++;
        try {
            switch (e.kind) {
                case SimEvent.DELIVER -> deliver(e);
                case SimEvent.TIMER -> fireTimer(e);
                case SimEvent.CLIENT_REQUEST -> deliverRequest(e);
                case SimEvent.CLIENT_REPLY -> deliverReply(e);
                default -> {
                    Runnable action = e.action;
                    recycle(e);
                    action.run();
                }
            }
        } catch (SimulationException ex) {
            throw ex;
        } catch (RuntimeException ex) {
            throw new SimulationException("seed " + settings.seed() + ", t=" + now + "ns: " + ex, ex);
        }
    }

    /** An exception from a node or an action, with the seed and time that replay it. */
    public static final class SimulationException extends RuntimeException {
        SimulationException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private void deliver(SimEvent e) {
        SimNode n = e.node;
        if (!n.up) {
            drop(e, "crashed");
            return;
        }
        if (n.paused) {
            e.queued = true;
            n.pausedEvents.add(e);
            return;
        }
        if (settings.network().isCut(e.from, n.self())) {
            drop(e, NetworkModel.PARTITION);
            return;
        }
        NodeId from = e.from;
        Message message = e.message;
        if (traceMessages) sink.record(new TraceRecord.Deliver(now, from, n.self(), e.messageId, message.typeName()));
        messagesDelivered++;
        recycle(e);
        n.instance.onMessage(from, message);
    }

    private void drop(SimEvent e, String reason) {
        messagesDropped++;
        if (traceMessages) {
            sink.record(new TraceRecord.Drop(now, e.from, e.node.self(), e.messageId, e.message.typeName(), reason));
        }
        recycle(e);
    }

    private void fireTimer(SimEvent e) {
        SimNode n = e.node;
        if (n.paused) {
            e.queued = true;
            n.pausedEvents.add(e);
            return;
        }
        if (traceMessages) sink.record(new TraceRecord.TimerFire(now, n.self(), e.timerName));
        n.instance.onTimer(e.timerName);
    }

    private void deliverRequest(SimEvent e) {
        SimNode n = e.node;
        if (!n.up) {
            if (traceMessages) sink.record(new TraceRecord.Drop(now, null, n.self(), e.messageId, "ClientRequest", "crashed"));
            if (e.client != null) refuse(e.client, n.self(), e.request.seq());
            recycle(e);
            return;
        }
        if (n.paused) {
            e.queued = true;
            n.pausedEvents.add(e);
            return;
        }
        ClientRequest request = e.request;
        recycle(e);
        n.instance.onClientRequest(request);
    }

    private void deliverReply(SimEvent e) {
        SimClient client = e.client;
        ClientReply reply = e.reply;
        NodeId from = e.node.self();
        recycle(e);
        if (client.outstanding.remove(reply.seq()) != null) {
            sink.record(new TraceRecord.Complete(now, reply.clientId(), reply.seq(), from, reply, ClientOutcome.of(reply)));
        }
        client.handler.onReply(from, reply);
    }

    // ---- what nodes do, through their context ----

    void send(SimNode from, NodeId to, Message message) {
        SimNode target = to.id() < nodesById.length ? nodesById[to.id()] : null;
        if (target == null) throw new IllegalArgumentException(from.self() + " sent " + message.typeName() + " to " + to + ", not a member");
        long id = ++nextMessageId;
        messagesSent++;
        if (counter != null) counter.count(from.self(), message);
        if (traceMessages) {
            sink.record(new TraceRecord.Send(now, from.self(), to, id, message.typeName(), message.sizeBytes()));
        }
        settings.network().route(from.self(), to, message, now, route);
        if (route.dropReason != null) {
            messagesDropped++;
            if (traceMessages) sink.record(new TraceRecord.Drop(now, from.self(), to, id, message.typeName(), route.dropReason));
            return;
        }
        long duplicateDelay = route.duplicateDelay;
        long leaves = sendDelay == null ? now : now + sendDelay.applyAsLong(message);
        enqueueDelivery(from.self(), target, message, id, leaves + route.delay);
        if (duplicateDelay >= 0) enqueueDelivery(from.self(), target, message, id, leaves + duplicateDelay);
    }

    private void enqueueDelivery(NodeId from, SimNode to, Message message, long id, long at) {
        SimEvent e = obtain(SimEvent.DELIVER, at);
        e.node = to;
        e.from = from;
        e.message = message;
        e.messageId = id;
        queue.add(e);
    }

    void reply(SimNode from, ClientReply reply) {
        SimClient client = clients.get(reply.clientId());
        if (client == null) {
            if (traceMessages) {
                sink.record(new TraceRecord.Drop(now, from.self(), null, ++nextMessageId, "ClientReply", "no_client"));
            }
            return;
        }
        SimEvent e = obtain(SimEvent.CLIENT_REPLY, now + settings.clientDelay().sample(client.random));
        e.node = from;
        e.client = client;
        e.reply = reply;
        queue.add(e);
    }

    void startTimer(SimNode n, String name, long delayNanos) {
        if (delayNanos < 0) throw new IllegalArgumentException(n.self() + ": timer " + name + " with negative delay " + delayNanos);
        if (traceMessages) sink.record(new TraceRecord.TimerSet(now, n.self(), name, delayNanos));
        long at = now + (n.drift == 1.0 ? delayNanos : Math.round(delayNanos * n.drift));
        SimEvent e = n.timers.get(name);
        if (e == null) {
            e = new SimEvent();
            e.kind = SimEvent.TIMER;
            e.node = n;
            e.timerName = name;
            n.timers.put(name, e);
        }
        e.time = at;
        e.seq = nextSeq++;
        if (e.heapIndex >= 0) queue.update(e);
        else queue.add(e);
    }

    /**
     * Makes the node's pending timer {@code name} come due now, the way a test script pokes a running
     * server (the Raft paper's Figure 16 had the leader broadcast heartbeats just before its crash).
     * It fires at the next run call, after events already due now. Returns false, changing nothing,
     * if the node is down or has no such timer pending.
     */
    @Override
    public boolean fireTimerNow(NodeId id, String name) {
        SimNode n = node(id, "fireTimerNow");
        SimEvent e = n.up ? n.timers.get(name) : null;
        if (e == null || e.heapIndex < 0) return false;
        e.time = now;
        e.seq = nextSeq++;
        queue.update(e);
        return true;
    }

    void cancelTimer(SimNode n, String name) {
        SimEvent e = n.timers.get(name);
        if (e != null) queue.remove(e);
    }

    void record(SimNode n, ProtocolEvent event) {
        if (event instanceof ProtocolEvent.LeaderEstablished) {
            leaders.remove(n.self());
            leaders.add(n.self());
        } else if (event instanceof ProtocolEvent.RoleChanged rc && rc.to() != Role.LEADER) {
            leaders.remove(n.self());
        } else if (event instanceof ProtocolEvent.MembershipChangeCommitted c) {
            membershipOutcomes.putIfAbsent(c.changeId(), c);
        } else if (event instanceof ProtocolEvent.MembershipChangeRefused r) {
            membershipOutcomes.putIfAbsent(r.changeId(), r);
        }
        if (traceEvents) sink.record(new TraceRecord.Event(now, n.self(), event));
    }

    // ---- clients ----

    void submit(SimClient client, NodeId node, ClientRequest request, long intended) {
        SimNode target = node(node, "submit");
        sink.record(new TraceRecord.Invoke(now, intended, node, request));
        client.outstanding.put(request.seq(), node);
        SimEvent e = obtain(SimEvent.CLIENT_REQUEST, now + settings.clientDelay().sample(client.random));
        e.node = target;
        e.client = client;
        e.request = request;
        e.messageId = ++nextMessageId;
        queue.add(e);
    }

    void timedOut(SimClient client, long seq) {
        if (client.outstanding.remove(seq) != null) {
            sink.record(new TraceRecord.Complete(now, client.clientId(), seq, null, null, ClientOutcome.TIMEOUT));
        }
    }

    @Override
    public ClientPort addClient(long clientId, ClientHandler handler) {
        if (clients.containsKey(clientId)) throw new IllegalArgumentException("client " + clientId + " is already connected");
        SimClient client = new SimClient(this, clientId, Objects.requireNonNull(handler), settings.clientRandom(clientId));
        clients.put(clientId, client);
        return client;
    }

    // ---- faults ----

    @Override
    public void crash(NodeId id) {
        SimNode n = node(id, "crash");
        if (!n.up) return;
        for (SimEvent timer : n.timers.values()) queue.remove(timer);
        n.timers = new HashMap<>();
        while (!n.pausedEvents.isEmpty()) {
            SimEvent e = n.pausedEvents.poll();
            e.queued = false;
            if (e.kind == SimEvent.DELIVER) {
                drop(e, "crashed");
            } else if (e.kind == SimEvent.CLIENT_REQUEST) {
                if (traceMessages) sink.record(new TraceRecord.Drop(now, null, n.self(), e.messageId, "ClientRequest", "crashed"));
                recycle(e);
            }
        }
        n.crash();
        leaders.remove(id);
        for (SimClient c : clients.values()) {
            for (var o : List.copyOf(c.outstanding.entrySet())) if (o.getValue().equals(id)) refuse(c, id, o.getKey());
        }
    }

    /**
     * {@code node} is down: the client's connection to it is refused, or breaks with {@code seq}
     * outstanding, and the client hears so one client-link delay later.
     */
    private void refuse(SimClient client, NodeId node, long seq) {
        schedule(now + settings.clientDelay().sample(client.random), () -> {
            if (!node.equals(client.outstanding.get(seq))) return;
            client.outstanding.remove(seq);
            sink.record(new TraceRecord.Complete(now, client.clientId(), seq, node, null, ClientOutcome.REFUSED));
            client.handler.onRefused(node, seq);
        });
    }

    @Override
    public void restart(NodeId id) {
        SimNode n = node(id, "restart");
        if (n.up) return;
        boot(n);
    }

    private void boot(SimNode n) {
        n.boot(settings.protocol(), settings.options());
        n.instance.onStart();
    }

    /**
     * Creates node {@code id} with an empty store and its own random stream (derived from the seed and
     * its id), and starts it now (or at {@link #start()} if the run has not begun). It is reachable
     * through the network model, counted and traced like any member.
     */
    @Override
    public void addNode(NodeId id) {
        if (id.id() < nodesById.length && nodesById[id.id()] != null) {
            throw new IllegalArgumentException("addNode: " + id + " already exists");
        }
        if (id.id() >= nodesById.length) nodesById = java.util.Arrays.copyOf(nodesById, id.id() + 1);
        SimNode n = new SimNode(this, id, settings.memberRandom(id));
        nodesById[id.id()] = n;
        nodes.add(n);
        if (counter != null) counter.add(id);
        if (started) boot(n);
    }

    @Override
    public void requestMembershipChange(NodeId at, MembershipChange change) {
        SimNode n = node(at, "requestMembershipChange");
        if (!settings.protocol().supportsMembershipChange()) {
            throw new UnsupportedOperationException(settings.protocol().name() + " does not support membership change");
        }
        // An operator's request to a server that is down or frozen fails at once; it is not queued.
        if (!n.up || n.paused) {
            String why = at + (n.up ? " is paused" : " is down");
            membershipOutcomes.putIfAbsent(change.id(), new ProtocolEvent.MembershipChangeRefused(change.id(), why));
            return;
        }
        n.instance.onMembershipChange(change);
    }

    @Override
    public Optional<ProtocolEvent> membershipOutcome(long changeId) {
        return Optional.ofNullable(membershipOutcomes.get(changeId));
    }

    @Override
    public void pause(NodeId id) {
        SimNode n = node(id, "pause");
        if (n.up) n.paused = true;
    }

    @Override
    public void resume(NodeId id) {
        SimNode n = node(id, "resume");
        if (!n.paused) return;
        n.paused = false;
        // What arrived or came due during the pause happens now, in the order it arrived.
        while (!n.pausedEvents.isEmpty()) {
            SimEvent e = n.pausedEvents.poll();
            e.queued = false;
            e.time = now;
            e.seq = nextSeq++;
            queue.add(e);
        }
    }

    @Override
    public void setTimerDrift(NodeId id, double rate) {
        if (!(rate > 0) || Double.isInfinite(rate)) throw new IllegalArgumentException("timer drift rate must be positive, got " + rate);
        node(id, "setTimerDrift").drift = rate;
    }

    @Override
    public boolean isUp(NodeId id) {
        return node(id, "isUp").up;
    }

    @Override
    public boolean isPaused(NodeId id) {
        return node(id, "isPaused").paused;
    }

    @Override
    public Optional<NodeId> leader() {
        return leaders.isEmpty() ? Optional.empty() : Optional.of(leaders.get(leaders.size() - 1));
    }

    @Override
    public void recordFault(String fault, List<NodeId> nodes, String detail, List<List<NodeId>> groups) {
        sink.record(new TraceRecord.Fault(now, fault, List.copyOf(nodes), detail, groups == null ? null : groups.stream().map(List::copyOf).toList()));
    }

    // ---- the rest of ClusterRuntime, and inspection ----

    @Override
    public long now() {
        return now;
    }

    @Override
    public void schedule(long atNanos, Runnable action) {
        SimEvent e = obtain(SimEvent.ACTION, Math.max(atNanos, now));
        e.action = Objects.requireNonNull(action);
        queue.add(e);
    }

    @Override
    public ClusterConfig cluster() {
        return settings.cluster();
    }

    @Override
    public List<NodeId> nodes() {
        List<NodeId> all = new ArrayList<>(nodes.size());
        for (SimNode n : nodes) all.add(n.self());
        return all;
    }

    @Override
    public NetworkModel network() {
        return settings.network();
    }

    public long seed() {
        return settings.seed();
    }

    /** The node's current state machine, or null while it is crashed. */
    public KvStateMachine stateMachine(NodeId id) {
        return node(id, "stateMachine").stateMachine();
    }

    /** The node's durable store (it outlives crashes). */
    public DurableStore store(NodeId id) {
        return node(id, "store").store();
    }

    /** The node's current instance, or null while it is crashed (for tests that look inside). */
    public Node node(NodeId id) {
        return node(id, "node").instance;
    }

    /** Events processed so far (deliveries, timers, client messages, actions). */
    public long eventsProcessed() {
        return eventsProcessed;
    }

    public long messagesSent() {
        return messagesSent;
    }

    public long messagesDelivered() {
        return messagesDelivered;
    }

    public long messagesDropped() {
        return messagesDropped;
    }

    /** Wall-clock nanoseconds spent inside the run methods. */
    public long wallNanos() {
        return wallNanos;
    }

    /** Events processed per wall-clock second spent running (0 before any run). */
    public double eventsPerSecond() {
        return wallNanos == 0 ? 0 : eventsProcessed * 1e9 / wallNanos;
    }

    /** Events still waiting in the queue. */
    public int pendingEvents() {
        return queue.size();
    }

    private SimNode node(NodeId id, String what) {
        SimNode n = id != null && id.id() < nodesById.length ? nodesById[id.id()] : null;
        if (n == null) throw new IllegalArgumentException(what + ": " + id + " is not a member of the cluster " + settings.cluster().members());
        return n;
    }

    // ---- the event pool ----

    private SimEvent obtain(int kind, long at) {
        SimEvent e = pooled > 0 ? pool[--pooled] : new SimEvent();
        e.kind = kind;
        e.time = at;
        e.seq = nextSeq++;
        return e;
    }

    private void recycle(SimEvent e) {
        e.clear();
        if (pooled == pool.length) {
            if (pooled >= 1 << 16) return;
            pool = java.util.Arrays.copyOf(pool, pooled * 2);
        }
        pool[pooled++] = e;
    }
}
