package quorumlab.analysis.check;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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
        DuelingProposersHistoriesTest.assertEveryKeysLinearizationHolds(history, BOUND);
    }

    @ParameterizedTest
    @ValueSource(strings = {"seed-5-k0", "seed-1-k1"})
    void aStaleReadPlantedInThemIsFound(String name) throws IOException, URISyntaxException {
        DuelingProposersHistoriesTest.assertAPlantedStaleReadIsFound(HistoryReader.read(resource(name)), BOUND);
    }

    private static Path resource(String name) throws URISyntaxException {
        var url = LeaderCrashPileUpHistoriesTest.class.getResource("leader-crash-pileup/" + name + ".history.jsonl.gz");
        return Path.of(Objects.requireNonNull(url, "test resource " + name).toURI());
    }
}
