package quorumlab.protocols.runtime;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import quorumlab.protocols.Command;
import quorumlab.protocols.DurableStore;
import quorumlab.protocols.KvStateMachine;
import quorumlab.protocols.NodeContext;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.Result;

/**
 * The part of a node's context that both runtimes share: who the node is, what survives its crash
 * (store and random stream), and the state machine of its current incarnation. A runtime adds the
 * clock, the network and the timers, and says what becomes of the node's events.
 */
public abstract class AbstractNodeContext implements NodeContext {
    private final NodeId id;
    private DurableStore store;
    private final SplittableRandom random;
    /** Applies are the most frequent event: with tracing off, none is even built. */
    private final boolean traceEvents;
    private KvStateMachine stateMachine;

    protected AbstractNodeContext(NodeId id, DurableStore store, SplittableRandom random, boolean traceEvents) {
        this.id = id;
        this.store = store;
        this.random = random;
        this.traceEvents = traceEvents;
    }

    /** The current incarnation's state machine, or null while the node is crashed. */
    public final KvStateMachine stateMachine() {
        return stateMachine;
    }

    /** A new incarnation starts from an empty state machine; the protocol rebuilds it from its store. */
    protected final void newStateMachine() {
        stateMachine = new KvStateMachine();
    }

    /** A store on disk is closed at a crash and opened again, read back from its files, at the restart. */
    protected final void useStore(DurableStore reopened) {
        store = reopened;
    }

    /** A crash loses the state machine. */
    protected final void dropStateMachine() {
        stateMachine = null;
    }

    /** Traces {@code event} and follows who leads; the node's own events have passed the check in {@link #emit}. */
    protected abstract void record(ProtocolEvent event);

    @Override
    public final NodeId self() {
        return id;
    }

    @Override
    public final RandomGenerator random() {
        return random;
    }

    @Override
    public final DurableStore store() {
        return store;
    }

    @Override
    public final Result apply(long index, Command command) {
        Result result = stateMachine.apply(index, command);
        if (traceEvents) record(new ProtocolEvent.EntryApplied(index, command.id()));
        return result;
    }

    @Override
    public final long lastApplied() {
        return stateMachine.lastApplied();
    }

    @Override
    public final KvStateMachine.Snapshot snapshotStateMachine() {
        return stateMachine.snapshot();
    }

    @Override
    public final void restoreStateMachine(KvStateMachine.Snapshot snapshot) {
        if (snapshot.lastApplied() <= stateMachine.lastApplied()) {
            throw new IllegalStateException(id + ": snapshot at " + snapshot.lastApplied()
                    + " is not ahead of applied index " + stateMachine.lastApplied());
        }
        stateMachine = new KvStateMachine(snapshot);
        record(new ProtocolEvent.StateMachineRestored(snapshot.lastApplied()));
    }

    @Override
    public final void emit(ProtocolEvent event) {
        // Only the runtime knows an entry was applied or a snapshot restored; a node claiming so would falsify the trace.
        if (event instanceof ProtocolEvent.EntryApplied || event instanceof ProtocolEvent.StateMachineRestored) {
            throw new IllegalArgumentException(id + " emitted " + event.getClass().getSimpleName()
                    + "; the runtime records it");
        }
        record(event);
    }

    @Override
    public String toString() {
        return id.toString();
    }
}
