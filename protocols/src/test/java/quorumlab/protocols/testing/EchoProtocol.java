package quorumlab.protocols.testing;

import java.util.ArrayList;
import java.util.List;
import quorumlab.protocols.ClientReply;
import quorumlab.protocols.ClientRequest;
import quorumlab.protocols.Message;
import quorumlab.protocols.MessageCategory;
import quorumlab.protocols.Node;
import quorumlab.protocols.NodeContext;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.OptionSpec;
import quorumlab.protocols.Options;
import quorumlab.protocols.Protocol;

/**
 * A protocol for testing runtimes, not replication. Each node counts its boots in durable state,
 * broadcasts a {@code Ping} on every {@code tick} timer and answers pings with a {@code Pong}.
 * With {@code bounces > 0} each node also starts that many {@code Bounce} messages per peer, which
 * every receiver sends straight back: a fixed number of messages in flight forever (the benchmark).
 */
public final class EchoProtocol implements Protocol {
    public static final long MS = 1_000_000L;

    public sealed interface EchoMessage extends Message {}

    public record Ping(long n) implements EchoMessage {
        @Override
        public MessageCategory category() {
            return MessageCategory.HEARTBEAT;
        }
    }

    public record Pong(long n) implements EchoMessage {
        @Override
        public MessageCategory category() {
            return MessageCategory.HEARTBEAT;
        }

        @Override
        public int sizeBytes() {
            return 24;
        }
    }

    /** Its category alternates with each hop, so one type counts under two categories (as a Raft heartbeat does). */
    public record Bounce(long hops) implements EchoMessage {
        @Override
        public MessageCategory category() {
            return hops % 2 == 0 ? MessageCategory.REPLICATION : MessageCategory.COMMIT;
        }
    }

    @Override
    public String name() {
        return "echo";
    }

    @Override
    public String description() {
        return "test protocol: pings on a timer, bounces messages, counts boots durably";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of(
                OptionSpec.ofLong("tickMs", 10, 0, "ping interval (0: no timer)"),
                OptionSpec.ofLong("bounces", 0, 0, "messages each node keeps bouncing with each peer"),
                OptionSpec.ofLong("jitterNs", 0, 0, "each tick waits up to this much longer, drawn from the node's random stream"));
    }

    @Override
    public Node createNode(NodeContext context, Options options) {
        return new EchoNode(context, options.getLong("tickMs") * MS, options.getLong("bounces"), options.getLong("jitterNs"));
    }

    /** The node; tests in the simulator look at its counters through {@code Simulation.node}. */
    public static final class EchoNode implements Node {
        private final NodeContext ctx;
        private final long tickNanos;
        private final long bounces;
        private final long jitterNanos;
        private long boots;
        private long ticks;
        private long pingsReceived;
        private long pongsReceived;
        private long bouncesReceived;
        private final List<Long> tickTimes = new ArrayList<>();
        private final List<NodeId> pingSenders = new ArrayList<>();
        private final List<Long> pingArrivals = new ArrayList<>();

        EchoNode(NodeContext ctx, long tickNanos, long bounces, long jitterNanos) {
            this.ctx = ctx;
            this.jitterNanos = jitterNanos;
            this.tickNanos = tickNanos;
            this.bounces = bounces;
        }

        @Override
        public void onStart() {
            Long before = ctx.store().get("boots");
            boots = (before == null ? 0 : before) + 1;
            ctx.store().put("boots", boots);
            ctx.store().putAt("bootTimes", boots, ctx.now());
            if (tickNanos > 0) ctx.startTimer("tick", nextTick());
            for (int i = 0; i < bounces; i++) ctx.broadcast(new Bounce(0));
        }

        @Override
        public void onMessage(NodeId from, Message message) {
            if (message instanceof Bounce b) {
                bouncesReceived++;
                ctx.send(from, new Bounce(b.hops() + 1));
            } else if (message instanceof Ping p) {
                pingsReceived++;
                pingSenders.add(from);
                pingArrivals.add(ctx.now());
                ctx.send(from, new Pong(p.n()));
            } else if (message instanceof Pong) {
                pongsReceived++;
            }
        }

        @Override
        public void onClientRequest(ClientRequest request) {
            ctx.reply(new ClientReply.Rejected(request.clientId(), request.seq(), "echo keeps no log"));
        }

        @Override
        public void onTimer(String name) {
            ticks++;
            tickTimes.add(ctx.now());
            ctx.broadcast(new Ping(ticks));
            ctx.startTimer("tick", nextTick());
        }

        private long nextTick() {
            return jitterNanos == 0 ? tickNanos : tickNanos + ctx.random().nextLong(jitterNanos + 1);
        }

        public long boots() {
            return boots;
        }

        public long ticks() {
            return ticks;
        }

        public long pingsReceived() {
            return pingsReceived;
        }

        public long pongsReceived() {
            return pongsReceived;
        }

        public long bouncesReceived() {
            return bouncesReceived;
        }

        public List<Long> tickTimes() {
            return tickTimes;
        }

        public List<NodeId> pingSenders() {
            return pingSenders;
        }

        public List<Long> pingArrivals() {
            return pingArrivals;
        }
    }
}
