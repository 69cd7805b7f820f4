package quorumlab.protocols.local;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.SplittableRandom;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import quorumlab.protocols.ClientReply;
import quorumlab.protocols.ClusterConfig;
import quorumlab.protocols.Message;
import quorumlab.protocols.Node;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.runtime.AbstractNodeContext;
import quorumlab.protocols.runtime.MemoryStore;
import quorumlab.protocols.runtime.NetworkModel;

/**
 * The actor that hosts one protocol node, unchanged: every handler of the node runs inside this
 * actor, one message at a time. It outlives crashes (its state says whether the node is up), so
 * peers and clients keep one address for it; the store and random stream survive, nothing else does.
 */
final class NodeActor extends AbstractBehavior<NodeCommand> {
    private final PekkoLocalRuntime runtime;
    private final NodeId id;
    private final TimerScheduler<NodeCommand> timers;
    private final Context context;
    private final NetworkModel.Route route = new NetworkModel.Route();

    private boolean up;
    private boolean paused;
    private long incarnation;
    private Node instance;
    /** What arrived, or came due, while paused, in arrival order. */
    private final ArrayDeque<NodeCommand> waiting = new ArrayDeque<>();

    static Behavior<NodeCommand> create(PekkoLocalRuntime runtime, NodeId id, MemoryStore store, SplittableRandom random) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new NodeActor(ctx, runtime, id, timers, store, random)));
    }

    private NodeActor(ActorContext<NodeCommand> ctx, PekkoLocalRuntime runtime, NodeId id, TimerScheduler<NodeCommand> timers,
            MemoryStore store, SplittableRandom random) {
        super(ctx);
        this.runtime = runtime;
        this.id = id;
        this.timers = timers;
        this.context = new Context(id, store, random);
    }

    @Override
    public Receive<NodeCommand> createReceive() {
        return newReceiveBuilder()
                .onMessage(NodeCommand.Start.class, m -> {
                    start();
                    return this;
                })
                .onMessage(NodeCommand.Deliver.class, m -> {
                    deliver(m);
                    return this;
                })
                .onMessage(NodeCommand.ClientRequestArrived.class, m -> {
                    clientRequest(m);
                    return this;
                })
                .onMessage(NodeCommand.TimerFired.class, m -> {
                    timer(m);
                    return this;
                })
                .onMessage(NodeCommand.ChangeMembership.class, m -> {
                    changeMembership(m);
                    return this;
                })
                .onMessage(NodeCommand.Crash.class, m -> {
                    crash();
                    return this;
                })
                .onMessage(NodeCommand.Pause.class, m -> {
                    if (up) paused = true;
                    return this;
                })
                .onMessage(NodeCommand.Resume.class, m -> {
                    resume();
                    return this;
                })
                .onMessage(NodeCommand.Inspect.class, m -> {
                    try {
                        m.result().complete(m.query().apply(new NodeView(instance, context.stateMachine(), context.store(), up, paused)));
                    } catch (RuntimeException e) {
                        m.result().completeExceptionally(e);
                    }
                    return this;
                })
                .build();
    }

    // ---- lifecycle ----

    private void start() {
        if (up) return;
        runtime.leftLeadership(id); // a stale entry from a message handled after the crash was ordered
        up = true;
        paused = false;
        incarnation++;
        context.newIncarnation();
        guarded("onStart", () -> {
            instance = runtime.protocol().createNode(context, runtime.options());
            instance.onStart();
        });
    }

    private void crash() {
        if (!up) return;
        timers.cancelAll();
        while (!waiting.isEmpty()) {
            NodeCommand c = waiting.poll();
            if (c instanceof NodeCommand.Deliver d) runtime.dropped(d.from(), id, d.id(), d.message().typeName(), "crashed");
            if (c instanceof NodeCommand.ClientRequestArrived r) {
                runtime.dropped(null, id, r.id(), "ClientRequest", "crashed");
                runtime.refuse(r.request().clientId(), r.request().seq(), id);
            }
        }
        up = false;
        paused = false;
        instance = null;
        context.crashed();
        runtime.leftLeadership(id);
    }

    private void resume() {
        if (!paused) return;
        paused = false;
        // What arrived or came due during the pause happens now, in the order it arrived.
        while (!waiting.isEmpty() && up && !paused) {
            NodeCommand c = waiting.poll();
            if (c instanceof NodeCommand.Deliver d) deliver(d);
            else if (c instanceof NodeCommand.ClientRequestArrived r) clientRequest(r);
            else if (c instanceof NodeCommand.TimerFired t) timer(t);
        }
    }

    // ---- inputs ----

    private void deliver(NodeCommand.Deliver d) {
        if (!up) {
            runtime.dropped(d.from(), id, d.id(), d.message().typeName(), "crashed");
            return;
        }
        if (paused) {
            waiting.add(d);
            return;
        }
        if (runtime.network().isCut(d.from(), id)) {
            runtime.dropped(d.from(), id, d.id(), d.message().typeName(), NetworkModel.PARTITION);
            return;
        }
        runtime.delivered(d.from(), id, d.id(), d.message().typeName());
        guarded("onMessage " + d.message().typeName(), () -> instance.onMessage(d.from(), d.message()));
    }

    private void clientRequest(NodeCommand.ClientRequestArrived r) {
        if (!up) {
            runtime.dropped(null, id, r.id(), "ClientRequest", "crashed");
            runtime.refuse(r.request().clientId(), r.request().seq(), id);
            return;
        }
        if (paused) {
            waiting.add(r);
            return;
        }
        guarded("onClientRequest", () -> instance.onClientRequest(r.request()));
    }

    private void changeMembership(NodeCommand.ChangeMembership m) {
        // Crashed or paused since the runtime checked: the request fails, as it would have then.
        if (!up || paused) {
            runtime.membershipRefused(m.change().id(), id + (up ? " is paused" : " is down"));
            return;
        }
        guarded("onMembershipChange", () -> instance.onMembershipChange(m.change()));
    }

    private void timer(NodeCommand.TimerFired t) {
        if (!up || t.incarnation() != incarnation) return;
        if (paused) {
            waiting.add(t);
            return;
        }
        runtime.timerFired(id, t.name());
        guarded("onTimer " + t.name(), () -> instance.onTimer(t.name()));
    }

    /** A failing handler is a protocol bug: record it for the test or runner, and keep the actor alive. */
    private void guarded(String what, Runnable handler) {
        try {
            handler.run();
        } catch (RuntimeException e) {
            runtime.failed(id, what, e);
        }
    }

    /** What the node sees of the world; its handlers, and so these methods, run on this actor. */
    private final class Context extends AbstractNodeContext {
        Context(NodeId id, MemoryStore store, SplittableRandom random) {
            super(id, store, random, runtime.traceEvents());
        }

        void newIncarnation() {
            newStateMachine();
        }

        void crashed() {
            dropStateMachine();
        }

        @Override
        public ClusterConfig cluster() {
            return runtime.cluster();
        }

        @Override
        public long now() {
            return runtime.now();
        }

        @Override
        public void send(NodeId to, Message message) {
            runtime.send(id, to, message, route);
        }

        @Override
        public void reply(ClientReply reply) {
            runtime.reply(id, reply);
        }

        @Override
        public void startTimer(String name, long delayNanos) {
            if (delayNanos < 0) throw new IllegalArgumentException(id + ": timer " + name + " with negative delay " + delayNanos);
            runtime.timerSet(id, name, delayNanos);
            long scaled = Math.round(delayNanos * runtime.drift(id));
            timers.startSingleTimer(name, new NodeCommand.TimerFired(name, incarnation), Duration.ofNanos(scaled));
        }

        @Override
        public void cancelTimer(String name) {
            timers.cancel(name);
        }

        @Override
        protected void record(ProtocolEvent event) {
            runtime.event(id, event);
        }
    }
}
