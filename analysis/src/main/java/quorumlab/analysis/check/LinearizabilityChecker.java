package quorumlab.analysis.check;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import quorumlab.analysis.check.HistoryEvent.Fn;
import quorumlab.analysis.check.HistoryEvent.Type;

/**
 * Checks that a key-value history (write, read, cas; or with append) is linearizable (Herlihy and
 * Wing 1990).
 *
 * <p>A history with no {@code append} is checked against registers (a key never written holds
 * nil); one with an {@code append} against Porcupine's key-value model, where a value is a string
 * an append extends and a key never written holds the empty string ({@link Model}).
 *
 * <p>Linearizability is compositional: a history is linearizable exactly when the sub-history of
 * each key is (Herlihy and Wing's locality; Horn and Kroening call the split P-compositionality),
 * so each key is searched on its own, as the history streams by ({@link Stream}). Each window's
 * search is {@link RegisterSearch}, or {@link KvSearch} in the key-value model.
 *
 * <p>A search that reaches its {@link Bound} makes the result {@code unknown}, never {@code ok}.
 * When a key is not linearizable, the result carries a {@link Counterexample}.
 */
public final class LinearizabilityChecker {
    /**
     * How far a check may go: at most {@code maxStates} configurations explored per key, and
     * {@code maxTime} for the whole check (counterexamples included).
     */
    public record Bound(long maxStates, Duration maxTime) {
        public static final Bound DEFAULT = new Bound(5_000_000, Duration.ofSeconds(60));

        public Bound {
            if (maxStates < 1) throw new IllegalArgumentException("maxStates must be at least 1, got " + maxStates);
            if (maxTime.isNegative() || maxTime.isZero()) {
                throw new IllegalArgumentException("maxTime must be positive, got " + maxTime);
            }
        }
    }

    /**
     * What a check found.
     *
     * @param undecidedKeys keys whose search reached the bound
     * @param counterexamples one per key that is not linearizable
     */
    public record Result(
            CheckStatus status,
            int keys,
            int operations,
            long states,
            long elapsedNanos,
            List<Counterexample> counterexamples,
            List<Object> undecidedKeys,
            int keysNotSearched) {

        /** One line for people: what was checked, and what was found. */
        public String summary() {
            String size = keys + (keys == 1 ? " key, " : " keys, ") + operations + " operations, "
                    + states + " configurations in " + String.format(java.util.Locale.ROOT, "%.3f s",
                            elapsedNanos / 1e9);
            return switch (status) {
                case OK -> "linearizable (" + size + ")";
                case VIOLATION -> counterexamples.get(0).summary()
                        + (counterexamples.size() > 1 ? " (and " + (counterexamples.size() - 1) + " more keys)" : "")
                        + (keysNotSearched > 0 ? " (" + keysNotSearched + (keysNotSearched == 1 ? " key" : " keys")
                                + " not searched to the end after the first violation)" : "")
                        + " (" + size + ")";
                case UNKNOWN -> "undecided within the bound on " + undecidedKeys.size() + " of " + keys
                        + " keys, e.g. " + keyName(undecidedKeys.get(0)) + " (" + size + ")";
            };
        }
    }

    private LinearizabilityChecker() {}

    /** What a key is: the model its operations are checked against. */
    public enum Model {
        /** read, write and cas on a register that starts as nil: the replicated store's own commands */
        REGISTER,
        /**
         * Porcupine's key-value model: get (read), put (write), append (adds a string to the end)
         * and cas, on a string that starts empty; a read of nil reads the empty string
         */
        KEY_VALUE;

        /** KEY_VALUE when some operation appends, else REGISTER. */
        public static Model of(List<ClientOp> ops) {
            for (ClientOp op : ops) {
                if (op.f() == Fn.APPEND) return KEY_VALUE;
            }
            return REGISTER;
        }
    }

    public static Result check(History history) {
        return check(history.operations(), Bound.DEFAULT);
    }

    public static Result check(History history, Bound bound) {
        return check(history.operations(), bound);
    }

    /**
     * Checks {@code ops} (as {@link Histories#operations} makes them) within {@code bound}: their
     * invocations and completions are fed, in history order, to a {@link Stream}.
     */
    public static Result check(List<ClientOp> ops, Bound bound) {
        long[] order = new long[2 * ops.size()];
        int n = 0;
        for (ClientOp op : ops) {
            order[n++] = ((long) op.invokeEvent() << 32) | ((long) op.index() << 1);
            if (op.completed()) order[n++] = ((long) op.completeEvent() << 32) | ((long) op.index() << 1) | 1;
        }
        java.util.Arrays.sort(order, 0, n);
        Stream stream = new Stream(bound, Model.of(ops));
        for (int i = 0; i < n; i++) {
            ClientOp op = ops.get((int) ((order[i] & 0xFFFFFFFFL) >>> 1));
            if ((order[i] & 1) == 0) {
                stream.invoke(op.index(), op.process(), op.f(), op.key(), op.argument(), op.invokeEvent(), op.invokeTime());
            } else {
                stream.complete(op.index(), op.outcome(), op.result(), op.completeEvent(), op.completeTime());
            }
        }
        return stream.finish();
    }

