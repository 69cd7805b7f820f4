package quorumlab.primarybackup;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import quorumlab.primarybackup.PrimaryBackupMessage.Forward;
import quorumlab.primarybackup.PrimaryBackupMessage.Replicate;
import quorumlab.primarybackup.PrimaryBackupMessage.Replicated;
import quorumlab.protocols.ClientReply;
import quorumlab.protocols.ClientRequest;
import quorumlab.protocols.Command;
import quorumlab.protocols.Message;
import quorumlab.protocols.Node;
import quorumlab.protocols.NodeContext;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.Result;
import quorumlab.protocols.Role;

/**
 * One node of asynchronous primary-backup replication, the baseline consensus is measured against.
 * The primary applies a write and answers its client at once, then sends it to the backups; a
 * backup that hears nothing from the primary for a timeout makes itself primary of a higher epoch,
 * asking nobody. Both shortcuts are unsafe (README): a write acknowledged by a primary that then
 * fails, or is cut off, is lost; and a cut-off primary keeps acknowledging writes while a backup on
 * the other side does the same, so the two sides decide different things (split brain).
 *
 * <p>Each node keeps the entries it applied in a durable log, so a restart re-applies them and a
 * primary can resend them. A backup takes an entry only at the index after its own last one; what
 * it already holds at an index it keeps, even if the primary has something else there. Nothing ever
 * reconciles two histories, which is what a quorum would have prevented.
 */
final class PrimaryBackupNode implements Node {
    static final String TAKEOVER_TIMER = "takeover";
    static final String HEARTBEAT_TIMER = "heartbeat";
    private static final String EPOCH = "pb.epoch";
    private static final String LOG = "pb.log";

    private final NodeContext ctx;
    private final PrimaryBackupOptions options;

    private Role role = Role.FOLLOWER;
    /** The highest epoch this node has seen; durable, so a restarted node never reuses one. */
    private long epoch;
    /** The primary this node follows (itself when it is primary), and that primary's epoch. */
    private Optional<NodeId> primary = Optional.empty();
    /** The primary only: how far each backup's log reaches, as its last Replicated said. */
    private final Map<NodeId, Long> backupLast = new HashMap<>();

    PrimaryBackupNode(NodeContext ctx, PrimaryBackupOptions options) {
        this.ctx = ctx;
        this.options = options;
    }

    /**
     * The first member of a fresh cluster is the configured primary, as in a deployment where the
     * operator names one; every other start, and every restart, is a backup's: re-apply the durable
     * log, then wait to hear a primary.
     */
    @Override
    public void onStart() {
        Long stored = ctx.store().get(EPOCH);
        epoch = stored != null ? stored : 0;
        for (long i = 1; i <= lastIndex(); i++) {
            ctx.apply(i, ctx.store().getAt(LOG, i));
        }
        if (stored == null && ctx.self().equals(ctx.cluster().members().get(0))) {
            setEpoch(1);
            becomePrimary();
        } else {
            resetTakeoverTimer();
        }
    }

    @Override
    public void onMessage(NodeId from, Message message) {
        if (message instanceof Replicate r) onReplicate(from, r);
        else if (message instanceof Replicated r) onReplicated(from, r);
        else if (message instanceof Forward f) onForward(f);
    }

    @Override
    public void onTimer(String name) {
        switch (name) {
            case TAKEOVER_TIMER -> onTakeoverTimeout();
            case HEARTBEAT_TIMER -> onHeartbeatTimer();
            default -> throw new IllegalArgumentException("primary-backup node " + ctx.self() + " has no timer " + name);
        }
    }

    // ---- clients ----

    /**
     * The primary serves the request; a backup passes it to the primary it follows, so a client
     * reaches whichever primary its own node's side of a partition has.
     */
    @Override
    public void onClientRequest(ClientRequest request) {
        if (role == Role.LEADER) {
            write(request);
        } else if (primary.isPresent()) {
            ctx.send(primary.get(), new Forward(request));
        } else {
            ctx.reply(new ClientReply.NotLeader(request.clientId(), request.seq(), Optional.empty()));
        }
    }

    /** A request a backup passed on; one that reaches a node no longer primary is dropped, and its client retries. */
    private void onForward(Forward f) {
        if (role == Role.LEADER) write(f.request());
    }

