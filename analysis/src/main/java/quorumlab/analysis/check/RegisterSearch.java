package quorumlab.analysis.check;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import quorumlab.analysis.check.HistoryEvent.Fn;
import quorumlab.analysis.check.HistoryEvent.Type;

/**
 * The linearizability search for the operations on one key (one register): Wing and Gong's
 * backtracking over the history's calls and returns, with Lowe's memo of configurations already
 * explored ("Testing for linearizability", Concurrency and Computation 2017).
 *
 * <p>The search walks a linked list of call and return entries in real-time order. At a call it
 * tries to linearize that operation now: if the register allows it and the configuration (set
 * linearized, state) is new, the operation's entries are lifted out of the list and the walk
 * restarts from the head. At a return entry, whose operation is not linearized yet, no order that
 * extends the current one can respect real time, so the search undoes its latest choice.
 *
 * <p>An {@code ok} write or cas, and an {@code ok} read, must be linearized. A write or cas that
 * completed {@code info}, or never completed, may take effect at any point after its invocation or
 * never: it has no return entry, and is linearized only when some operation still to come observes
 * the value it writes (otherwise the state it leaves helps no one, Lowe §4). Failed operations, and
 * reads that did not complete {@code ok}, had no effect and take no part.
 *
 * <p>A search may also look at a window of the history: the operations up to a limit (those that
 * had not completed by then count as pending), and only those invoked from a quiescent cut on,
 * starting from any state the earlier operations could have left. That is how a counterexample is
 * narrowed down.
 */
final class RegisterSearch {
    enum Outcome { LINEARIZABLE, NOT_LINEARIZABLE, BOUND_REACHED }

    /** The register's state before the window when it could be any value the window's past wrote. */
    private static final int ANY = -1;
    private static final int ILLEGAL = -2;
    private static final int NIL = 0;

    private final List<ClientOp> ops = new ArrayList<>(); // the operations taking part
    private final Fn[] kind;
    private final int[] a; // read: value returned; write: value written; cas: value expected
    private final int[] b; // cas: value written
    private final boolean[] required;
    private final boolean[] candidate; // values the register may hold when the window opens
    private final int initialState;
    private final int[] observers; // per value: operations not yet linearized that need it in the register
    private final long[] zobrist;

    // the entry list: entries 0..E-1 in real-time order, HEAD = E
    private final int[] entryOp;
    private final boolean[] isCall;
    private final int[] next;
    private final int[] prev;
    private final int[] callEntry;
    private final int[] returnEntry;
    private final int head;
    private final int requiredCount;

    private int[] linearization = new int[0];
    private long states;

    /**
     * @param keyOps the operations of one key, in invocation order
     * @param cutEvent operations invoked before this position are summed up by the states they may
     *     have left (0: the whole history, starting from nil)
     * @param limitEvent only events before this position count (Integer.MAX_VALUE: all)
     */
    RegisterSearch(List<ClientOp> keyOps, int cutEvent, int limitEvent) {
        this(keyOps, cutEvent, limitEvent, java.util.Set.of());
    }

