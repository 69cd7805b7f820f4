package quorumlab.paxos;

import java.util.ArrayList;
import java.util.List;
import quorumlab.paxos.PaxosMessage.AcceptedValue;
import quorumlab.protocols.Command;
import quorumlab.protocols.DurableStore;

/**
 * The acceptor's durable state: the promised ballot and, per slot, the accepted (ballot, value).
 * Every change is written to the store before the acceptor replies, so a restarted acceptor never
 * breaks a promise ("Paxos Made Simple" §2.3: an acceptor must remember this through failures).
 */
final class AcceptorState {
    private static final String PROMISED = "paxos.promised";
    private static final String ACCEPTED = "paxos.accepted";
    private static final String FORGOTTEN = "paxos.forgottenThrough";

    private final DurableStore store;
    private Ballot promised;
    private long forgottenThrough;

    AcceptorState(DurableStore store) {
        this.store = store;
        Ballot stored = store.get(PROMISED);
        this.promised = stored != null ? stored : Ballot.ZERO;
        Long forgotten = store.get(FORGOTTEN);
        this.forgottenThrough = forgotten != null ? forgotten : 0;
    }

    /** Slots up to here are chosen and in every node's snapshot; this acceptor no longer keeps them. */
    long forgottenThrough() {
        return forgottenThrough;
    }

    /**
     * Compaction: no leader will ever prepare from a slot this low, since every node's first
     * unchosen slot lies beyond its snapshot, so what was accepted there can go.
     */
    void forgetThrough(long slot) {
        if (slot <= forgottenThrough) return;
        store.put(FORGOTTEN, slot);
        store.removeBelow(ACCEPTED, slot + 1);
        forgottenThrough = slot;
    }

    Ballot promised() {
        return promised;
    }

    void promise(Ballot ballot) {
        store.put(PROMISED, ballot);
        promised = ballot;
    }

    void accept(long slot, Ballot ballot, Command command) {
        store.putAt(ACCEPTED, slot, new AcceptedValue(slot, ballot, command));
    }

    List<AcceptedValue> acceptedFrom(long fromSlot) {
        List<AcceptedValue> out = new ArrayList<>();
        long last = store.lastIndex(ACCEPTED);
        for (long s = Math.max(fromSlot, forgottenThrough + 1); s <= last; s++) {
            AcceptedValue v = store.getAt(ACCEPTED, s);
            if (v != null) out.add(v);
        }
        return out;
    }
}