    /**
     * Linearizability checked as the history streams by, in memory bounded by what is open.
     *
     * <p>Each key is checked on its own (P-compositionality). A key's operations are cut into
     * windows at quiescent points, where no operation on the key is open; a window is searched as
     * soon as it closes, from each configuration the earlier windows may have left, and only those
     * configurations are kept: the register's value, with the writes of unknown outcome already
     * used. The configurations after a window are every way it can end from one before it (see
     * {@code endings}); one that another dominates (same value, a subset used) is dropped.
     * {@link Result#states()} counts the configurations of each window's verdict search, not
     * those of the searches for its endings. Past
     * {@value #MAX_CONFIGURATIONS} configurations the key is undecided. A window whose endings
     * take too long to find is searched again with the windows after it (see {@code closeRegister}).
     *
     * <p>A write or cas that completed {@code info}, or never completed, may take effect at any
     * later instant, as in the whole-history search: it stays pending for every later window of
     * its key until some configuration has used it in all of them. Past {@value #MAX_PENDING}
     * pending writes on one key, the key is undecided. An operation open when the history ends is
     * {@code info}.
     *
     * <p>Memory: per key, the open window, the pending writes, the configurations, and the last
     * {@value #RETAINED} operations for counterexamples: while they hold the key's whole history, a
     * counterexample is narrowed down exactly as on the whole history; after that, from the
     * failing window and the values it may start in (the prefix is then the retained operations in
     * completion order, not a linearization found).
     */
    public static final class Stream implements TraceHistory.Sink {
        static final int MAX_CONFIGURATIONS = 1_000;
        static final int MAX_PENDING = 10_000;
        static final int RETAINED = 1_000;
        static final int MAX_ENDINGS = 64;
        static final int ENUMERATION_STATES = 5_000;
        static final int ENDING_STATES = 20_000;
        static final long NARROWING_NANOS = 2_000_000_000L;
        static final int MAX_DEFERRED = 100_000;

        private final Bound bound;
        private final Model model;
        private final long start = System.nanoTime();
        private final long deadline;
        private final Map<Object, KeyWindow> keys = new java.util.LinkedHashMap<>();
        private final Map<Long, KeyWindow> openOps = new java.util.HashMap<>();
        private int operations;
        private boolean finishing; // the last windows are being closed
        private boolean violated; // some key is not linearizable

        /** A stream of register operations (no append). */
        public Stream(Bound bound) {
            this(bound, Model.REGISTER);
        }

        public Stream(Bound bound, Model model) {
            this.bound = bound;
            this.model = model;
            this.deadline = start + bound.maxTime().toNanos();
        }

        /**
         * Operation {@code id} is invoked at {@code position} (positions grow along the history).
         *
         * @throws IllegalArgumentException when {@code id} is already open
         */
        @Override
        public void invoke(long id, long process, Fn f, Object key, Object argument, int position, long time) {
            if (f == Fn.APPEND && model != Model.KEY_VALUE) {
                throw new IllegalArgumentException("operation " + id + " appends, but the stream checks registers");
            }
            Object k = key == null ? Histories.NO_KEY : key;
            KeyWindow w = keys.computeIfAbsent(k, KeyWindow::new);
            if (openOps.putIfAbsent(id, w) != null) throw new IllegalArgumentException("operation " + id + " invoked twice");
            w.invoke(id, new ClientOp(operations++, process, f, key, argument, Type.INFO, null, position, -1, time,
                    HistoryEvent.NO_TIME));
        }

        /** Operation {@code id} completed; an {@code info} completion may name an earlier position. */
        @Override
        public void complete(long id, Type outcome, Object result, int position, long time) {
            KeyWindow w = openOps.remove(id);
            if (w == null) throw new IllegalArgumentException("operation " + id + " completes but is not open");
            if (w.complete(id, outcome, result, position, time)) close(w);
        }

        /** The operations still open become {@code info}; every key's last window is checked. */
        public Result finish() {
            finishing = true;
            for (KeyWindow w : keys.values()) {
                w.endOpen();
                close(w);
            }
            openOps.clear();
            CheckStatus status = CheckStatus.OK;
            long states = 0;
            List<Counterexample> counterexamples = new ArrayList<>();
            List<Object> undecided = new ArrayList<>();
            for (KeyWindow w : keys.values()) {
                states += w.states;
                status = status.worst(w.status);
                if (w.counterexample != null) counterexamples.add(w.counterexample);
                if (w.status == CheckStatus.UNKNOWN) undecided.add(w.key);
            }
            int notSearched = 0;
            for (KeyWindow w : keys.values()) {
                if (w.abandoned) notSearched++;
            }
            return new Result(status, keys.size(), operations, states, System.nanoTime() - start,
                    counterexamples, undecided, notSearched);
        }

