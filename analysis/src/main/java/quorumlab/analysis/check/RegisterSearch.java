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
 * the value it writes: a value that no operation still to come reads or expects must be
 * overwritten before anything depends on the state again, so leaving it out loses nothing. Failed operations, and
 * reads that did not complete {@code ok}, had no effect and take no part.
 *
 * <p>Two cuts keep the search near one configuration per operation when many operations are in
 * flight at once (issue 14: dueling proposers; an open-loop load piles up dozens of operations on a
 * key, which then complete together). First, a value that some operation which must happen still
 * has to observe cannot be overwritten once nothing left can write it again ({@link #strands}):
 * without the cut, the search learns that only at the observer's return, after trying every order
 * of everything in between. An operation must happen when it completed {@code ok}, or when it
 * alone can write a value that a must-happen operation observes. Second, the values that no
 * operation observes are one state to the search, so orders that differ only in which of them
 * the register holds meet in the memo; and in that state a required write of such a value
 * changes nothing but the list, so the search takes each one it may at once and tries nothing
 * else there ({@link #unobservedWriteCallable}): a pile-up of such writes costs one step each,
 * not one per subset of them.
 *
 * <p>A search may also look at a window of the history: the operations up to a limit (those that
 * had not completed by then count as pending), and only those invoked from a quiescent cut on,
 * starting from any state the earlier operations could have left. That is how a counterexample is
 * narrowed down.
 *
 * <p>A search may also start from given register values ({@code startValues}: the states the
 * operations before a quiescent cut may have left) and, instead of stopping at the first
 * linearization, find every way the window can end ({@link #terminals()}): each final value with
 * the set of not-required writes it used, which a streaming check carries into the next window.
 * Then no two values are folded into one state, and the memo key also names the not-required
 * operations linearized, so that no ending is lost to the memo.
 */
final class RegisterSearch {
    enum Outcome { LINEARIZABLE, NOT_LINEARIZABLE, BOUND_REACHED }

    /** The register's state before the window when it could be any value the window's past wrote. */
    private static final int ANY = -1;
    private static final int ILLEGAL = -2;
    /** The state standing for every value that no operation in the search reads or expects. */
    private static final int UNOBSERVED = 0;
    private static final Object UNOBSERVED_VALUES = new Object();

    /**
     * Tests set this to recompute K from scratch after every step and compare it with the
     * incremental one; a mismatch throws {@link AssertionError}. Slow; never set in production.
     */
    static volatile boolean verifyEveryStep;

    private final List<ClientOp> ops = new ArrayList<>(); // the operations taking part
    private final Fn[] kind;
    private final int[] a; // read: value returned; write: value written; cas: value expected
    private final int[] b; // cas: value written
    private final boolean[] required;
    private final boolean[] candidate; // values the register may hold when the window opens
    private final int initialState;
    private final int[] observers; // per value: operations not yet linearized that need it in the register
    private final int[][] pendingWriters; // per value: the writes and cas that may or may not happen, writing it
    private final boolean[] mustHappen; // required, or the only possible source of a value a must-happen op observes
    private final int[] mustObservers; // per value: must-happen reads and cas that need it in the register
    private final int[] writers; // per value: the operations that write it

    /** The calls and returns in real-time order, as the search unlinks and relinks them. */
    private final CallReturnList list;
    private final int requiredCount;

    private int[] linearization = new int[0];
    private long states;

    /** One way a window can end: the register's value and the not-required operations linearized (by index). */
    record Terminal(Object value, java.util.Set<Integer> used) {}

    private final boolean enumerate;
    private final Object[] valueOf; // enumerate: the value behind each state id
    private final int[] optionalBit; // enumerate: per operation, its bit among the not-required ones, or -1
    private final long[] optionalLinearized;
    private final java.util.Set<Terminal> terminals = new java.util.LinkedHashSet<>();

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
        this(keyOps, java.util.Collections.singletonList(null), cutEvent, limitEvent, without, false);
    }

    /**
     * A window that starts in one of {@code startValues} (with no cut: every operation given takes
     * part), finding every ending when {@code enumerate}.
     */
    RegisterSearch(List<ClientOp> windowOps, java.util.Collection<Object> startValues, boolean enumerate) {
        this(windowOps, startValues, 0, Integer.MAX_VALUE, java.util.Set.of(), enumerate);
    }

    RegisterSearch(List<ClientOp> keyOps, java.util.Collection<Object> startValues, int cutEvent,
            int limitEvent, java.util.Set<Integer> without, boolean enumerate) {
        this.enumerate = enumerate;
        Map<Object, Integer> ids = new HashMap<>();
        List<ClientOp> kept = new ArrayList<>();
        List<Boolean> keptRequired = new ArrayList<>();
        List<Object> priorWrites = new ArrayList<>();
        for (ClientOp op : keyOps) {
            // A failed operation did not happen, whenever its failure was reported.
            if (op.invokeEvent() >= limitEvent || op.outcome() == Type.FAIL || without.contains(op.index())) continue;
            boolean done = op.completed() && op.completeEvent() < limitEvent;
            Type outcome = done ? op.outcome() : Type.INFO;
            if (op.f() == Fn.READ && outcome != Type.OK) continue; // a read that did not return changed nothing
            boolean mustHappen = outcome == Type.OK;
            if (op.f() != Fn.READ && op.invokeEvent() < cutEvent) {
                priorWrites.add(op.written());
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

        // Values that no operation left observes are all alike to the search: one state stands for
        // them all, so orders that differ only in which of them the register holds meet in the memo.
        java.util.Set<Object> observedValues = new java.util.HashSet<>();
        for (ClientOp op : kept) {
            if (op.f() == Fn.READ) observedValues.add(op.result());
            if (op.f() == Fn.CAS) observedValues.add(op.expected());
        }
        Map<Object, Integer> values = new HashMap<>();
        values.put(UNOBSERVED_VALUES, UNOBSERVED);
        java.util.function.Function<Object, Integer> id =
                v -> enumerate || observedValues.contains(v) ? intern(values, v) : UNOBSERVED;

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
                case READ -> a[i] = id.apply(op.result());
                case WRITE -> a[i] = id.apply(op.written());
                case CAS -> {
                    a[i] = id.apply(op.expected());
                    b[i] = id.apply(op.written());
                }
            }
        }
        requiredCount = needed;
        for (Object v : startValues) id.apply(v);
        for (Object v : priorWrites) id.apply(v);
        candidate = new boolean[values.size()];
        for (Object v : startValues) candidate[id.apply(v)] = true;
        for (Object v : priorWrites) candidate[id.apply(v)] = true;
        initialState = priorWrites.isEmpty() && startValues.size() == 1 ? id.apply(startValues.iterator().next()) : ANY;
        valueOf = new Object[values.size()];
        for (Map.Entry<Object, Integer> v : values.entrySet()) valueOf[v.getValue()] = v.getKey();
        optionalBit = new int[n];
        int optional = 0;
        for (int i = 0; i < n; i++) optionalBit[i] = required[i] ? -1 : optional++;
        optionalLinearized = new long[enumerate ? (optional + 63) >>> 6 : 0];
        observers = new int[values.size()];
        for (int i = 0; i < n; i++) {
            if (kind[i] != Fn.WRITE) observers[a[i]]++;
        }
        mustHappen = required.clone();
        writers = new int[values.size()];
        int[] soleWriter = new int[values.size()];
        for (int i = 0; i < n; i++) {
            if (kind[i] == Fn.READ) continue;
            writers[written(i)]++;
            soleWriter[written(i)] = i;
        }
        // A value that a must-happen operation observes, that the register cannot hold when the
        // window opens and that one operation alone writes, needs that operation: it must happen
        // too (before its observer), and so must what it observes in turn. Values are unique per
        // key in our workload, so an info write whose value is read becomes one of these.
        for (boolean grew = true; grew; ) {
            grew = false;
            for (int i = 0; i < n; i++) {
                if (!mustHappen[i] || kind[i] == Fn.WRITE) continue;
                int v = a[i];
                boolean heldAtStart = initialState == ANY ? candidate[v] : v == initialState;
                if (!heldAtStart && writers[v] == 1 && !mustHappen[soleWriter[v]]) {
                    mustHappen[soleWriter[v]] = true;
                    grew = true;
                }
            }
        }
        mustObservers = new int[values.size()];
        for (int i = 0; i < n; i++) {
            if (mustHappen[i] && kind[i] != Fn.WRITE) mustObservers[a[i]]++;
        }

        pendingWriters = new int[values.size()][];
        for (int i = 0; i < n; i++) {
            if (required[i]) continue;
            int v = written(i);
            int[] list = pendingWriters[v] == null ? new int[0] : pendingWriters[v];
            list = Arrays.copyOf(list, list.length + 1);
            list[list.length - 1] = i;
            pendingWriters[v] = list;
        }

        list = new CallReturnList(kept, required, needed);
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
     * Searches for a linearization. Call once per instance.
     *
     * <p>The memo key is not the set S of operations linearized but K = S plus the pending writes
     * that can no longer matter ("dead": every operation that could observe their value is
     * linearized or dead itself). Configurations with the same K and state have the same futures,
     * and K is nearly a prefix of the history: every operation below a frontier is in it, so the
     * key is the state, the frontier and the few words of K above it. That keeps each memo entry
     * small however long the history is.
     *
     * @param maxStates give up after exploring this many configurations
     * @param deadlineNanos give up when {@link System#nanoTime()} passes this
     */
    Outcome run(long maxStates, long deadlineNanos) {
        states = 0;
        if (observesWhatNothingWrites()) return Outcome.NOT_LINEARIZABLE;
        Frontier k = new Frontier();
        StateCache cache = new StateCache();
        int[] needs = mustObservers.clone(); // per value: must-happen observers not linearized yet
        int[] sources = writers.clone(); // per value: writers not linearized yet
        int n = ops.size();
        int[] stackOp = new int[n];
        int[] stackState = new int[n];
        int[] stackTrail = new int[n];
        boolean[] stackForced = new boolean[n];
        int depth = 0;
        int state = initialState;
        int remaining = requiredCount;
        int entry = list.first();
        long steps = 0;
        boolean forcing = false; // the step at entry is a write that the register's state forces, with no alternative
        boolean backtrack = false; // undo the latest choice before anything else
        while (true) {
            if (!backtrack && remaining > 0 && state == UNOBSERVED && !enumerate) {
                int w = unobservedWriteCallable();
                if (w >= 0) {
                    entry = list.callEntry[w];
                    forcing = true;
                }
            }
            if (!backtrack && remaining == 0) {
                if (!enumerate) break;
                terminals.add(terminal(state, stackOp, depth));
                // Every ending is wanted: carry on as if this one had failed.
                if (depth == 0) break;
                int op = stackOp[--depth];
                state = stackState[depth];
                k.undo(op, stackTrail[depth]);
                list.unlift(op);
                count(op, needs, sources, +1);
                markOptional(op, false);
                if (required[op]) remaining++;
                entry = list.next[list.callEntry[op]];
                continue;
            }
            if ((++steps & 1023) == 0 && System.nanoTime() - deadlineNanos > 0) {
                states = cache.size();
                return Outcome.BOUND_REACHED;
            }
            if (!backtrack && list.isCall[entry]) {
                int op = list.entryOp[entry];
                if (k.contains(op)) { // a dead pending write: it can help no one
                    entry = list.next[entry];
                    continue;
                }
                boolean forced = forcing;
                forcing = false;
                int after = step(state, op);
                if (after != ILLEGAL && !strands(state, op, after, needs, sources)) {
                    int mark = k.trailSize();
                    k.linearize(op);
                    markOptional(op, true);
                    if (verifyEveryStep) k.verify(stackOp, depth, op);
                    if (cache.add(k.key(after))) {
                        if (cache.size() > maxStates) {
                            states = cache.size();
                            return Outcome.BOUND_REACHED;
                        }
                        stackForced[depth] = forced;
                        stackOp[depth] = op;
                        stackState[depth] = state;
                        stackTrail[depth++] = mark;
                        state = after;
                        count(op, needs, sources, -1);
                        if (verifyEveryStep) verifyCounts(stackOp, depth, needs, sources);
                        list.lift(op);
                        if (required[op]) remaining--;
                        entry = list.first();
                        continue;
                    }
                    markOptional(op, false);
                    k.undo(op, mark);
                    if (verifyEveryStep) k.verify(stackOp, depth, -1);
                }
                // A forced write that fails (or was explored before) leaves no alternative here.
                if (forced) backtrack = true;
                else entry = list.next[entry];
            } else {
                // A return entry: its operation should already be linearized. Undo the latest choice.
                backtrack = false;
                if (depth == 0) break;
                boolean wasForced = stackForced[depth - 1];
                int op = stackOp[--depth];
                state = stackState[depth];
                markOptional(op, false);
                k.undo(op, stackTrail[depth]);
                if (verifyEveryStep) k.verify(stackOp, depth, -1);
                list.unlift(op);
                count(op, needs, sources, +1);
                if (verifyEveryStep) verifyCounts(stackOp, depth, needs, sources);
                if (required[op]) remaining++;
                // Undoing a forced step undoes the choice that forced it too: nothing else was possible.
                if (wasForced) backtrack = true;
                else entry = list.next[list.callEntry[op]];
            }
        }
        states = cache.size();
        if (enumerate) return terminals.isEmpty() ? Outcome.NOT_LINEARIZABLE : Outcome.LINEARIZABLE;
        if (remaining > 0) return Outcome.NOT_LINEARIZABLE;
        linearization = Arrays.copyOf(stackOp, depth);
        return Outcome.LINEARIZABLE;
    }

    /**
     * A required write of a value that no operation observes, whose call comes before the first
     * return left in the list (so it may be linearized now), or -1.
     *
     * <p>Such writes are interchangeable, and they are what a pile-up of writes after a leader
     * change is mostly made of: without this, the search tries every subset of them in every
     * order. In the state that stands for the unobserved values, linearizing one of them leaves
     * the state as it is and only takes its return out of the way, so it is never worse to
     * linearize it at once: take any linearization from here, move the write to the front, and
     * every operation after it still sees the state it saw (the write was followed by another
     * write, as nothing can follow the unobserved state but a write, or it was last, and the
     * search that does not enumerate does not care about the final state). So the search
     * linearizes these writes as soon as it reaches that state, one after another, and tries no
     * alternative to them: if that fails, so does every other choice from here.
     */
    private int unobservedWriteCallable() {
        for (int e = list.first(); e >= 0 && list.isCall[e]; e = list.next[e]) {
            int op = list.entryOp[e];
            if (required[op] && kind[op] == Fn.WRITE && a[op] == UNOBSERVED) return op;
        }
        return -1;
    }

    /**
     * True when an operation that must happen observes a value that the register cannot hold at
     * the start and that nothing in the search writes (a stale read of a value written long
     * before the window): no order can linearize it, and the search would learn that only at its
     * return, after trying every order of what comes before.
     */
    private boolean observesWhatNothingWrites() {
        for (int i = 0; i < ops.size(); i++) {
            if (!mustHappen[i] || kind[i] == Fn.WRITE || writers[a[i]] > 0) continue;
            boolean heldAtStart = initialState == ANY ? candidate[a[i]] : a[i] == initialState;
            if (!heldAtStart) return true;
        }
        return false;
    }

    /** After {@link #run} with enumerate: every way the window can end. */
    java.util.Set<Terminal> terminals() {
        return terminals;
    }

    private Terminal terminal(int state, int[] stack, int depth) {
        java.util.Set<Integer> used = new java.util.HashSet<>();
        for (int i = 0; i < depth; i++) {
            if (!required[stack[i]]) used.add(ops.get(stack[i]).index());
        }
        Object value = state >= 0 ? valueOf[state] : null;
        if (state == ANY) {
            // Nothing in the window wrote: the register still holds whichever start value it held.
            throw new IllegalStateException("an enumerating search starts from one value");
        }
        return new Terminal(value, used);
    }

    private void markOptional(int op, boolean on) {
        if (!enumerate || optionalBit[op] < 0) return;
        int bit = optionalBit[op];
        if (on) optionalLinearized[bit >>> 6] |= 1L << bit;
        else optionalLinearized[bit >>> 6] &= ~(1L << bit);
    }

    /**
     * True when {@code op} would take the register from {@code state} to another value while a
     * must-happen operation not yet linearized still needs {@code state}, and no operation left
     * writes it: that operation could never be linearized, whatever comes next. Without this cut
     * the search finds out only at the operation's return, after trying every order of what lies
     * between; with it, an info write whose value is read later is tried only where nothing
     * overwrites it before the read. The register before the window ({@code ANY}) is never cut.
     */
    private boolean strands(int state, int op, int after, int[] needs, int[] sources) {
        if (state < 0 || after == state) return false;
        boolean observesState = mustHappen[op] && kind[op] != Fn.WRITE && a[op] == state;
        return needs[state] - (observesState ? 1 : 0) > 0 && sources[state] == 0;
    }

    /** Recomputes {@link #strands}' counts from the linearized {@code stack[0..depth)}; throws on a mismatch. */
    private void verifyCounts(int[] stack, int depth, int[] needs, int[] sources) {
        int[] expectedNeeds = mustObservers.clone();
        int[] expectedSources = writers.clone();
        for (int i = 0; i < depth; i++) count(stack[i], expectedNeeds, expectedSources, -1);
        if (!Arrays.equals(expectedNeeds, needs) || !Arrays.equals(expectedSources, sources)) {
            throw new AssertionError("needs " + Arrays.toString(needs) + " sources " + Arrays.toString(sources)
                    + ", expected " + Arrays.toString(expectedNeeds) + " and " + Arrays.toString(expectedSources));
        }
    }

    /** Adds {@code delta} to the counts of what {@code op} observes and writes. */
    private void count(int op, int[] needs, int[] sources, int delta) {
        if (mustHappen[op] && kind[op] != Fn.WRITE) needs[a[op]] += delta;
        if (kind[op] != Fn.READ) sources[written(op)] += delta;
    }

    /**
     * The set K (operations linearized, plus pending writes that died), with the counts that
     * decide death: {@code observers[v]} is how many operations outside K would need the register
     * to hold {@code v} (reads returning it, cas expecting it). A pending write of {@code v} dies
     * when that count reaches 0; a dead cas no longer counts as an observer, so deaths cascade.
     * Every change is logged on a trail so that undoing a step restores K exactly.
     */
    private final class Frontier {
        private final long[] bits = new long[Math.max(1, (ops.size() + 63) >>> 6)];
        private final int[] count = observers.clone();
        private int[] trail = new int[16]; // pending writes killed, in order
        private int trailSize;
        private int low; // every operation below is in K
        private int high = -1; // the highest operation in K
        private long[] key = new long[8];

        boolean contains(int op) {
            return (bits[op >>> 6] & (1L << op)) != 0;
        }

        int trailSize() {
            return trailSize;
        }

        void linearize(int op) {
            add(op);
            if (kind[op] != Fn.WRITE) unobserve(a[op]);
        }

        /** Undoes {@link #linearize}{@code (op)}, whose trail began at {@code mark}. */
        void undo(int op, int mark) {
            while (trailSize > mark) {
                int dead = trail[--trailSize];
                remove(dead);
                if (kind[dead] == Fn.CAS) count[a[dead]]++;
            }
            if (kind[op] != Fn.WRITE) count[a[op]]++;
            remove(op);
        }

        private void unobserve(int value) {
            if (--count[value] > 0) return;
            // No one left needs this value: the pending writes of it die, and stop observing in turn.
            for (int w : writersOf(value)) {
                if (contains(w)) continue;
                add(w);
                if (trailSize == trail.length) trail = Arrays.copyOf(trail, trailSize * 2);
                trail[trailSize++] = w;
                if (kind[w] == Fn.CAS) unobserve(a[w]);
            }
        }

        private void add(int op) {
            bits[op >>> 6] |= 1L << op;
            if (op > high) high = op;
            while (low < ops.size() && contains(low)) low++;
        }

        private void remove(int op) {
            bits[op >>> 6] &= ~(1L << op);
            if (op < low) low = op;
            while (high >= 0 && !contains(high)) high--;
        }

        /**
         * Recomputes K and the counts from the linearized operations ({@code stack[0..depth)}
         * and {@code extra} unless -1) and fails if they differ from the incremental ones.
         */
        void verify(int[] stack, int depth, int extra) {
            int n = ops.size();
            boolean[] in = new boolean[n];
            for (int i = 0; i < depth; i++) in[stack[i]] = true;
            if (extra >= 0) in[extra] = true;
            int[] expected = new int[count.length];
            for (int op = 0; op < n; op++) {
                if (!in[op] && kind[op] != Fn.WRITE) expected[a[op]]++;
            }
            boolean[] dead = new boolean[n];
            for (boolean changed = true; changed; ) {
                changed = false;
                for (int op = 0; op < n; op++) {
                    if (required[op] || in[op] || dead[op] || expected[written(op)] > 0) continue;
                    dead[op] = true;
                    changed = true;
                    if (kind[op] == Fn.CAS) expected[a[op]]--;
                }
            }
            int expectedLow = 0;
            while (expectedLow < n && (in[expectedLow] || dead[expectedLow])) expectedLow++;
            for (int op = 0; op < n; op++) {
                if (contains(op) != (in[op] || dead[op])) {
                    throw new AssertionError("operation " + op + ": in K " + contains(op) + ", linearized " + in[op]
                            + ", dead " + dead[op]);
                }
            }
            if (!Arrays.equals(expected, count)) {
                throw new AssertionError("observer counts " + Arrays.toString(count) + ", expected " + Arrays.toString(expected));
            }
            if (low != expectedLow) throw new AssertionError("frontier " + low + ", expected " + expectedLow);
        }

        /** The memo key: state and frontier, then the words of K from the frontier's to the highest. */
        long[] key(int state) {
            int from = low >>> 6;
            int to = high >= low ? high >>> 6 : from - 1;
            int words = Math.max(0, to - from + 1);
            int length = 1 + words + optionalLinearized.length;
            if (key.length < length + 1) key = new long[Math.max(length + 1, key.length * 2)];
            key[0] = length;
            key[1] = ((long) state << 32) | (low & 0xFFFFFFFFL);
            for (int w = from; w <= to; w++) key[2 + w - from] = bits[w];
            System.arraycopy(optionalLinearized, 0, key, 2 + words, optionalLinearized.length);
            return key;
        }
    }

    private int[] writersOf(int value) {
        return value < pendingWriters.length && pendingWriters[value] != null ? pendingWriters[value] : NONE;
    }

    private static final int[] NONE = new int[0];

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
}
