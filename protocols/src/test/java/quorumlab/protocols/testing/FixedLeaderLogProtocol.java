package quorumlab.protocols.testing;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import quorumlab.protocols.ClientReply;
import quorumlab.protocols.ClientRequest;
import quorumlab.protocols.Command;
import quorumlab.protocols.Message;
import quorumlab.protocols.Node;
import quorumlab.protocols.NodeContext;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.OptionSpec;
import quorumlab.protocols.Options;
import quorumlab.protocols.Protocol;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.Result;
import quorumlab.protocols.Role;

/**
 * A trivial replicated log for testing runtimes: the first member leads forever (no elections, no
 * terms, no recovery of a lost log). The leader appends a client's command to its durable log,
 * sends it to every follower, and commits it once a majority holds it; heartbeats carry the commit
 * index so followers apply. A follower never gets an entry twice, so one that lost its log could not
 * apply: applying after a restart proves the durable log survived.
 */
public final class FixedLeaderLogProtocol implements Protocol {
    static final String LOG = "log";

    public sealed interface LogMessage extends Message {}

    public record Append(long index, Command command, long commitIndex) implements LogMessage {}

    public record Appended(long index) implements LogMessage {}

    public record Heartbeat(long commitIndex) implements LogMessage {}

    @Override
    public String name() {
        return "fixed-leader-log";
    }

    @Override
    public String description() {
        return "test protocol: the first member leads forever and replicates a log to a majority";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of(OptionSpec.ofLong("heartbeatIntervalMs", 20, 1, "leader heartbeat interval"));
    }

    @Override
    public Node createNode(NodeContext context, Options options) {
        return new LogNode(context, options.getLong("heartbeatIntervalMs") * 1_000_000L);
    }

    static final class LogNode implements Node {
        private final NodeContext ctx;
        private final long heartbeatNanos;
        private final NodeId leader;
        private long commitIndex;
        private final Map<Long, Set<NodeId>> holders = new HashMap<>();

        LogNode(NodeContext ctx, long heartbeatNanos) {
            this.ctx = ctx;
            this.heartbeatNanos = heartbeatNanos;
            this.leader = ctx.cluster().members().get(0);
        }

        private boolean leading() {
            return ctx.self().equals(leader);
        }

        @Override
        public void onStart() {
            if (!leading()) return;
            ctx.emit(new ProtocolEvent.RoleChanged(Role.FOLLOWER, Role.LEADER, 1));
            ctx.emit(new ProtocolEvent.LeaderEstablished(1));
            // A restarted leader has forgotten which entries a majority holds: ask again.
            for (long i = 1; i <= ctx.store().lastIndex(LOG); i++) {
                holders.computeIfAbsent(i, k -> new HashSet<>()).add(ctx.self());
                ctx.broadcast(new Append(i, ctx.store().getAt(LOG, i), commitIndex));
            }
            ctx.startTimer("heartbeat", heartbeatNanos);
        }

        @Override
        public void onClientRequest(ClientRequest request) {
            if (!leading()) {
                ctx.reply(new ClientReply.NotLeader(request.clientId(), request.seq(), Optional.of(leader)));
                return;
            }
            long index = ctx.store().lastIndex(LOG) + 1;
            ctx.store().putAt(LOG, index, request);
            ctx.emit(new ProtocolEvent.EntryAppended(index, 1, request.id()));
            holders.computeIfAbsent(index, k -> new HashSet<>()).add(ctx.self());
            ctx.broadcast(new Append(index, request, commitIndex));
            advanceCommit();
        }

        @Override
        public void onMessage(NodeId from, Message message) {
            if (message instanceof Append a) {
                if (ctx.store().getAt(LOG, a.index()) == null) {
                    ctx.store().putAt(LOG, a.index(), a.command());
                    ctx.emit(new ProtocolEvent.EntryAppended(a.index(), 1, a.command().id()));
                }
                ctx.send(from, new Appended(a.index()));
                applyUpTo(a.commitIndex());
            } else if (message instanceof Appended a) {
                holders.computeIfAbsent(a.index(), k -> new HashSet<>()).add(from);
                advanceCommit();
            } else if (message instanceof Heartbeat h) {
                applyUpTo(h.commitIndex());
            }
        }

        @Override
        public void onTimer(String name) {
            ctx.broadcast(new Heartbeat(commitIndex));
            ctx.startTimer("heartbeat", heartbeatNanos);
        }

        private void advanceCommit() {
            long last = ctx.store().lastIndex(LOG);
            while (commitIndex < last && holders.getOrDefault(commitIndex + 1, Set.of()).size() >= ctx.cluster().majority()) {
                commitIndex++;
                Command command = ctx.store().getAt(LOG, commitIndex);
                ctx.emit(new ProtocolEvent.EntryCommitted(commitIndex, 1, command.id()));
            }
            applyUpTo(commitIndex);
        }

        private void applyUpTo(long commit) {
            while (ctx.lastApplied() < commit) {
                long next = ctx.lastApplied() + 1;
                Command command = ctx.store().getAt(LOG, next);
                if (command == null) return;
                Result result = ctx.apply(next, command);
                if (leading() && command instanceof ClientRequest r) {
                    ctx.reply(new ClientReply.Committed(r.clientId(), r.seq(), next, result));
                }
            }
        }
    }
}