        private void close(KeyWindow w) {
            List<ClientOp> window = w.takeWindow();
            if (model == Model.KEY_VALUE) {
                if (w.status == CheckStatus.OK && !w.abandoned && (!window.isEmpty() || !w.deferred.isEmpty())) {
                    closeKeyValue(w, window);
                }
                return;
            }
            if (w.status != CheckStatus.OK || (window.isEmpty() && w.deferred.isEmpty())) return;
            if (w.deferred.isEmpty() && alone(w, window)) return;
            closeRegister(w, window);
        }

        /**
         * {@link #close} in the register model. Each group of configurations that used the same
         * pending writes is searched once (the register holds one of the group's values, unknown
         * which), then every way the window can end from it is found ({@link #endings}). The last
         * window of a key needs no endings: one linearization decides it.
         *
         * <p>Finding the endings asks, for each value that could be last, whether it can be: a
         * value that cannot may take a search of every order of the window to rule out, when
         * nothing after the window is known yet (a pile-up of writes after a leader change: a
         * hundred operations on one key complete together). Those searches get
         * {@value #ENDING_STATES} configurations each; when one needs more, the window is not
         * settled but deferred, and searched again with the windows after it (once they have
         * doubled it), as in the key-value model: the operations invoked after the window put
         * its writes in order, and rule such values out at once.
         */
        private void closeRegister(KeyWindow w, List<ClientOp> window) {
            List<ClientOp> combined = new ArrayList<>(w.deferred);
            combined.addAll(window);
            boolean settle = !finishing && combined.size() >= w.retryAt;
            if (!finishing && !settle) {
                w.deferred = combined;
                return;
            }
            Set<RegisterSearch.Terminal> next = new java.util.LinkedHashSet<>();
            // Configurations that used the same pending writes differ only in the value: one search
            // starts from all their values at once (the register holds one of them, unknown which).
            Map<Set<Integer>, List<Object>> groups = new java.util.LinkedHashMap<>();
            for (RegisterSearch.Terminal config : w.configs) {
                groups.computeIfAbsent(config.used(), k -> new ArrayList<>()).add(config.value());
            }
            boolean linearizable = false;
            for (Map.Entry<Set<Integer>, List<Object>> group : groups.entrySet()) {
                List<ClientOp> ops = new ArrayList<>();
                for (ClientOp p : w.pending) {
                    if (!group.getKey().contains(p.index())) ops.add(p);
                }
                ops.addAll(combined);
                RegisterSearch verdict = new RegisterSearch(ops, group.getValue(), false);
                RegisterSearch.Outcome outcome = verdict.run(bound.maxStates(), deadline);
                w.states += verdict.states();
                if (outcome == RegisterSearch.Outcome.BOUND_REACHED) {
                    w.status = CheckStatus.UNKNOWN;
                    return;
                }
                if (outcome == RegisterSearch.Outcome.NOT_LINEARIZABLE) continue;
                linearizable = true;
                if (finishing) break;
                if (!endings(ops, group.getKey(), group.getValue(), next)) {
                    if (System.nanoTime() - deadline > 0 || combined.size() > MAX_DEFERRED) {
                        w.status = CheckStatus.UNKNOWN;
                    } else {
                        w.deferred = combined;
                        w.retryAt = 2 * combined.size();
                    }
                    return;
                }
            }
            w.deferred = List.of();
            w.retryAt = 0;
            if (!linearizable) {
                w.status = CheckStatus.VIOLATION;
                w.counterexample = explainWindow(w, combined);
                return;
            }
            if (finishing) return;
            for (ClientOp op : combined) {
                if (op.f() != Fn.READ && op.outcome() == Type.INFO) w.pending.add(op);
            }
            w.settle(next);
            w.retain(combined);
            if (w.configs.size() > MAX_CONFIGURATIONS || w.pending.size() > MAX_PENDING) w.status = CheckStatus.UNKNOWN;
        }

