package quorumlab.analysis.fuzz;

import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import quorumlab.protocols.ClientReply;
import quorumlab.protocols.ClientRequest;
import quorumlab.protocols.ClusterConfig;
import quorumlab.protocols.Command;
import quorumlab.protocols.DurableStore;
import quorumlab.protocols.KvStateMachine;
import quorumlab.protocols.MatchedSettings;
import quorumlab.protocols.Message;
import quorumlab.protocols.Node;
import quorumlab.protocols.NodeContext;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.OptionSpec;
import quorumlab.protocols.Options;
import quorumlab.protocols.Protocol;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.Result;
import quorumlab.protocols.runtime.MemoryStore;
import quorumlab.raft.RaftProtocol;

/**
 * Raft with a bug planted from outside, for tests that the fuzzer finds bugs: each protocol wraps
 * an unchanged Raft node and spoils one thing on its way in or out. Production code carries no
 * switch for any of them, and they are not registered with the ServiceLoader, so no other test or
 * command sees them.
 */
final class PlantedBugs {
    private PlantedBugs() {}

    /** Raft whose candidate counts each granted vote twice, as if a second peer had granted it too. */
    static Protocol doubleVote() {
        return new Wrapped("raft-double-vote", (ctx, node) -> new Node() {
            @Override
            public void onStart() {
                node.onStart();
            }

            @Override
            public void onMessage(NodeId from, Message message) {
                node.onMessage(from, message);
                if (message.typeName().equals("RequestVoteReply")) {
                    List<NodeId> peers = ctx.cluster().peersOf(ctx.self());
                    NodeId other = peers.get((peers.indexOf(from) + 1) % peers.size());
                    node.onMessage(other, message);
                }
            }

            @Override
            public void onClientRequest(ClientRequest request) {
                node.onClientRequest(request);
            }

            @Override
            public void onTimer(String name) {
                node.onTimer(name);
            }
        }, false);
    }

    /** Raft whose "durable" writes do not survive a crash: a restarted node starts from an empty store. */
    static Protocol volatileStore() {
        return new Wrapped("raft-volatile-store", (ctx, node) -> node, true);
    }

    /** Raft whose nodes start no timer after a restart: a restarted node never campaigns nor heartbeats. */
    static Protocol noTimersAfterRestart() {
        return new Wrapped("raft-no-timers-after-restart", (ctx, node) -> node, false) {
            @Override
            NodeContext context(NodeContext real, boolean restart) {
                if (!restart) return real;
                return new Delegating(real, real.store()) {
                    @Override
                    public void startTimer(String name, long delayNanos) {}
                };
            }
        };
    }

    interface Spoiler {
        Node spoil(NodeContext context, Node node);
    }

    /** A protocol that hosts an unchanged Raft node behind {@link #context} and a {@link Spoiler}. */
    static class Wrapped implements Protocol {
        private final Protocol raft = new RaftProtocol();
        private final String name;
        private final Spoiler spoiler;
        private final boolean forgetStore;

        Wrapped(String name, Spoiler spoiler, boolean forgetStore) {
            this.name = name;
            this.spoiler = spoiler;
            this.forgetStore = forgetStore;
        }

        NodeContext context(NodeContext real, boolean restart) {
            return forgetStore ? new Delegating(real, new MemoryStore()) : real;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String description() {
            return "Raft with a planted bug (tests only)";
        }

        @Override
        public List<OptionSpec> options() {
            return raft.options();
        }

        @Override
        public Map<String, Object> matchedOptions(MatchedSettings settings) {
            return raft.matchedOptions(settings);
        }

        @Override
        public Options resolveOptions(Map<String, ?> values) {
            return raft.resolveOptions(values);
        }

        @Override
        public Node createNode(NodeContext context, Options options) {
            // A node that wrote durable state before is restarting (one protocol instance serves many runs).
            boolean restart = context.store().writes() > 0;
            NodeContext ctx = context(context, restart);
            return spoiler.spoil(ctx, raft.createNode(ctx, options));
        }
    }

    /** Passes everything to the real context, with its own store. */
    static class Delegating implements NodeContext {
        private final NodeContext real;
        private final DurableStore store;

        Delegating(NodeContext real, DurableStore store) {
            this.real = real;
            this.store = store;
        }

        @Override
        public NodeId self() {
            return real.self();
        }

        @Override
        public ClusterConfig cluster() {
            return real.cluster();
        }

        @Override
        public long now() {
            return real.now();
        }

        @Override
        public void send(NodeId to, Message message) {
            real.send(to, message);
        }

        @Override
        public void reply(ClientReply reply) {
            real.reply(reply);
        }

        @Override
        public void startTimer(String name, long delayNanos) {
            real.startTimer(name, delayNanos);
        }

        @Override
        public void cancelTimer(String name) {
            real.cancelTimer(name);
        }

        @Override
        public RandomGenerator random() {
            return real.random();
        }

        @Override
        public DurableStore store() {
            return store;
        }

        @Override
        public Result apply(long index, Command command) {
            return real.apply(index, command);
        }

        @Override
        public long lastApplied() {
            return real.lastApplied();
        }

        @Override
        public KvStateMachine.Snapshot snapshotStateMachine() {
            return real.snapshotStateMachine();
        }

        @Override
        public void restoreStateMachine(KvStateMachine.Snapshot snapshot) {
            real.restoreStateMachine(snapshot);
        }

        @Override
        public void emit(ProtocolEvent event) {
            real.emit(event);
        }
    }
}
