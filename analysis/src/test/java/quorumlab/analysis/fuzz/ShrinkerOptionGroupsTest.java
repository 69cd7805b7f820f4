package quorumlab.analysis.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The shrinker resets a schedule's options a setting at a time: the timeouts setting's three options go
 * back to their defaults together, or a shrunk schedule could keep 20-40 ms election timeouts beside the
 * default 50 ms heartbeat and fail liveness for a reason the original never had.
 */
class ShrinkerOptionGroupsTest {
    @Test
    void theTimeoutsSettingShrinksAsOneAndOtherOptionsAlone() {
        List<Set<String>> groups = Shrinker.optionGroups(Set.of("electionTimeoutMinMs", "electionTimeoutMaxMs", "heartbeatIntervalMs",
                "preVote", "pipelining", "maxEntriesPerAppend", "someOptionOfNoDimension"));
        assertEquals(Set.of(Set.of("electionTimeoutMinMs", "electionTimeoutMaxMs", "heartbeatIntervalMs"), Set.of("preVote"),
                Set.of("pipelining", "maxEntriesPerAppend"), Set.of("someOptionOfNoDimension")), Set.copyOf(groups));
        assertEquals(4, groups.size(), "each option in exactly one group");
    }

    @Test
    void aSettingOnlyPartlyPresentShrinksWhatIsThere() {
        assertEquals(List.of(Set.of("heartbeatIntervalMs")), Shrinker.optionGroups(Set.of("heartbeatIntervalMs")));
    }
}