        /**
         * {@link #close} in the key-value model: every way the window can end, from each
         * configuration (with the pending operations it has not used), found by one enumerating
         * {@link KvSearch} per group of configurations that used the same pending operations.
         *
         * <p>Concurrent appends that nothing has read yet can end a window in many orders, and a
         * key that many clients share is seldom quiescent. When a window has more than
         * {@value #MAX_ENDINGS} endings, or finding them all takes more than
         * {@value #ENUMERATION_STATES} configurations, it is not settled but deferred: it is
         * searched again with the windows after it (once they have doubled it), whose reads tell
         * the orders apart. The last window of a key needs one linearization only, as a
         * whole-history search would. Memory is then the deferred operations (past
         * {@value #MAX_DEFERRED}, the key is undecided). Once a key is not linearizable the
         * history is not, and the other keys are searched no further (as Porcupine does): the
         * verdict cannot change.
         */
        private void closeKeyValue(KeyWindow w, List<ClientOp> window) {
            if (violated) {
                w.abandoned = true;
                return;
            }
            List<ClientOp> combined = new ArrayList<>(w.deferred);
            combined.addAll(window);
            Set<RegisterSearch.Terminal> next = new java.util.LinkedHashSet<>();
            Map<Set<Integer>, List<Object>> groups = new java.util.LinkedHashMap<>();
            for (RegisterSearch.Terminal config : w.configs) {
                groups.computeIfAbsent(config.used(), k -> new ArrayList<>()).add(config.value());
            }
            boolean undecided = false;
            for (Map.Entry<Set<Integer>, List<Object>> group : groups.entrySet()) {
                List<ClientOp> ops = new ArrayList<>();
                for (ClientOp p : w.pending) {
                    if (!group.getKey().contains(p.index())) ops.add(p);
                }
                ops.addAll(combined);
                if (finishing) {
                    // the last window: one linearization is enough
                    KvSearch search = new KvSearch(ops, group.getValue(), Integer.MAX_VALUE, false);
                    RegisterSearch.Outcome outcome = search.run(bound.maxStates(), deadline);
                    w.states += search.states();
                    if (outcome == RegisterSearch.Outcome.LINEARIZABLE) return;
                    undecided |= outcome == RegisterSearch.Outcome.BOUND_REACHED;
                    continue;
                }
                if (combined.size() < w.retryAt) {
                    w.deferred = combined;
                    return;
                }
                KvSearch search = new KvSearch(ops, group.getValue(), Integer.MAX_VALUE, true).maxEndings(MAX_ENDINGS);
                RegisterSearch.Outcome outcome = search.run(Math.min(ENUMERATION_STATES, bound.maxStates()), deadline);
                w.states += search.states();
                if (outcome == RegisterSearch.Outcome.BOUND_REACHED && System.nanoTime() - deadline > 0) {
                    w.status = CheckStatus.UNKNOWN;
                    return;
                }
                if (outcome == RegisterSearch.Outcome.BOUND_REACHED || next.size() + search.terminals().size() > MAX_ENDINGS) {
                    if (combined.size() > MAX_DEFERRED) {
                        w.status = CheckStatus.UNKNOWN;
                        return;
                    }
                    w.deferred = combined;
                    w.retryAt = 2 * combined.size();
                    return;
                }
                for (RegisterSearch.Terminal t : search.terminals()) next.add(withUsed(group.getKey(), t.value(), t.used()));
            }
            w.deferred = List.of();
            w.retryAt = 0;
            if (undecided) {
                w.status = CheckStatus.UNKNOWN;
                return;
            }
            if (next.isEmpty()) {
                w.status = CheckStatus.VIOLATION;
                violated = true;
                w.counterexample = explainKeyValue(w, combined);
                return;
            }
            for (ClientOp op : combined) {
                if (op.f() != Fn.READ && op.outcome() == Type.INFO) w.pending.add(op);
            }
            w.settle(next);
            w.retain(combined);
            if (w.configs.size() > MAX_CONFIGURATIONS || w.pending.size() > MAX_PENDING) w.status = CheckStatus.UNKNOWN;
        }

        /**
         * A key-value window no configuration can explain, narrowed down within
         * {@value #NARROWING_NANOS} ns. While the key's whole history is
         * retained it is narrowed down on that history from the empty string; else on the failing
         * window, with the pending operations, from the values the earlier windows may have left.
         */
        private Counterexample explainKeyValue(KeyWindow w, List<ClientOp> window) {
            // Narrowing down only makes the counterexample smaller; it gets a short time of its own.
            long deadline = Math.min(this.deadline, System.nanoTime() + NARROWING_NANOS);
            List<ClientOp> whole = new ArrayList<>(w.retained);
            whole.addAll(window);
            if (!w.forgotAny) {
                Counterexample c = narrowKeyValue(w.key, whole, java.util.Collections.singletonList(""), whole,
                        List.of(), bound.maxStates(), deadline);
                if (c != null) return c;
            }
            Set<Integer> usedByAll = null;
            Set<Object> starts = new java.util.LinkedHashSet<>();
            for (RegisterSearch.Terminal c : w.configs) {
                starts.add(c.value());
                if (usedByAll == null) usedByAll = new HashSet<>(c.used());
                else usedByAll.retainAll(c.used());
            }
            List<ClientOp> ops = new ArrayList<>();
            for (ClientOp p : w.pending) {
                if (usedByAll == null || !usedByAll.contains(p.index())) ops.add(p);
            }
            ops.addAll(window);
            Counterexample c = narrowKeyValue(w.key, ops, new ArrayList<>(starts), whole, new ArrayList<>(w.retained),
                    bound.maxStates(), deadline);
            if (c != null) return c;
            // No prefix of the window was found failing on its own (a search reached the bound, or
            // the pending operations of different configurations mixed): the window as it is.
            ClientOp last = null;
            for (ClientOp op : window) {
                if (op.outcome() == Type.OK && (last == null || op.completeEvent() > last.completeEvent())) last = op;
            }
            return new Counterexample(w.key, last != null ? last : window.get(window.size() - 1), ops, true,
                    new ArrayList<>(w.retained), whole);
        }

