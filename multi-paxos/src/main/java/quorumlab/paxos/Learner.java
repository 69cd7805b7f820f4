package quorumlab.paxos;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import quorumlab.paxos.PaxosMessage.CatchUp;
import quorumlab.paxos.PaxosMessage.Chosen;
import quorumlab.paxos.PaxosMessage.SlotValue;
import quorumlab.paxos.PaxosMessage.Snapshot;
import quorumlab.protocols.Command;
import quorumlab.protocols.ConfigurationCommand;
import quorumlab.protocols.NodeContext;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.Result;

/**
 * The learner: slots may be chosen in any order, but the state machine applies them strictly in
 * slot order, so a chosen slot waits while a lower one is open (head-of-line blocking). Decisions
 * are kept in the durable store so a restarted node (whose state machine starts empty) re-applies
 * them; a durable snapshot of the state machine lets the decisions before it be forgotten. A
 * configuration command it learns goes to {@link Reconfiguration} (the state machine applies it as
 * a no-op).
 */
final class Learner {
    private static final String CHOSEN = "paxos.chosen";
    private static final String SNAPSHOT = "paxos.snapshot";
    private static final int CATCH_UP_BATCH = 64;

    private final NodeContext ctx;
    private final long snapshotEvery;
    private final TreeMap<Long, Command> chosen = new TreeMap<>();
    private final Reconfiguration reconfiguration;
    private final Applied onApplied;

    interface Applied {
        void applied(long index, Command command, Result result);
    }

    private long firstUnchosen = 1;
    private long gapStart = 0;
    private long snapshotIndex;
    private long forgottenThrough;

    Learner(NodeContext ctx, long snapshotEvery, Reconfiguration reconfiguration, Applied onApplied) {
        this.ctx = ctx;
        this.snapshotEvery = snapshotEvery;
        this.reconfiguration = reconfiguration;
        this.onApplied = onApplied;
    }

    /**
     * After a restart: restore the snapshot (with its configurations), reload the decisions after it
     * (configuration commands among them) and apply the contiguous prefix.
     */
    void recover() {
        PaxosSnapshot snapshot = ctx.store().get(SNAPSHOT);
        if (snapshot != null) {
            ctx.restoreStateMachine(snapshot.state());
            reconfiguration.restore(snapshot.configurations(), false);
            snapshotIndex = snapshot.lastApplied();
            firstUnchosen = snapshotIndex + 1;
            // The decisions it covers are not reloaded: a learner asking for them gets the snapshot.
            forgottenThrough = snapshotIndex;
        }
        long last = ctx.store().lastIndex(CHOSEN);
        for (long s = Math.max(firstUnchosen, ctx.store().firstIndex(CHOSEN)); s <= last; s++) {
            Command c = ctx.store().getAt(CHOSEN, s);
            if (c == null) continue;
            chosen.put(s, c);
            if (c instanceof ConfigurationCommand config) reconfiguration.onChosen(s, config, true);
        }
        advance();
    }

    long firstUnchosen() {
        return firstUnchosen;
    }

    long highestChosen() {
        return chosen.isEmpty() ? firstUnchosen - 1 : Math.max(firstUnchosen - 1, chosen.lastKey());
    }

    /** The decision for {@code slot}, or null if unknown here or already forgotten. */
    Command chosenAt(long slot) {
        return chosen.get(slot);
    }

    boolean isChosen(long slot) {
        return slot < firstUnchosen || chosen.containsKey(slot);
    }

    /** How far this node's durable snapshot reaches (0 before the first). */
    long snapshotIndex() {
        return snapshotIndex;
    }

    /** The leader's decision ("Paxos Made Simple" §2.3: a learner learns what a majority accepted). */
    void onChosen(Chosen c) {
        for (SlotValue v : c.values()) {
            onChosen(v.slot(), v.command(), c.ballot().round());
        }
    }

    /**
     * Another learner missed decisions (a lost Chosen, a restart, or it is joining): resend the ones
     * this node knows, or, if it forgot them, its snapshot. {@code ballot} is this node's own, which
     * only dates the answer. Returns how many slots the answer covers.
     */
    long onCatchUp(NodeId from, CatchUp c, Ballot ballot) {
        if (c.fromSlot() <= forgottenThrough) {
            PaxosSnapshot snapshot = ctx.store().get(SNAPSHOT);
            ctx.send(from, new Snapshot(snapshot));
            return snapshot.lastApplied() - c.fromSlot() + 1;
        }
        List<SlotValue> values = new ArrayList<>();
        for (long slot = c.fromSlot(); slot < c.fromSlot() + CATCH_UP_BATCH; slot++) {
            Command command = chosenAt(slot);
            if (command != null) values.add(new SlotValue(slot, command));
        }
        if (!values.isEmpty()) ctx.send(from, new Chosen(ballot, values, true));
        return values.size();
    }

    /**
     * Another node's snapshot, sent because it forgot slots this node lacks: install it if it reaches
     * beyond what this node has learned; its configurations become this node's.
     */
    void onSnapshot(Snapshot m) {
        PaxosSnapshot snapshot = m.snapshot();
        if (snapshot.lastApplied() < firstUnchosen) return;
        ctx.store().put(SNAPSHOT, snapshot);
        if (snapshot.lastApplied() > ctx.lastApplied()) ctx.restoreStateMachine(snapshot.state());
        reconfiguration.restore(snapshot.configurations(), true);
        snapshotIndex = snapshot.lastApplied();
        firstUnchosen = snapshotIndex + 1;
        forgetThrough(snapshotIndex);
        ctx.emit(new ProtocolEvent.SnapshotInstalled(snapshotIndex, 0));
        advance();
    }

    void onChosen(long slot, Command command, long round) {
        if (isChosen(slot)) return;
        ctx.store().putAt(CHOSEN, slot, command);
        chosen.put(slot, command);
        ctx.emit(new ProtocolEvent.SlotChosen(slot, round, command.id()));
        if (command instanceof ConfigurationCommand config) reconfiguration.onChosen(slot, config, false);
        if (slot > firstUnchosen && gapStart == 0) {
            gapStart = firstUnchosen;
            ctx.emit(new ProtocolEvent.GapOpened(firstUnchosen, slot));
        }
        advance();
    }

    /** Drops the decisions up to {@code slot}, which must lie within this node's snapshot. */
    void forgetThrough(long slot) {
        forgottenThrough = Math.max(forgottenThrough, slot);
        chosen.headMap(slot, true).clear();
        ctx.store().removeBelow(CHOSEN, slot + 1);
    }

    private void advance() {
        while (chosen.containsKey(firstUnchosen)) firstUnchosen++;
        if (gapStart != 0 && firstUnchosen > highestChosen()) {
            ctx.emit(new ProtocolEvent.GapClosed(gapStart, firstUnchosen - 1));
            gapStart = 0;
        }
        while (ctx.lastApplied() + 1 < firstUnchosen) {
            long index = ctx.lastApplied() + 1;
            Command c = chosen.get(index);
            onApplied.applied(index, c, ctx.apply(index, c));
        }
        snapshotIfDue();
    }

    private void snapshotIfDue() {
        long applied = ctx.lastApplied();
        if (snapshotEvery == 0 || applied - snapshotIndex < snapshotEvery) return;
        ctx.store().put(SNAPSHOT, new PaxosSnapshot(ctx.snapshotStateMachine(), reconfiguration.chosenThrough(applied)));
        snapshotIndex = applied;
        ctx.emit(new ProtocolEvent.SnapshotTaken(applied, 0));
    }
}
