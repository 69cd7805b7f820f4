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

    private final DurableStore store;
    private Ballot promised;

    AcceptorState(DurableStore store) {
        this.store = store;
        Ballot stored = store.get(PROMISED);
        this.promised = stored != null ? stored : Ballot.ZERO;
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
        for (long s = Math.max(fromSlot, 1); s <= last; s++) {
            AcceptedValue v = store.getAt(ACCEPTED, s);
            if (v != null) out.add(v);
        }
        return out;
    }
}
