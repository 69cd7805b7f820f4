package quorumlab.analysis.check;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import quorumlab.analysis.check.HistoryEvent.Fn;
import quorumlab.analysis.check.HistoryEvent.Type;

/**
 * The linearizability search for one key of the key-value model with {@code append}: the key holds
 * a value, {@code read} returns it, {@code write} replaces it, {@code cas} replaces it when it
 * equals the expected value, and {@code append} adds a string to its end (the model of Porcupine's
 * key-value tests). A key never written holds the empty string; a read that returns nil reads it.
 *
 * <p>The search is Wing and Gong's backtracking with Lowe's memo, as in {@link RegisterSearch}, but
 * without that search's cuts: they rest on a write erasing what came before, and an append does
 * not. Here a configuration is the set of operations linearized and the key's value. An {@code ok}
 * operation must be linearized between its invocation and its completion; a write, cas or append
 * that completed {@code info}, or never completed, may be linearized at any point after its
 * invocation, or never; failed operations and reads that did not return take no part.
 *
 * <p>The search starts from given values (the ones the earlier windows of a streaming check may
 * have left) and either stops at the first linearization or, with {@code enumerate}, finds every
 * way the operations can end ({@link #terminals()}): the final value with the operations of
 * unknown outcome it used. Once every {@code ok} operation is linearized the search records the
 * ending and goes no further: an operation of unknown outcome linearized after all of them could
 * as well be linearized at the start of the next window, where it stays pending.
 */
final class KvSearch {
    private static final int ILLEGAL = -1;

    private final List<ClientOp> ops = new ArrayList<>();
    private final Fn[] kind;
    private final Object[] argument; // write: the value; append: the string; cas: the value written
    private final int[] writtenId; // write and cas: the id of the value written
    private final int[] observedId; // read: the id of the value returned; cas: of the value expected
    private final boolean[] required;
    private final int requiredCount;
    private final List<Object> startValues;
    private final boolean enumerate;
    private int maxEndings = Integer.MAX_VALUE;
    private boolean tooManyEndings;

    /** The calls and returns in real-time order, as the search unlinks and relinks them. */
    private final CallReturnList list;

    // the values met so far, by id
    private final Map<Object, Integer> ids = new HashMap<>();
    private final List<Object> values = new ArrayList<>();

    private int[] linearization = new int[0];
    private long states;
    private final Set<RegisterSearch.Terminal> terminals = new LinkedHashSet<>();

    /**
     * @param keyOps the operations of one key, in invocation order
     * @param startValues the values the key may hold before the first of them
     * @param limitEvent only events before this position count (Integer.MAX_VALUE: all): an
     *     operation invoked later takes no part, one not completed by then is of unknown outcome
     */
    KvSearch(List<ClientOp> keyOps, Collection<Object> startValues, int limitEvent, boolean enumerate) {
        this.enumerate = enumerate;
        List<Boolean> keptRequired = new ArrayList<>();
        for (ClientOp op : keyOps) {
            if (op.invokeEvent() >= limitEvent || op.outcome() == Type.FAIL) continue;
            boolean done = op.completed() && op.completeEvent() < limitEvent;
            Type outcome = done ? op.outcome() : Type.INFO;
            if (op.f() == Fn.READ && outcome != Type.OK) continue; // a read that did not return changed nothing
            ops.add(op);
            keptRequired.add(outcome == Type.OK);
        }
        int n = ops.size();
        kind = new Fn[n];
        argument = new Object[n];
        writtenId = new int[n];
        observedId = new int[n];
        required = new boolean[n];
        int needed = 0;
        for (int i = 0; i < n; i++) {
            ClientOp op = ops.get(i);
            kind[i] = op.f();
            required[i] = keptRequired.get(i);
            if (required[i]) needed++;
            // Values are numbered once here, so that a step compares numbers, not strings.
            switch (op.f()) {
                case READ -> observedId[i] = id(canonical(op.result()));
                case WRITE -> writtenId[i] = id(canonical(op.written()));
                case APPEND -> argument[i] = canonical(op.written());
                case CAS -> {
                    observedId[i] = id(canonical(op.expected()));
                    writtenId[i] = id(canonical(op.written()));
                }
            }
        }
        requiredCount = needed;
        List<Object> starts = new ArrayList<>();
        for (Object v : startValues) {
            if (!starts.contains(canonical(v))) starts.add(canonical(v));
        }
        this.startValues = starts;

        list = new CallReturnList(ops, required, needed);
    }

    /** A key never written holds the empty string, and a read of nil reads it (Porcupine's model). */
    static Object canonical(Object value) {
        return value == null ? "" : value;
    }

    /** The operations taking part in the search. */
    List<ClientOp> operations() {
        return ops;
    }

    /** Configurations explored by the last {@link #run}. */
    long states() {
        return states;
    }

    /** After {@link RegisterSearch.Outcome#LINEARIZABLE} without enumerate: the operations in the order found. */
    List<ClientOp> linearization() {
        List<ClientOp> order = new ArrayList<>(linearization.length);
        for (int op : linearization) order.add(ops.get(op));
        return order;
    }