        /**
         * The common window: one operation with a known outcome, from one configuration, that
         * observes no value a pending write of unknown outcome writes (so whether those took effect
         * before it changes nothing). It is stepped directly, without a search; false when it is
         * not that window or the step fails (the search then explains the failure).
         */
        private boolean alone(KeyWindow w, List<ClientOp> window) {
            if (window.size() != 1 || w.configs.size() != 1) return false;
            ClientOp op = window.get(0);
            if (op.outcome() == Type.OK && op.f() != Fn.WRITE) {
                Object observed = op.f() == Fn.READ ? op.result() : op.expected();
                for (ClientOp p : w.pending) {
                    if (java.util.Objects.equals(p.written(), observed)) return false;
                }
            }
            RegisterSearch.Terminal config = w.configs.iterator().next();
            Object value = config.value();
            Object after;
            if (op.outcome() == Type.FAIL || (op.f() == Fn.READ && op.outcome() != Type.OK)) {
                after = value;
            } else if (op.outcome() != Type.OK) {
                return false;
            } else if (op.f() == Fn.READ) {
                if (!java.util.Objects.equals(op.result(), value)) return false;
                after = value;
            } else if (op.f() == Fn.WRITE) {
                after = op.written();
            } else {
                if (!java.util.Objects.equals(op.expected(), value)) return false;
                after = op.written();
            }
            w.states++;
            w.configs = Set.of(new RegisterSearch.Terminal(after, config.used()));
            w.retain(window);
            return true;
        }

        /**
         * Adds to {@code next} every way {@code ops}, started from {@code config}, can end (the
         * window is known to be linearizable from it). A value can end the window when the window
         * followed by a read of that value is linearizable: one quick search per value that could
         * be last. The writes of unknown outcome it used are those in the linearization found;
         * when such a write's value is also written by another operation (or held at the start),
         * which of them was used is ambiguous, and every ending is enumerated instead.
         *
         * @return false when a search needed more than {@value #ENDING_STATES} configurations
         */
        private boolean endings(List<ClientOp> ops, Set<Integer> usedBefore, List<Object> starts,
                Set<RegisterSearch.Terminal> next) {
            Map<Object, Integer> writers = new java.util.HashMap<>();
            int last = 0;
            for (ClientOp op : ops) {
                last = Math.max(last, Math.max(op.invokeEvent(), op.completeEvent()));
                if (op.f() != Fn.READ && op.outcome() != Type.FAIL) writers.merge(op.written(), 1, Integer::sum);
            }
            boolean ambiguous = false;
            for (ClientOp op : ops) {
                if (op.f() != Fn.READ && op.outcome() != Type.OK && op.outcome() != Type.FAIL
                        && (writers.get(op.written()) > 1 || starts.contains(op.written()))) {
                    ambiguous = true;
                }
            }
            if (ambiguous) {
                for (Object start : starts) {
                    RegisterSearch all = new RegisterSearch(ops, java.util.Collections.singletonList(start), true);
                    if (all.run(Math.min(ENDING_STATES, bound.maxStates()), deadline) == RegisterSearch.Outcome.BOUND_REACHED) {
                        return false;
                    }
                    for (RegisterSearch.Terminal t : all.terminals()) next.add(withUsed(usedBefore, t.value(), t.used()));
                }
                return true;
            }
            for (Object value : lastValues(ops, starts, writers)) {
                List<ClientOp> probe = new ArrayList<>(ops);
                probe.add(new ClientOp(-1, -1, Fn.READ, null, null, Type.OK, value, last + 1, last + 2,
                        HistoryEvent.NO_TIME, HistoryEvent.NO_TIME));
                RegisterSearch search = new RegisterSearch(probe, starts, false);
                RegisterSearch.Outcome outcome = search.run(Math.min(ENDING_STATES, bound.maxStates()), deadline);
                if (outcome == RegisterSearch.Outcome.BOUND_REACHED) return false;
                if (outcome != RegisterSearch.Outcome.LINEARIZABLE) continue;
                Set<Integer> used = new HashSet<>();
                for (ClientOp op : search.linearization()) {
                    if (op.outcome() != Type.OK) used.add(op.index());
                }
                next.add(withUsed(usedBefore, value, used));
            }
            return true;
        }

        /**
         * The values that may be in the register when the window ends. A start value that no
         * operation writes cannot be last when some operation that must happen leaves the register
         * holding something else: a read of another value, a write or a cas of another. A value
         * that one operation alone writes, and that took effect (it completed ok, or no start holds
         * the value), is last only if that write is the last to change the register, and then
         * every operation after it leaves the value where it is: it cannot be last when some
         * operation that must happen comes after the write and leaves something else
         * ({@link #leftElsewhereAfter(List, ClientOp, List)}).
         *
         * <p>Each value kept here costs a search, and a search for a value that cannot be last
         * must try every order of the window before it gives up: in a pile-up of writes after a
         * leader change (sixty or more operations on one key), that is millions of configurations.
         */
        private static Set<Object> lastValues(List<ClientOp> ops, List<Object> starts, Map<Object, Integer> writers) {
            List<ClientOp> latestFirst = new ArrayList<>();
            for (ClientOp op : ops) {
                if (op.outcome() == Type.OK) latestFirst.add(op);
            }
            latestFirst.sort((x, y) -> Integer.compare(y.invokeEvent(), x.invokeEvent()));
            Set<Object> values = new java.util.LinkedHashSet<>();
            for (Object start : starts) {
                if (writers.getOrDefault(start, 0) > 0 || !leftElsewhereAfter(latestFirst, start, Integer.MIN_VALUE)) {
                    values.add(start);
                }
            }
            for (ClientOp op : ops) {
                if (op.f() == Fn.READ || op.outcome() == Type.FAIL) continue;
                boolean happened = op.outcome() == Type.OK || !starts.contains(op.written());
                boolean overwritten = happened && writers.get(op.written()) == 1 && leftElsewhereAfter(ops, op, starts);
                if (!overwritten) values.add(op.written());
            }
            return values;
        }

