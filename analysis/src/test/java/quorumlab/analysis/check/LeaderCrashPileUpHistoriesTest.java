package quorumlab.analysis.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import quorumlab.analysis.check.HistoryEvent.Fn;

/**
 * The complete example of docs/scenario-format.md (issue 15, {@code leader-crash-pileup/scenario.yaml})
 * ended {@code unknown} on 6 of its 10 Raft seeds. While the leader is down, the open-loop clients
 * pile up 60 to 130 operations on a hot key, which all complete when the new leader commits them:
 * deciding that window was quick, but finding the values it may end in was not, since a value
 * that cannot be last took a search of every order of the window to rule out (5 million
 * configurations, 30 s, for one value). The histories are the hot key of seeds 5 and 1 of
 * {@code quorumlab run --scenario .../scenario.yaml --protocol raft}, up to 4.4 s.
 */
class LeaderCrashPileUpHistoriesTest {
    /** Bounded by its states; the time allowed is no bound, so that a loaded machine does not decide. */
    private static final LinearizabilityChecker.Bound BOUND =
            new LinearizabilityChecker.Bound(5_000_000, Duration.ofMinutes(10));

    @ParameterizedTest
    @ValueSource(strings = {"seed-5-k0", "seed-1-k1"})
    void thePileUpIsDecidedAndItsLinearizationHolds(String name) throws IOException, URISyntaxException {
        History history = HistoryReader.read(resource(name));
        LinearizabilityChecker.Result result = LinearizabilityChecker.check(history, BOUND);

        assertEquals(CheckStatus.OK, result.status(), result.summary());
        for (Map.Entry<Object, List<ClientOp>> key : Histories.byKey(history.operations()).entrySet()) {
            RegisterSearch search = new RegisterSearch(key.getValue(), 0, Integer.MAX_VALUE);
            assertEquals(RegisterSearch.Outcome.LINEARIZABLE, search.run(BOUND.maxStates(), System.nanoTime()
                    + BOUND.maxTime().toNanos()));
            assertNull(DuelingProposersHistoriesTest.witnessError(key.getValue(), search.linearization()), "key " + key.getKey());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"seed-5-k0", "seed-1-k1"})
    void aStaleReadPlantedInThemIsFound(String name) throws IOException, URISyntaxException {
        History original = HistoryReader.read(resource(name));
        History stale = HistoryGenerator.withStaleRead(original);
        LinearizabilityChecker.Result result = LinearizabilityChecker.check(stale, BOUND);
        assertEquals(CheckStatus.VIOLATION, result.status(), result.summary());
        ClientOp failing = result.counterexamples().get(0).failing();
        assertEquals(Fn.READ, failing.f());
        assertNotEquals(original.operations().get(failing.index()).result(), failing.result(), failing.describe());
    }

    private static Path resource(String name) throws URISyntaxException {
        var url = LeaderCrashPileUpHistoriesTest.class.getResource("leader-crash-pileup/" + name + ".history.jsonl.gz");
        return Path.of(Objects.requireNonNull(url, "test resource " + name).toURI());
    }
}