    /** @param without operations (by {@link ClientOp#index()}) to leave out, as if never invoked */
    RegisterSearch(List<ClientOp> keyOps, int cutEvent, int limitEvent, java.util.Set<Integer> without) {
        Map<Object, Integer> ids = new HashMap<>();
        ids.put(null, NIL);
        List<ClientOp> kept = new ArrayList<>();
        List<Boolean> keptRequired = new ArrayList<>();
        List<Integer> priorWrites = new ArrayList<>();
        for (ClientOp op : keyOps) {
            // A failed operation did not happen, whenever its failure was reported.
            if (op.invokeEvent() >= limitEvent || op.outcome() == Type.FAIL || without.contains(op.index())) continue;
            boolean done = op.completed() && op.completeEvent() < limitEvent;
            Type outcome = done ? op.outcome() : Type.INFO;
            if (op.f() == Fn.READ && outcome != Type.OK) continue; // a read that did not return changed nothing
            boolean mustHappen = outcome == Type.OK;
            if (op.f() != Fn.READ && op.invokeEvent() < cutEvent) {
                priorWrites.add(intern(ids, op.written()));
            }
            if (op.invokeEvent() < cutEvent && mustHappen) continue;
            kept.add(op);
            keptRequired.add(mustHappen);
        }
        // Drop pending writes whose value nothing observes, until none is left to drop.
        boolean dropped = true;
        while (dropped) {
            dropped = false;
            Map<Integer, Integer> observed = new HashMap<>();
            for (ClientOp op : kept) {
                Object seen = op.f() == Fn.READ ? op.result() : op.f() == Fn.CAS ? op.expected() : null;
                if (op.f() != Fn.WRITE) observed.merge(intern(ids, seen), 1, Integer::sum);
            }
            for (int i = kept.size() - 1; i >= 0; i--) {
                ClientOp op = kept.get(i);
                if (!keptRequired.get(i) && !observed.containsKey(intern(ids, op.written()))) {
                    kept.remove(i);
                    keptRequired.remove(i);
                    dropped = true;
                }
            }
        }

        int n = kept.size();
        ops.addAll(kept);
        kind = new Fn[n];
        a = new int[n];
        b = new int[n];
        required = new boolean[n];
        int needed = 0;
        for (int i = 0; i < n; i++) {
            ClientOp op = kept.get(i);
            kind[i] = op.f();
            required[i] = keptRequired.get(i);
            if (required[i]) needed++;
            switch (op.f()) {
                case READ -> a[i] = intern(ids, op.result());
                case WRITE -> a[i] = intern(ids, op.written());
                case CAS -> {
                    a[i] = intern(ids, op.expected());
                    b[i] = intern(ids, op.written());
                }
            }
        }
        requiredCount = needed;
        candidate = new boolean[ids.size()];
        candidate[NIL] = true;
        for (int v : priorWrites) candidate[v] = true;
        initialState = priorWrites.isEmpty() ? NIL : ANY;
        observers = new int[ids.size()];
        for (int i = 0; i < n; i++) {
            if (kind[i] != Fn.WRITE) observers[a[i]]++;
        }
        zobrist = new long[n];
        for (int i = 0; i < n; i++) zobrist[i] = StateCache.mix(0x5DEECE66DL + i * 0x9E3779B97F4A7C15L);

        // Calls at their invocations, returns at their completions: positions in the history are
        // distinct, so sorting them gives the real-time order of the entries.
        int entries = n + needed;
        long[] order = new long[entries];
        int e = 0;
        for (int i = 0; i < n; i++) {
            ClientOp op = kept.get(i);
            order[e++] = ((long) op.invokeEvent() << 32) | (i << 1);
            if (required[i]) order[e++] = ((long) op.completeEvent() << 32) | (i << 1) | 1;
        }
        Arrays.sort(order);
        entryOp = new int[entries];
        isCall = new boolean[entries];
        callEntry = new int[n];
        returnEntry = new int[n];
        Arrays.fill(returnEntry, -1);
        head = entries;
        next = new int[entries + 1];
        prev = new int[entries + 1];
        for (int i = 0; i < entries; i++) {
            int op = (int) (order[i] & 0xFFFFFFFFL) >>> 1;
            boolean call = (order[i] & 1) == 0;
            entryOp[i] = op;
            isCall[i] = call;
            if (call) callEntry[op] = i;
            else returnEntry[op] = i;
            next[i] = i + 1 < entries ? i + 1 : -1;
            prev[i] = i == 0 ? head : i - 1;
        }
        next[head] = entries > 0 ? 0 : -1;
    }

    private static int intern(Map<Object, Integer> ids, Object value) {
        Integer id = ids.get(value);
        if (id == null) {
            id = ids.size();
            ids.put(value, id);
        }
        return id;
    }

    /** The operations taking part in the search, after dropping those that cannot matter. */
    List<ClientOp> operations() {
        return ops;
    }