    /**
     * The unsafe step: apply and acknowledge first, replicate afterwards, and count no replies. If
     * this primary fails before a backup has the write, the write is gone though its client was told
     * it is done.
     */
    private void write(ClientRequest request) {
        long index = lastIndex() + 1;
        Result result = take(index, request);
        ctx.reply(new ClientReply.Committed(request.clientId(), request.seq(), index, result));
        ctx.broadcast(new Replicate(epoch, index, List.of(request)));
    }

    // ---- replication ----

    /** Stores, applies and reports one entry; a node treats what it applies as committed. */
    private Result take(long index, Command command) {
        ctx.store().putAt(LOG, index, command);
        ctx.emit(new ProtocolEvent.EntryCommitted(index, epoch, command.id()));
        return ctx.apply(index, command);
    }

    /**
     * From a primary: a newer one (higher epoch, or the same epoch and a higher node id) is followed,
     * a primary that hears it steps down; an older one is ignored. Entries are taken only at the
     * index after this node's last one.
     */
    private void onReplicate(NodeId from, Replicate r) {
        if (!atLeastCurrent(r.epoch(), from)) return;
        if (role == Role.LEADER) {
            ctx.emit(new ProtocolEvent.Preempted(epoch, r.epoch(), from));
            changeRole(Role.FOLLOWER);
            ctx.cancelTimer(HEARTBEAT_TIMER);
        }
        if (r.epoch() > epoch) setEpoch(r.epoch());
        primary = Optional.of(from);
        resetTakeoverTimer();
        for (int i = 0; i < r.entries().size(); i++) {
            long index = r.firstIndex() + i;
            if (index == lastIndex() + 1) take(index, r.entries().get(i));
        }
        ctx.send(from, new Replicated(r.epoch(), lastIndex(), r.entries().isEmpty()));
    }

    private void onReplicated(NodeId from, Replicated r) {
        if (role != Role.LEADER || r.epoch() != epoch) return;
        backupLast.put(from, r.lastIndex());
    }

    /** The primary's heartbeat, which also resends to each backup what it lacks. */
    private void onHeartbeatTimer() {
        if (role != Role.LEADER) return;
        for (NodeId peer : ctx.cluster().peersOf(ctx.self())) {
            long first = backupLast.getOrDefault(peer, lastIndex()) + 1;
            List<Command> entries = new ArrayList<>();
            for (long i = first; i <= lastIndex() && entries.size() < options.maxBatch(); i++) {
                entries.add(ctx.store().getAt(LOG, i));
            }
            ctx.send(peer, new Replicate(epoch, first, entries));
        }
        ctx.startTimer(HEARTBEAT_TIMER, options.heartbeatNs());
    }

    // ---- takeover ----

    /**
     * The other unsafe step: no word from the primary for a while, so this backup makes itself
     * primary. It asks nobody: the primary may be alive on the other side of a partition, and now
     * there are two.
     */
    private void onTakeoverTimeout() {
        if (role == Role.LEADER) return;
        setEpoch(epoch + 1);
        ctx.emit(new ProtocolEvent.ElectionStarted(epoch, false));
        becomePrimary();
    }

    private void becomePrimary() {
        changeRole(Role.LEADER);
        ctx.cancelTimer(TAKEOVER_TIMER);
        primary = Optional.of(ctx.self());
        ctx.emit(new ProtocolEvent.LeaderEstablished(epoch));
        backupLast.clear();
        onHeartbeatTimer();
    }

    private boolean atLeastCurrent(long theirEpoch, NodeId them) {
        if (theirEpoch != epoch) return theirEpoch > epoch;
        NodeId current = primary.orElse(them);
        return them.id() >= current.id();
    }

    private void setEpoch(long e) {
        ctx.store().put(EPOCH, e);
        epoch = e;
    }

    private void changeRole(Role to) {
        if (role != to) ctx.emit(new ProtocolEvent.RoleChanged(role, to, epoch));
        role = to;
    }

    private void resetTakeoverTimer() {
        long spread = options.takeoverMaxNs() - options.takeoverMinNs();
        long timeout = options.takeoverMinNs() + (spread == 0 ? 0 : ctx.random().nextLong(spread + 1));
        ctx.startTimer(TAKEOVER_TIMER, timeout);
    }

    private long lastIndex() {
        return ctx.store().lastIndex(LOG);
    }

    Role role() {
        return role;
    }
}
