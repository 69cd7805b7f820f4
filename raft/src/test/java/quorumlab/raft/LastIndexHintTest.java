package quorumlab.raft;

import static org.junit.jupiter.api.Assertions.*;
import static quorumlab.protocols.testing.ScriptedNetwork.among;
import static quorumlab.protocols.testing.ScriptedNetwork.any;
import static quorumlab.protocols.testing.ScriptedNetwork.to;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.Role;

/**
 * The fuzz counterexample 1ifnpz5vlyu51 (docs/open-counterexamples, now fixed), scripted: a follower
 * cut off while the leader appended 20 entries meets a new leader, whose first nextIndex lies past
 * the follower's log. Figure 2 alone steps nextIndex back one entry per round trip (the fuzzer's run
 * needed 60 of them per follower, past its liveness bound, before a majority of the new
 * configuration could commit); with the follower's last index in its rejection (lastIndexHint, as
 * LogCabin and etcd), one rejection.
 */
class LastIndexHintTest {
    private static final NodeId N1 = RaftScript.n(1), N2 = RaftScript.n(2), N3 = RaftScript.n(3);

    /** Returns how many appends N3 rejected before its log matched the new leader's. */
    private static int rejectionsToCatchUp(Map<String, ?> options) {
        RaftScript s = new RaftScript(3, options);
        s.elect(N1, N2, N3);
        s.net.deliverAll(any());
        for (int i = 0; i < 2; i++) s.submit(N1, "k", "common" + i);
        s.pass(1);
        s.net.deliverAll(any());
        // N3 is cut off while N1 and N2 commit 20 more entries.
        for (int i = 0; i < 20; i++) {
            s.submit(N1, "k", "v" + i);
            s.pass(1);
            s.net.deliverAll(among(N1, N2));
            s.net.drop(to(N3));
        }
        assertEquals(2, s.log(N3).size());
        assertEquals(22, s.log(N2).size());

        // N2 leads term 2 with N1's vote: its first append to N3 assumes N3 holds all 22 entries.
        s.elect(N2, N1);
        s.net.deliverAll(any());
        assertEquals(Role.LEADER, s.role(N2));
        assertEquals(s.log(N2), s.log(N3), "N3 caught up");
        assertEquals(List.of(), s.violations());
        List<ProtocolEvent.AppendRejected> rejected = s.trace.events(N3, ProtocolEvent.AppendRejected.class);
        assertTrue(rejected.stream().allMatch(r -> r.reason().equals("log too short: last index 2")), rejected.toString());
        return rejected.size();
    }

    @Test
    void aFollowerWhoseLogIsTooShortIsFoundInOneRoundTrip() {
        assertEquals(1, rejectionsToCatchUp(Map.of()));
    }

    /** Figure 2 to the letter, and fastBacktrack, which implies the hint, for comparison. */
    @ParameterizedTest(name = "fastBacktrack {0}")
    @ValueSource(booleans = {false, true})
    void withoutTheHintFigureTwoStepsBackOneEntryPerRoundTrip(boolean fastBacktrack) {
        int rejections = rejectionsToCatchUp(Map.of("lastIndexHint", false, "fastBacktrack", fastBacktrack));
        assertEquals(fastBacktrack ? 1 : 20, rejections);
    }
}
