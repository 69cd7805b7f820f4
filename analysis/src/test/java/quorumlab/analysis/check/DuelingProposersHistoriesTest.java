package quorumlab.analysis.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import quorumlab.analysis.check.HistoryEvent.Fn;
import quorumlab.analysis.check.HistoryEvent.Type;

/**
 * Histories of Multi-Paxos runs with dueling proposers (issue 14) that the search used to leave
 * undecided: 60 s and 2 to 4.4 million configurations each, and still {@code unknown}. They come
 * from {@code dueling-proposers/scenario.yaml}, seeds 23, 28, 38 and 47 of
 * {@code quorumlab run --scenario .../scenario.yaml --protocol multi-paxos --seeds 100}. During the
 * duels the open-loop clients pile up 20 to 37 operations in flight on one key, all of which then
 * complete together.
 */
class DuelingProposersHistoriesTest {
    /**
     * Bounded by its states, far more than the search needs now (it takes about one per operation).
     * The time allowed is no bound: the search takes under half a second each, but on a machine
     * loaded twenty-fold a 20 s limit left it undecided after 653 configurations.
     */
    private static final LinearizabilityChecker.Bound BOUND =
            new LinearizabilityChecker.Bound(5_000_000, Duration.ofMinutes(10));

    @ParameterizedTest
    @ValueSource(ints = {23, 28, 38, 47})
    void theSearchReachesAVerdictAndItsLinearizationHolds(int seed) throws IOException, URISyntaxException {
        History history = HistoryReader.read(resource(seed));
        LinearizabilityChecker.Result result = LinearizabilityChecker.check(history, BOUND);

        assertEquals(CheckStatus.OK, result.status(), result.summary());
        // about one configuration per operation: the search walks the history nearly straight
        assertTrue(result.states() < 2L * result.operations(), result.summary());
        assertEveryKeysLinearizationHolds(history, BOUND);
    }

    /** The order the search finds for each key is a real linearization, checked apart from the search. */
    static void assertEveryKeysLinearizationHolds(History history, LinearizabilityChecker.Bound bound) {
        for (Map.Entry<Object, List<ClientOp>> key : Histories.byKey(history.operations()).entrySet()) {
            RegisterSearch search = new RegisterSearch(key.getValue(), 0, Integer.MAX_VALUE);
            assertEquals(RegisterSearch.Outcome.LINEARIZABLE, search.run(bound.maxStates(), System.nanoTime()
                    + bound.maxTime().toNanos()));
            assertNull(witnessError(key.getValue(), search.linearization()), "key " + key.getKey());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {23, 38})
    void aStaleReadPlantedInThemIsFound(int seed) throws IOException, URISyntaxException {
        assertAPlantedStaleReadIsFound(HistoryReader.read(resource(seed)), BOUND);
    }

    /** A read made stale in {@code original} is a violation, and the read reported is the one made stale. */
    static void assertAPlantedStaleReadIsFound(History original, LinearizabilityChecker.Bound bound) {
        History stale = HistoryGenerator.withStaleRead(original);
        LinearizabilityChecker.Result result = LinearizabilityChecker.check(stale, bound);
        assertEquals(CheckStatus.VIOLATION, result.status(), result.summary());
        ClientOp failing = result.counterexamples().get(0).failing();
        assertEquals(Fn.READ, failing.f());
        assertNotEquals(original.operations().get(failing.index()).result(), failing.result(), failing.describe());
    }

    @org.junit.jupiter.api.Test
    void theWitnessCheckRejectsOrdersThatAreNotLinearizations() {
        List<ClientOp> ops = History.of("h", Hist.register().write(0, 1L).write(0, 2L).read(1, 2L).events()).operations();
        assertNull(witnessError(ops, ops));
        assertNotNull(witnessError(ops, List.of(ops.get(1), ops.get(0), ops.get(2)))); // real time broken
        assertNotNull(witnessError(ops, List.of(ops.get(0), ops.get(1)))); // an ok read left out
        assertNotNull(witnessError(ops, List.of(ops.get(0), ops.get(2), ops.get(1)))); // read before its write
    }

    /**
     * Why {@code order} is not a linearization of {@code keyOps} on a register starting at nil,
     * or null when it is one: it must hold every {@code ok} operation and no failed one, never
     * place an operation after one that was invoked after it had completed {@code ok}, and replay.
     */
    static String witnessError(List<ClientOp> keyOps, List<ClientOp> order) {
        Set<Integer> placed = new HashSet<>();
        for (ClientOp op : order) {
            if (op.outcome() == Type.FAIL) return "failed operation placed: " + op.describe();
            if (op.f() == Fn.READ && op.outcome() != Type.OK) return "a read that did not return placed: " + op.describe();
            if (!placed.add(op.index())) return "placed twice: " + op.describe();
        }
        for (ClientOp op : keyOps) {
            if (op.outcome() == Type.OK && !placed.contains(op.index())) return "missing: " + op.describe();
        }
        for (int i = 0; i < order.size(); i++) {
            for (int j = i + 1; j < order.size(); j++) {
                ClientOp later = order.get(j);
                if (later.outcome() == Type.OK && later.completeEvent() < order.get(i).invokeEvent()) {
                    return later.describe() + " completed before " + order.get(i).describe() + " was invoked";
                }
            }
        }
        Object register = null;
        for (ClientOp op : order) {
            switch (op.f()) {
                case READ -> {
                    if (!Objects.equals(register, op.result())) return op.describe() + " but the register holds " + register;
                }
                case WRITE -> register = op.argument();
                case CAS -> {
                    if (!Objects.equals(register, op.expected())) return op.describe() + " but the register holds " + register;
                    register = op.written();
                }
            }
        }
        return null;
    }

    static Path resource(int seed) throws URISyntaxException {
        var url = DuelingProposersHistoriesTest.class.getResource("dueling-proposers/seed-" + seed + ".history.jsonl.gz");
        return Path.of(Objects.requireNonNull(url, "test resource for seed " + seed).toURI());
    }
}
