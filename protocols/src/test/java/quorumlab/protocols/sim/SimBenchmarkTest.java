package quorumlab.protocols.sim;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** The benchmark runs its workload and reports consistent counts (its speed is printed, not asserted). */
class SimBenchmarkTest {
    @Test
    void theBounceWorkloadKeepsItsMessagesInFlightAndCountsEvents() {
        SimBenchmark.Result r = SimBenchmark.runBounce(3, 4, 100, 0, 3);
        // 3 nodes x 2 peers x 4 balls = 24 in flight, each delivered about once per ms (0.5-1.5 ms)
        assertTrue(r.deliveriesPerRun() > 24 * 80 && r.deliveriesPerRun() < 24 * 120, r.toString());
        // plus one timer per node per ms
        assertEquals(r.deliveriesPerRun() + 3 * 100, r.eventsPerRun());
        assertTrue(r.deliveriesPerSecond() > 0 && r.eventsPerSecond() > r.deliveriesPerSecond());
        assertTrue(r.toString().contains("deliveries/s"));
        assertThrows(IllegalArgumentException.class, () -> SimBenchmark.runBounce(3, 1, 10, 0, 0));
    }

    @Test
    void theBareEventLoopRunsItsEventsAndRefusesAnEmptyQueue() {
        double perSecond = SimBenchmark.bareEventLoop(10, 10_000, 0, 1);
        assertTrue(perSecond > 0 && Double.isFinite(perSecond), "events/s: " + perSecond);
        assertThrows(IllegalArgumentException.class, () -> SimBenchmark.bareEventLoop(0, 10, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> SimBenchmark.bareEventLoop(10, 10, 0, 0));
    }
}