        /**
         * True when an operation that must happen comes after {@code w} and leaves the register
         * holding a value other than the one {@code w} writes. An operation comes after {@code w}
         * when it was invoked after {@code w}, or another that comes after it, completed ok (real
         * time), or when it observes a value (a read returns it, a cas expects it) that every
         * source of comes after {@code w}: no start holds it and every operation writing it comes
         * after {@code w}, or is {@code w} itself (a cas that expects {@code w}'s value).
         */
        private static boolean leftElsewhereAfter(List<ClientOp> ops, ClientOp w, List<Object> starts) {
            Map<Object, Integer> sourcesLeft = new java.util.HashMap<>(); // per value: its sources not known to come after w
            for (Object start : starts) sourcesLeft.merge(start, 1, Integer::sum);
            for (ClientOp op : ops) {
                if (op.f() != Fn.READ && op.outcome() != Type.FAIL) sourcesLeft.merge(op.written(), 1, Integer::sum);
            }
            boolean[] after = new boolean[ops.size()];
            after[ops.indexOf(w)] = true;
            sourcesLeft.merge(w.written(), -1, Integer::sum);
            int earliestCompletion = w.outcome() == Type.OK ? w.completeEvent() : Integer.MAX_VALUE;
            for (boolean grew = true; grew; ) {
                grew = false;
                for (int i = 0; i < ops.size(); i++) {
                    ClientOp op = ops.get(i);
                    if (after[i] || op.outcome() == Type.FAIL || (op.f() == Fn.READ && op.outcome() != Type.OK)) continue;
                    boolean follows = op.invokeEvent() > earliestCompletion;
                    if (!follows && op.outcome() == Type.OK && op.f() != Fn.WRITE) {
                        Object seen = op.f() == Fn.READ ? op.result() : op.expected();
                        follows = sourcesLeft.getOrDefault(seen, 0) == 0 && sourcesLeft.containsKey(seen);
                    }
                    if (!follows) continue;
                    after[i] = true;
                    grew = true;
                    if (op.f() != Fn.READ) sourcesLeft.merge(op.written(), -1, Integer::sum);
                    if (op.outcome() != Type.OK) continue;
                    earliestCompletion = Math.min(earliestCompletion, op.completeEvent());
                    Object leaves = op.f() == Fn.READ ? op.result() : op.written();
                    if (!java.util.Objects.equals(leaves, w.written())) return true;
                }
            }
            return false;
        }

        /** True when an operation in {@code latestFirst} invoked after {@code position} leaves a value other than {@code value}. */
        private static boolean leftElsewhereAfter(List<ClientOp> latestFirst, Object value, int position) {
            for (ClientOp op : latestFirst) {
                if (op.invokeEvent() <= position) return false;
                Object after = op.f() == Fn.READ ? op.result() : op.written();
                if (!java.util.Objects.equals(after, value)) return true;
            }
            return false;
        }

        private static RegisterSearch.Terminal withUsed(Set<Integer> before, Object value, Set<Integer> used) {
            Set<Integer> all = new HashSet<>(before);
            all.addAll(used);
            return new RegisterSearch.Terminal(value, all);
        }

        /** A window no configuration can explain, narrowed down as a whole history would be, from the values it may start in. */
        private Counterexample explainWindow(KeyWindow w, List<ClientOp> window) {
            if (!w.forgotAny) {
                // The whole key is still at hand: narrow it down exactly as a whole-history check would.
                List<ClientOp> all = new ArrayList<>(w.retained);
                all.addAll(window);
                return explain(w.key, all, java.util.Collections.singletonList(null), bound.maxStates(), deadline);
            }
            Set<Integer> usedByAll = null;
            Set<Object> starts = new java.util.LinkedHashSet<>();
            for (RegisterSearch.Terminal c : w.configs) {
                starts.add(c.value());
                if (usedByAll == null) usedByAll = new HashSet<>(c.used());
                else usedByAll.retainAll(c.used());
            }
            List<ClientOp> ops = new ArrayList<>();
            for (ClientOp p : w.pending) {
                if (usedByAll == null || !usedByAll.contains(p.index())) ops.add(p);
            }
            ops.addAll(window);
            Counterexample c = explain(w.key, ops, new ArrayList<>(starts), bound.maxStates(), deadline);
            List<ClientOp> prefix = new ArrayList<>(w.retained);
            prefix.addAll(c.linearizablePrefix());
            List<ClientOp> all = new ArrayList<>(w.retained);
            all.addAll(ops);
            boolean fromState = c.windowFromState() || !w.retained.isEmpty() || !w.pending.isEmpty();
            return new Counterexample(w.key, c.failing(), c.window(), fromState, prefix, all);
        }
    }

