package quorumlab.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code expire-timer} and {@code client-burst} faults (the viewer's "expire timer now" and
 * "burst of writes"): read strictly, one line naming the field; and {@code expire-timer} refused for
 * a real-time runtime before anything runs. (ViewApiTest checks what they do in both protocols, and
 * that a saved session with both replays through the Runner to the same trace.)
 */
class TimerAndBurstFaultsTest {
    static Scenario parse(String fault) {
        return ScenarioLoader.parse("f.yaml", "name: f\nnodes: 3\nduration: 1s\nfaults:\n  - " + fault + "\n", false);
    }

    static String refused(String fault) {
        return assertThrows(IllegalArgumentException.class, () -> parse(fault), fault).getMessage();
    }

    @Test
    void bothAreReadWithTheirFields() {
        Scenario.Fault expire = parse("{at: 300ms, type: expire-timer, target: n2}").faultList().get(0);
        assertEquals("n2", expire.target());
        Scenario.Fault burst = parse("{at: 300ms, type: client-burst, count: 20}").faultList().get(0);
        assertEquals(20, burst.count());
        parse("{at: 300ms, type: expire-timer, target: random-follower}");
    }

    @Test
    void aMissingWrongOrForeignFieldIsOneLineNamingIt() {
        String[][] cases = {
            {"{at: 300ms, type: client-burst}", "f.yaml: faults[0].count: required"},
            {"{at: 300ms, type: client-burst, count: 0}", "f.yaml: faults[0].count: must be 1 to 100, got 0"},
            {"{at: 300ms, type: client-burst, count: 101}", "f.yaml: faults[0].count: must be 1 to 100, got 101"},
            {"{at: 300ms, type: client-burst, count: 5, target: n1}", "f.yaml: faults[0].target: a client-burst has no target"},
            {"{at: 300ms, type: client-burst, count: 5, duration: 1s}", "f.yaml: faults[0].duration: a client-burst happens at one instant"},
            {"{at: 300ms, type: crash, target: n1, count: 5}", "f.yaml: faults[0].count: 'count' belongs to a client-burst only"},
            {"{at: 300ms, type: expire-timer}", "f.yaml: faults[0].target: required"},
            {"{at: 300ms, type: expire-timer, target: n7}", "f.yaml: faults[0].target"},
            {"{at: 300ms, type: expire-timer, target: n1, duration: 1s}", "f.yaml: faults[0].duration: an expire-timer happens at one instant"},
        };
        for (String[] c : cases) {
            String message = refused(c[0]);
            assertTrue(message.startsWith(c[1]), c[0] + " -> " + message);
            assertEquals(1, message.lines().count(), message);
        }
    }

    @Test
    void anExpiredTimerNeedsTheSimulatorAndIsRefusedBeforeAnythingRuns(@TempDir Path dir) {
        Scenario s = parse("{at: 300ms, type: expire-timer, target: n2}");
        Runner.Listener quiet = new Runner.Listener() {
            @Override
            public void started(int total) {
                throw new AssertionError("a run started");
            }

            @Override
            public void finished(Runner.SeedRun run) {}
        };
        for (Runner.RuntimeKind runtime : List.of(Runner.RuntimeKind.LOCAL, Runner.RuntimeKind.CLUSTER)) {
            String message = assertThrows(IllegalArgumentException.class,
                    () -> new Runner().run(s, List.of("raft"), 1, 1, runtime, dir, quiet)).getMessage();
            assertEquals("f: faults[0].type: 'expire-timer' needs --runtime sim (the " + runtime.name().toLowerCase()
                    + " runtime keeps its timers inside its actors)", message);
        }
        assertEquals(List.of(), dir.toFile().list() == null ? List.of() : List.of(dir.toFile().list()), "nothing written");
    }
}
