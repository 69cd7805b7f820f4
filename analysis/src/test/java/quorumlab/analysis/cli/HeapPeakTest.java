package quorumlab.analysis.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

@Isolated("the heap it measures is the JVM's: another class allocating or collecting at the same time moves it")
class HeapPeakTest {
    private static volatile byte[] held;

    /**
     * An array that was live only between two collections still shows in the peak, which never exceeds
     * -Xmx. The peak starts from the heap in use at the reset, just after a full collection; it must
     * grow by nearly the array's 96 MB (not all of it: a young collection that the allocation itself
     * triggers, the serial collector's, may first free the little garbage counted at the reset).
     */
    @Test
    void theHeapHeldJustBeforeACollectionIsThePeak() throws InterruptedException {
        System.gc();
        HeapPeak.reset();
        long live = HeapPeak.peak();
        held = new byte[96 << 20];
        held = null;
        System.gc();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (HeapPeak.peak() < live + (90L << 20) && System.nanoTime() < deadline) Thread.sleep(10);
        long peak = HeapPeak.peak();
        assertTrue(peak >= live + (90L << 20), "peak " + (peak >> 20) + " MB, at the reset " + (live >> 20) + " MB");
        assertTrue(peak <= Runtime.getRuntime().maxMemory(), "peak " + (peak >> 20) + " MB above -Xmx");
    }
}