    /** One key's part of a {@link Stream}. */
    private static final class KeyWindow {
        final Object key;
        final List<ClientOp> window = new ArrayList<>(); // invocation order; open operations as invoked
        final Map<Long, Integer> slotOf = new java.util.HashMap<>();
        int open;
        List<ClientOp> pending = new ArrayList<>();
        Set<RegisterSearch.Terminal> configs = Set.of(new RegisterSearch.Terminal(null, Set.of()));
        final java.util.ArrayDeque<ClientOp> retained = new java.util.ArrayDeque<>();
        boolean forgotAny;
        List<ClientOp> deferred = List.of(); // windows searched again with the next
        boolean abandoned; // key-value model: not searched after another key's violation
        int retryAt; // the deferred size at which to search for endings again
        CheckStatus status = CheckStatus.OK;
        long states;
        Counterexample counterexample;

        KeyWindow(Object key) {
            this.key = key;
        }

        void invoke(long id, ClientOp op) {
            slotOf.put(id, window.size());
            window.add(op);
            open++;
        }

        /** @return true when the key has become quiescent */
        boolean complete(long id, Type outcome, Object result, int position, long time) {
            int slot = slotOf.remove(id);
            ClientOp inv = window.get(slot);
            window.set(slot, new ClientOp(inv.index(), inv.process(), inv.f(), inv.key(), inv.argument(), outcome,
                    outcome == Type.OK && inv.f() == Fn.READ ? result : null, inv.invokeEvent(), position,
                    inv.invokeTime(), time));
            return --open == 0;
        }

        void endOpen() {
            slotOf.clear();
            open = 0;
        }

        List<ClientOp> takeWindow() {
            List<ClientOp> taken = new ArrayList<>(window);
            window.clear();
            slotOf.clear();
            return taken;
        }

        /** Keeps the new configurations, without those another dominates, and forgets pending writes every one used. */
        void settle(Set<RegisterSearch.Terminal> next) {
            Set<Integer> usedByAll = null;
            for (RegisterSearch.Terminal c : next) {
                if (usedByAll == null) usedByAll = new HashSet<>(c.used());
                else usedByAll.retainAll(c.used());
            }
            Set<Integer> gone = usedByAll;
            pending.removeIf(p -> gone.contains(p.index()));
            Set<Integer> live = new HashSet<>();
            for (ClientOp p : pending) live.add(p.index());
            List<RegisterSearch.Terminal> kept = new ArrayList<>();
            for (RegisterSearch.Terminal c : next) {
                Set<Integer> used = new HashSet<>(c.used());
                used.retainAll(live);
                kept.add(new RegisterSearch.Terminal(c.value(), used));
            }
            Set<RegisterSearch.Terminal> result = new java.util.LinkedHashSet<>();
            for (RegisterSearch.Terminal c : kept) {
                boolean dominated = false;
                for (RegisterSearch.Terminal d : kept) {
                    if (java.util.Objects.equals(d.value(), c.value()) && d.used().size() < c.used().size()
                            && c.used().containsAll(d.used())) {
                        dominated = true;
                        break;
                    }
                }
                if (!dominated) result.add(c);
            }
            configs = result;
        }

        void retain(List<ClientOp> done) {
            for (ClientOp op : done) {
                retained.addLast(op);
                if (retained.size() > Stream.RETAINED) {
                    retained.removeFirst();
                    forgotAny = true;
                }
            }
        }
    }

    /**
     * Narrows a violation down. First the shortest prefix that cannot be linearized (it ends at
     * the completion of {@code failing}); then the latest quiescent cut (an instant when no
     * completed operation is in flight) from which the rest of that prefix still cannot be
     * linearized, whatever state the operations before the cut left; then the reads in that
     * window that are not needed to show it. Each step only keeps what a search proved, so a step
     * that reaches the bound leaves the counterexample larger, never wrong.
     */
    static Counterexample explain(Object key, List<ClientOp> keyOps, List<Object> starts, long maxStates,
            long deadline) {
        List<ClientOp> required = new ArrayList<>();
        for (ClientOp op : keyOps) {
            if (op.outcome() == Type.OK) required.add(op);
        }
        required.sort((x, y) -> Integer.compare(x.completeEvent(), y.completeEvent()));

        // 1. The shortest failing prefix. The whole history fails, so the last prefix does.
        int lo = 0;
        int hi = required.size() - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            RegisterSearch s = new RegisterSearch(keyOps, starts, 0, required.get(mid).completeEvent() + 1, Set.of(), false);
            if (s.run(maxStates, deadline) == RegisterSearch.Outcome.NOT_LINEARIZABLE) hi = mid;
            else lo = mid + 1;
        }
        ClientOp failing = required.get(hi);
        int limit = failing.completeEvent() + 1;