    /**
     * With enumerate: stop (with {@link RegisterSearch.Outcome#BOUND_REACHED}) once more than
     * {@code max} endings are found, and say so in {@link #tooManyEndings()}.
     */
    KvSearch maxEndings(int max) {
        maxEndings = max;
        return this;
    }

    /** True when the last {@link #run} stopped because it found more than the most endings asked for. */
    boolean tooManyEndings() {
        return tooManyEndings;
    }

    /** After {@link #run} with enumerate: every way the operations can end. */
    Set<RegisterSearch.Terminal> terminals() {
        return terminals;
    }

    /**
     * Searches for a linearization from each start value in turn (or, with enumerate, for every
     * ending). Call once per instance.
     *
     * @param maxStates give up after exploring this many configurations
     * @param deadlineNanos give up when {@link System#nanoTime()} passes this
     */
    RegisterSearch.Outcome run(long maxStates, long deadlineNanos) {
        int n = ops.size();
        long[] linearized = new long[Math.max(1, (n + 63) >>> 6)];
        long[] key = new long[linearized.length + 2];
        StateCache cache = new StateCache();
        int[] stackOp = new int[n];
        int[] stackState = new int[n];
        long steps = 0;
        for (Object start : startValues) {
            int state = id(start);
            int depth = 0;
            int remaining = requiredCount;
            if (!cache.add(key(key, linearized, state))) continue;
            int entry = list.first();
            while (true) {
                if (remaining == 0) {
                    if (!enumerate) {
                        linearization = Arrays.copyOf(stackOp, depth);
                        states = cache.size();
                        return RegisterSearch.Outcome.LINEARIZABLE;
                    }
                    terminals.add(terminal(state, stackOp, depth));
                    if (terminals.size() > maxEndings) {
                        tooManyEndings = true;
                        states = cache.size();
                        return RegisterSearch.Outcome.BOUND_REACHED;
                    }
                    entry = -1; // record this ending, then backtrack as if it had failed
                }
                if ((++steps & 1023) == 0 && System.nanoTime() - deadlineNanos > 0) {
                    states = cache.size();
                    return RegisterSearch.Outcome.BOUND_REACHED;
                }
                if (entry >= 0 && list.isCall[entry]) {
                    int op = list.entryOp[entry];
                    int after = step(state, op);
                    if (after != ILLEGAL) {
                        linearized[op >>> 6] |= 1L << op;
                        if (cache.add(key(key, linearized, after))) {
                            if (cache.size() > maxStates) {
                                states = cache.size();
                                return RegisterSearch.Outcome.BOUND_REACHED;
                            }
                            stackOp[depth] = op;
                            stackState[depth++] = state;
                            state = after;
                            list.lift(op);
                            if (required[op]) remaining--;
                            entry = list.first();
                            continue;
                        }
                        linearized[op >>> 6] &= ~(1L << op);
                    }
                    entry = list.next[entry];
                } else {
                    // A return entry whose operation is not linearized, or the end: undo the latest choice.
                    if (depth == 0) break;
                    int op = stackOp[--depth];
                    state = stackState[depth];
                    linearized[op >>> 6] &= ~(1L << op);
                    list.unlift(op);
                    if (required[op]) remaining++;
                    entry = list.next[list.callEntry[op]];
                }
            }
        }
        states = cache.size();
        if (enumerate && !terminals.isEmpty()) return RegisterSearch.Outcome.LINEARIZABLE;
        return RegisterSearch.Outcome.NOT_LINEARIZABLE;
    }

    /** The memo key: the value, then the set of operations linearized. */
    private static long[] key(long[] key, long[] linearized, int state) {
        key[0] = linearized.length + 1;
        key[1] = state;
        System.arraycopy(linearized, 0, key, 2, linearized.length);
        return key;
    }

    private RegisterSearch.Terminal terminal(int state, int[] stack, int depth) {
        Set<Integer> used = new java.util.HashSet<>();
        for (int i = 0; i < depth; i++) {
            if (!required[stack[i]]) used.add(ops.get(stack[i]).index());
        }
        return new RegisterSearch.Terminal(values.get(state), used);
    }

    private int id(Object value) {
        Integer id = ids.get(value);
        if (id == null) {
            id = values.size();
            ids.put(value, id);
            values.add(value);
        }
        return id;
    }

    /** The key's value after {@code op} from {@code state}, or ILLEGAL. */
    private int step(int state, int op) {
        return switch (kind[op]) {
            case READ -> state == observedId[op] ? state : ILLEGAL;
            case WRITE -> writtenId[op];
            case CAS -> state == observedId[op] ? writtenId[op] : ILLEGAL;
            case APPEND -> append(state, op);
        };
    }

    /**
     * The value after an append, remembered per (value, append): the search meets the same pair
     * again and again, and concatenating and hashing a long string each time is the cost.
     */
    private int append(int state, int op) {
        long edge = ((long) state << 32) | op;
        Integer known = appended.get(edge);
        if (known != null) return known;
        // appending to a value that is not a string (a number put there) cannot happen
        int after = values.get(state) instanceof String s ? id(s + argument[op]) : ILLEGAL;
        appended.put(edge, after);
        return after;
    }

    private final Map<Long, Integer> appended = new HashMap<>();
}
