package quorumlab.analysis.check;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import quorumlab.analysis.check.HistoryEvent.Fn;
import quorumlab.analysis.check.HistoryEvent.Type;

/**
 * The whole-history checker as it was before streaming (issue 16), kept only to show the streaming one agrees.
 * Checks that a key-value history (write, read, cas) is linearizable (Herlihy and Wing 1990).
 *
 * <p>Linearizability is compositional: a history is linearizable exactly when the sub-history of
 * each key is (Herlihy and Wing's locality; Horn and Kroening call the split P-compositionality),
 * so each key is searched on its own, in parallel. Each key's search is {@link LegacyRegisterSearch}.
 *
 * <p>A search that reaches its bound makes the result {@code unknown}, never {@code ok}.
 * When a key is not linearizable, the result carries a {@link Counterexample}.
 */
final class LegacyLinearizabilityChecker {
    /**
     * What a check found.
     *
     * @param undecidedKeys keys whose search reached the bound
     * @param counterexamples one per key that is not linearizable
     */
    record Result(
            CheckStatus status,
            int keys,
            int operations,
            long states,
            long elapsedNanos,
            List<Counterexample> counterexamples,
            List<Object> undecidedKeys) {

        /** One line for people: what was checked, and what was found. */
        public String summary() {
            String size = keys + (keys == 1 ? " key, " : " keys, ") + operations + " operations, "
                    + states + " configurations in " + String.format(java.util.Locale.ROOT, "%.3f s",
                            elapsedNanos / 1e9);
            return switch (status) {
                case OK -> "linearizable (" + size + ")";
                case VIOLATION -> counterexamples.get(0).summary()
                        + (counterexamples.size() > 1 ? " (and " + (counterexamples.size() - 1) + " more keys)" : "")
                        + " (" + size + ")";
                case UNKNOWN -> "undecided within the bound on " + undecidedKeys.size() + " of " + keys
                        + " keys, e.g. " + keyNameOld(undecidedKeys.get(0)) + " (" + size + ")";
            };
        }
    }

    private LegacyLinearizabilityChecker() {}

    public static Result check(History history) {
        return check(history.operations(), LinearizabilityChecker.Bound.DEFAULT);
    }

    public static Result check(History history, LinearizabilityChecker.Bound bound) {
        return check(history.operations(), bound);
    }

    /** Checks {@code ops} (as {@link Histories#operations} makes them) within {@code bound}. */
    public static Result check(List<ClientOp> ops, LinearizabilityChecker.Bound bound) {
        long start = System.nanoTime();
        long deadline = start + bound.maxTime().toNanos();
        List<Map.Entry<Object, List<ClientOp>>> keys = new ArrayList<>(Histories.byKey(ops).entrySet());
        KeyResult[] results = new KeyResult[keys.size()];
        IntStream.range(0, keys.size()).parallel().forEach(i -> {
            Map.Entry<Object, List<ClientOp>> key = keys.get(i);
            results[i] = checkKey(key.getKey(), key.getValue(), bound.maxStates(), deadline);
        });
        CheckStatus status = CheckStatus.OK;
        long states = 0;
        List<Counterexample> counterexamples = new ArrayList<>();
        List<Object> undecided = new ArrayList<>();
        for (int i = 0; i < results.length; i++) {
            KeyResult r = results[i];
            states += r.states();
            status = status.worst(r.status());
            if (r.counterexample() != null) counterexamples.add(r.counterexample());
            if (r.status() == CheckStatus.UNKNOWN) undecided.add(keys.get(i).getKey());
        }
        return new Result(status, keys.size(), ops.size(), states, System.nanoTime() - start,
                counterexamples, undecided);
    }

    private record KeyResult(CheckStatus status, long states, Counterexample counterexample) {}

    private static KeyResult checkKey(Object key, List<ClientOp> keyOps, long maxStates, long deadline) {
        LegacyRegisterSearch search = new LegacyRegisterSearch(keyOps, 0, Integer.MAX_VALUE);
        LegacyRegisterSearch.Outcome outcome = search.run(maxStates, deadline);
        return switch (outcome) {
            case LINEARIZABLE -> new KeyResult(CheckStatus.OK, search.states(), null);
            case BOUND_REACHED -> new KeyResult(CheckStatus.UNKNOWN, search.states(), null);
            case NOT_LINEARIZABLE -> new KeyResult(CheckStatus.VIOLATION, search.states(),
                    explainOld(key, keyOps, maxStates, deadline));
        };
    }

    /**
     * Narrows a violation down. First the shortest prefix that cannot be linearized (it ends at
     * the completion of {@code failing}); then the latest quiescent cut (an instant when no
     * completed operation is in flight) from which the rest of that prefix still cannot be
     * linearized, whatever state the operations before the cut left; then the reads in that
     * window that are not needed to show it. Each step only keeps what a search proved, so a step
     * that reaches the bound leaves the counterexample larger, never wrong.
     */
    static Counterexample explainOld(Object key, List<ClientOp> keyOps, long maxStates, long deadline) {
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
            LegacyRegisterSearch s = new LegacyRegisterSearch(keyOps, 0, required.get(mid).completeEvent() + 1);
            if (s.run(maxStates, deadline) == LegacyRegisterSearch.Outcome.NOT_LINEARIZABLE) hi = mid;
            else lo = mid + 1;
        }
        ClientOp failing = required.get(hi);
        int limit = failing.completeEvent() + 1;

        List<ClientOp> prefix = List.of();
        if (hi > 0) {
            LegacyRegisterSearch s = new LegacyRegisterSearch(keyOps, 0, required.get(hi - 1).completeEvent() + 1);
            if (s.run(maxStates, deadline) == LegacyRegisterSearch.Outcome.LINEARIZABLE) prefix = s.linearization();
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
            LegacyRegisterSearch s = new LegacyRegisterSearch(keyOps, cuts.get(mid), limit);
            if (s.run(maxStates, deadline) == LegacyRegisterSearch.Outcome.NOT_LINEARIZABLE) good = mid;
            else bad = mid;
        }
        int cut = cuts.get(good);

        // 3. Leave out the reads that are not needed: fewer reads constrain less, so what still
        // fails without them failed with them too.
        Set<Integer> without = new HashSet<>();
        List<ClientOp> window = new LegacyRegisterSearch(keyOps, cut, limit).operations();
        if (window.size() <= 200) {
            for (ClientOp op : window) {
                if (op.f() != Fn.READ || op == failing) continue;
                without.add(op.index());
                LegacyRegisterSearch s = new LegacyRegisterSearch(keyOps, cut, limit, without);
                if (s.run(maxStates, deadline) != LegacyRegisterSearch.Outcome.NOT_LINEARIZABLE) without.remove(op.index());
            }
            window = new LegacyRegisterSearch(keyOps, cut, limit, without).operations();
        }
        boolean fromState = keyOps.stream().anyMatch(
                op -> op.invokeEvent() < cut && op.f() != Fn.READ && op.outcome() != Type.FAIL);
        return new Counterexample(key, failing, window, fromState, prefix, keyOps);
    }

    static String keyNameOld(Object key) {
        return key == Histories.NO_KEY ? "the register" : "key " + Values.show(key);
    }
}