    /** Configurations explored by the last {@link #run}. */
    long states() {
        return states;
    }

    /** After {@link Outcome#LINEARIZABLE}: the operations in the order found. */
    List<ClientOp> linearization() {
        List<ClientOp> order = new ArrayList<>(linearization.length);
        for (int op : linearization) order.add(ops.get(op));
        return order;
    }

    /**
     * Searches for a linearization.
     *
     * @param maxStates give up after exploring this many configurations
     * @param deadlineNanos give up when {@link System#nanoTime()} passes this
     */
    Outcome run(long maxStates, long deadlineNanos) {
        int n = ops.size();
        StateCache cache = new StateCache(n);
        long[] bits = new long[Math.max(1, (n + 63) >>> 6)];
        long setHash = 0;
        int[] stackOp = new int[n];
        int[] stackState = new int[n];
        int depth = 0;
        int state = initialState;
        int remaining = requiredCount;
        int entry = next[head];
        long steps = 0;
        states = 0;
        while (remaining > 0) {
            if ((++steps & 1023) == 0 && System.nanoTime() - deadlineNanos > 0) {
                states = cache.size();
                return Outcome.BOUND_REACHED;
            }
            if (isCall[entry]) {
                int op = entryOp[entry];
                if (!required[op] && observers[written(op)] == 0) {
                    entry = next[entry];
                    continue;
                }
                int after = step(state, op);
                if (after != ILLEGAL) {
                    bits[op >>> 6] |= 1L << op;
                    setHash ^= zobrist[op];
                    if (cache.add(setHash, bits, after)) {
                        if (cache.size() > maxStates) {
                            states = cache.size();
                            return Outcome.BOUND_REACHED;
                        }
                        stackOp[depth] = op;
                        stackState[depth++] = state;
                        state = after;
                        lift(op);
                        if (required[op]) remaining--;
                        if (kind[op] != Fn.WRITE) observers[a[op]]--;
                        entry = next[head];
                        continue;
                    }
                    bits[op >>> 6] &= ~(1L << op);
                    setHash ^= zobrist[op];
                }
                entry = next[entry];
            } else {
                // A return entry: its operation should already be linearized. Undo the latest choice.
                if (depth == 0) {
                    states = cache.size();
                    return Outcome.NOT_LINEARIZABLE;
                }
                int op = stackOp[--depth];
                state = stackState[depth];
                bits[op >>> 6] &= ~(1L << op);
                setHash ^= zobrist[op];
                unlift(op);
                if (required[op]) remaining++;
                if (kind[op] != Fn.WRITE) observers[a[op]]++;
                entry = next[callEntry[op]];
            }
        }
        states = cache.size();
        linearization = Arrays.copyOf(stackOp, depth);
        return Outcome.LINEARIZABLE;
    }

    private int written(int op) {
        return kind[op] == Fn.CAS ? b[op] : a[op];
    }

    /** The register's state after {@code op} from {@code state}, or ILLEGAL. */
    private int step(int state, int op) {
        switch (kind[op]) {
            case WRITE:
                return a[op];
            case READ:
                if (state == ANY) return candidate[a[op]] ? a[op] : ILLEGAL;
                return state == a[op] ? state : ILLEGAL;
            default: // CAS
                if (state == ANY) return candidate[a[op]] ? b[op] : ILLEGAL;
                return state == a[op] ? b[op] : ILLEGAL;
        }
    }

    private void lift(int op) {
        remove(callEntry[op]);
        if (returnEntry[op] >= 0) remove(returnEntry[op]);
    }

    private void unlift(int op) {
        if (returnEntry[op] >= 0) restore(returnEntry[op]);
        restore(callEntry[op]);
    }

    private void remove(int e) {
        next[prev[e]] = next[e];
        if (next[e] >= 0) prev[next[e]] = prev[e];
    }

    private void restore(int e) {
        next[prev[e]] = e;
        if (next[e] >= 0) prev[next[e]] = e;
    }
}
