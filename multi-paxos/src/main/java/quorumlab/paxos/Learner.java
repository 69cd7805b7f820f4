package quorumlab.paxos;

import java.util.TreeMap;
import quorumlab.protocols.Command;
import quorumlab.protocols.NodeContext;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.Result;

/**
 * The learner: slots may be chosen in any order, but the state machine applies them strictly in
 * slot order, so a chosen slot waits while a lower one is open (head-of-line blocking). Decisions
 * are kept in the durable store so a restarted node (whose state machine starts empty) re-applies
 * them.
 */
final class Learner {
    private static final String CHOSEN = "paxos.chosen";

    private final NodeContext ctx;
    private final TreeMap<Long, Command> chosen = new TreeMap<>();
    private final Applied onApplied;

    interface Applied {
        void applied(long index, Command command, Result result);
    }
    private long firstUnchosen = 1;
    private long gapStart = 0;

    Learner(NodeContext ctx, Applied onApplied) {
        this.ctx = ctx;
        this.onApplied = onApplied;
    }

    /** After a restart: reload every decision and apply the contiguous prefix. */
    void recover() {
        long last = ctx.store().lastIndex(CHOSEN);
        for (long s = 1; s <= last; s++) {
            Command c = ctx.store().getAt(CHOSEN, s);
            if (c != null) chosen.put(s, c);
        }
        advance();
    }

    long firstUnchosen() {
        return firstUnchosen;
    }

    long highestChosen() {
        return chosen.isEmpty() ? 0 : chosen.lastKey();
    }

    Command chosenAt(long slot) {
        return chosen.get(slot);
    }

    boolean isChosen(long slot) {
        return chosen.containsKey(slot);
    }

    void onChosen(long slot, Command command, long round) {
        if (chosen.containsKey(slot)) return;
        ctx.store().putAt(CHOSEN, slot, command);
        chosen.put(slot, command);
        ctx.emit(new ProtocolEvent.SlotChosen(slot, round, command.id()));
        if (slot > firstUnchosen && gapStart == 0) {
            gapStart = firstUnchosen;
            ctx.emit(new ProtocolEvent.GapOpened(firstUnchosen, slot));
        }
        advance();
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
    }
}
