package quorumlab.analysis.workers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import quorumlab.analysis.workers.WorkerWire.Unit;

class DispatcherTest {
    private final Dispatcher d = new Dispatcher();
    private final Map<Long, Unit> units = new HashMap<>();

    private void submit(int n) {
        for (int i = 0; i < n; i++) {
            Unit u = new Unit(units.size() + 1, "{}", "raft", units.size() + 1);
            units.put(u.id(), u);
            d.submit(u);
        }
    }

    private static List<Long> ids(List<Dispatcher.Assignment> as) {
        return as.stream().map(a -> a.unit().id()).toList();
    }

    @Test
    void aWorkerGetsNoMoreThanTheSlotsItPulledFor() {
        d.join("w1");
        d.join("w2");
        submit(5);
        assertEquals(List.of(), d.assign(), "nobody has pulled yet");
        d.pull("w1", 2);
        d.pull("w2", 1);
        List<Dispatcher.Assignment> first = d.assign();
        assertEquals(3, first.size());
        assertEquals(2, first.stream().filter(a -> a.worker().equals("w1")).count());
        assertEquals(2, d.queued());
        // a slow w1 holds nothing back: w2 pulls again and gets the next unit at once
        d.result("w2", first.stream().filter(a -> a.worker().equals("w2")).findFirst().orElseThrow().unit().id(), "a");
        d.pull("w2", 1);
        List<Dispatcher.Assignment> next = d.assign();
        assertEquals(1, next.size());
        assertEquals("w2", next.get(0).worker());
    }

    @Test
    void aLostWorkersUnfinishedUnitsGoFirstToTheOthersAndAreCountedOnce() {
        d.join("w1");
        d.join("w2");
        submit(4);
        d.pull("w1", 2);
        List<Long> w1 = ids(d.assign());
        assertEquals(List.of(1L, 2L), w1);
        assertEquals(Dispatcher.Outcome.ACCEPTED, d.result("w1", 1, "sha1"));
        assertEquals(List.of(units.get(2L)), d.lost("w1", units));
        d.pull("w1", 5); // pulls again after coming back
        d.lost("w1", units);
        d.pull("w2", 3);
        List<Dispatcher.Assignment> w2 = d.assign();
        assertEquals(List.of(2L, 3L, 4L), ids(w2), "the given-back unit first, then the queue in order");
        // w1's copy of unit 2 arrives late after all: counted once; w2's copy is a duplicate
        assertEquals(Dispatcher.Outcome.ACCEPTED, d.result("w1", 2, "sha2"));
        assertEquals(Dispatcher.Outcome.DUPLICATE, d.result("w2", 2, "sha2"));
        assertEquals(Dispatcher.Outcome.MISMATCH, d.result("w2", 1, "other"));
        assertEquals(2, d.duplicates());
        assertEquals("w1", d.doneBy(2).worker());
    }

    @Test
    void aResultForAUnitStillQueuedTakesItOutOfTheQueue() {
        d.join("w1");
        submit(1);
        d.pull("w1", 1);
        d.assign();
        d.lost("w1", units);
        assertEquals(1, d.queued());
        assertEquals(Dispatcher.Outcome.ACCEPTED, d.result("w1", 1, "x"));
        assertEquals(0, d.queued());
        d.pull("w1", 1);
        assertTrue(d.assign().isEmpty(), "a unit done is never handed out again");
    }

    @Test
    void damagedFilesSendTheUnitOutAgain() {
        d.join("w1");
        d.join("w2");
        submit(1);
        d.pull("w1", 1);
        d.assign();
        d.retry("w1", units.get(1L));
        d.pull("w2", 1);
        assertEquals(List.of(new Dispatcher.Assignment("w2", units.get(1L))), d.assign());
        assertTrue(d.status().contains("w2 0 done, 1 running"), d.status());
    }
}
