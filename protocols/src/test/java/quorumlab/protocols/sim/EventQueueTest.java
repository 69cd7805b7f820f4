package quorumlab.protocols.sim;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The event queue agrees with a sorted set under random adds, polls, removals and moves. */
class EventQueueTest {
    private static final Comparator<SimEvent> ORDER = Comparator.<SimEvent>comparingLong(e -> e.time).thenComparingLong(e -> e.seq);

    @Test
    void pollsInTimeThenSequenceOrderUnderRandomOperations() {
        SplittableRandom random = new SplittableRandom(42);
        EventQueue queue = new EventQueue();
        TreeSet<SimEvent> reference = new TreeSet<>(ORDER);
        List<SimEvent> queued = new ArrayList<>();
        long seq = 0;
        for (int step = 0; step < 200_000; step++) {
            int op = random.nextInt(10);
            if (op < 4 || reference.isEmpty()) {
                SimEvent e = new SimEvent();
                e.time = random.nextLong(0, 1000); // many equal times: the sequence breaks ties
                e.seq = seq++;
                queue.add(e);
                reference.add(e);
                queued.add(e);
            } else if (op < 7) {
                SimEvent expected = reference.pollFirst();
                assertSame(expected, queue.poll(), "step " + step);
                assertEquals(-1, expected.heapIndex);
                queued.remove(expected);
            } else if (op < 8) {
                SimEvent e = queued.remove(random.nextInt(queued.size()));
                reference.remove(e);
                queue.remove(e);
                assertEquals(-1, e.heapIndex);
            } else {
                SimEvent e = queued.get(random.nextInt(queued.size()));
                reference.remove(e);
                e.time = random.nextLong(0, 1000);
                e.seq = seq++;
                queue.update(e);
                reference.add(e);
            }
            assertEquals(reference.size(), queue.size());
            if (!reference.isEmpty()) assertSame(reference.first(), queue.peek(), "step " + step);
        }
    }
}