        List<ClientOp> prefix = List.of();
        if (hi > 0) {
            RegisterSearch s = new RegisterSearch(keyOps, starts, 0, required.get(hi - 1).completeEvent() + 1, Set.of(), false);
            if (s.run(maxStates, deadline) == RegisterSearch.Outcome.LINEARIZABLE) prefix = s.linearization();
        }

        // 2. The latest quiescent cut before the failing operation that still fails.
        List<Integer> cuts = new ArrayList<>();
        cuts.add(0);
        int maxComplete = -1;
        for (ClientOp op : keyOps) {
            if (op.invokeEvent() > failing.invokeEvent()) break;
            if (op.invokeEvent() > maxComplete && op.invokeEvent() > 0) cuts.add(op.invokeEvent());
            if (op.outcome() == Type.OK && op.completeEvent() < limit) {
                maxComplete = Math.max(maxComplete, op.completeEvent());
            }
        }
        int good = 0; // cuts.get(0) is the whole prefix, which fails
        int bad = cuts.size();
        while (bad - good > 1) {
            int mid = (good + bad) >>> 1;
            RegisterSearch s = new RegisterSearch(keyOps, starts, cuts.get(mid), limit, Set.of(), false);
            if (s.run(maxStates, deadline) == RegisterSearch.Outcome.NOT_LINEARIZABLE) good = mid;
            else bad = mid;
        }
        int cut = cuts.get(good);

        // 3. Leave out the reads that are not needed: fewer reads constrain less, so what still
        // fails without them failed with them too.
        Set<Integer> without = new HashSet<>();
        List<ClientOp> window = new RegisterSearch(keyOps, starts, cut, limit, Set.of(), false).operations();
        if (window.size() <= 200) {
            for (ClientOp op : window) {
                if (op.f() != Fn.READ || op == failing) continue;
                without.add(op.index());
                RegisterSearch s = new RegisterSearch(keyOps, starts, cut, limit, without, false);
                if (s.run(maxStates, deadline) != RegisterSearch.Outcome.NOT_LINEARIZABLE) without.remove(op.index());
            }
            window = new RegisterSearch(keyOps, starts, cut, limit, without, false).operations();
        }
        boolean fromState = keyOps.stream().anyMatch(
                op -> op.invokeEvent() < cut && op.f() != Fn.READ && op.outcome() != Type.FAIL);
        fromState |= !(starts.size() == 1 && starts.get(0) == null);
        return new Counterexample(key, failing, window, fromState, prefix, keyOps);
    }

    /**
     * Narrows a key-value violation down: the shortest prefix of {@code ops} (from {@code starts})
     * that cannot be linearized ends at the completion of the failing operation; the window is
     * that prefix without the reads it does not need. Null when no prefix was shown to fail.
     *
     * @param before operations of the key before {@code ops}, for the linearizable prefix
     */
    static Counterexample narrowKeyValue(Object key, List<ClientOp> ops, List<Object> starts, List<ClientOp> all,
            List<ClientOp> before, long maxStates, long deadline) {
        List<ClientOp> required = new ArrayList<>();
        for (ClientOp op : ops) {
            if (op.outcome() == Type.OK) required.add(op);
        }
        required.sort((x, y) -> Integer.compare(x.completeEvent(), y.completeEvent()));
        if (required.isEmpty() || new KvSearch(ops, starts, Integer.MAX_VALUE, false).run(maxStates, deadline)
                != RegisterSearch.Outcome.NOT_LINEARIZABLE) {
            return null;
        }
        int lo = 0;
        int hi = required.size() - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            KvSearch s = new KvSearch(ops, starts, required.get(mid).completeEvent() + 1, false);
            if (s.run(maxStates, deadline) == RegisterSearch.Outcome.NOT_LINEARIZABLE) hi = mid;
            else lo = mid + 1;
        }
        ClientOp failing = required.get(hi);
        int limit = failing.completeEvent() + 1;
        List<ClientOp> prefix = new ArrayList<>(before);
        if (hi > 0) {
            KvSearch s = new KvSearch(ops, starts, required.get(hi - 1).completeEvent() + 1, false);
            if (s.run(maxStates, deadline) == RegisterSearch.Outcome.LINEARIZABLE) prefix.addAll(s.linearization());
        }
        // Leave out the reads that are not needed: fewer reads constrain less, so what still fails
        // without them failed with them too.
        List<ClientOp> window = new ArrayList<>(new KvSearch(ops, starts, limit, false).operations());
        if (window.size() <= 200) {
            for (ClientOp op : new ArrayList<>(window)) {
                if (op.f() != Fn.READ || op == failing) continue;
                List<ClientOp> without = new ArrayList<>(window);
                without.remove(op);
                if (new KvSearch(without, starts, limit, false).run(maxStates, deadline)
                        == RegisterSearch.Outcome.NOT_LINEARIZABLE) {
                    window = without;
                }
            }
        }
        boolean fromState = !before.isEmpty() || !(starts.size() == 1 && "".equals(KvSearch.canonical(starts.get(0))));
        return new Counterexample(key, failing, window, fromState, prefix, all);
    }

    static String keyName(Object key) {
        return key == Histories.NO_KEY ? "the register" : "key " + Values.show(key);
    }
}
