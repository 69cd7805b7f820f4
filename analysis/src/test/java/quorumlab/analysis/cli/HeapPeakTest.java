package quorumlab.analysis.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

@Isolated("the heap it measures is the JVM's: another class allocating or collecting at the same time moves it")
class HeapPeakTest {
    private static volatile byte[] held;

    /**
     * An array that was live only between two collections still shows in the peak, which never exceeds
     * -Xmx. The peak starts from the heap in use at the reset, a few MB after a full collection, so it
     * reaches the array's 96 MB only if a collection saw the array. (Not the reset's use plus 96 MB: a
     * young collection that the allocation itself triggers, the serial collector's, frees garbage counted
     * at the reset.)
     */
    @Test
    void theHeapHeldJustBeforeACollectionIsThePeak() throws InterruptedException {
        System.gc();
        HeapPeak.reset();
        long live = HeapPeak.peak();
        assertTrue(live < (32L << 20), "the heap after a full collection: " + (live >> 20) + " MB");
        held = new byte[96 << 20];
        held = null;
        System.gc();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (HeapPeak.peak() < (96L << 20) && System.nanoTime() < deadline) Thread.sleep(10);
        long peak = HeapPeak.peak();
        assertTrue(peak >= (96L << 20), "peak " + (peak >> 20) + " MB, at the reset " + (live >> 20) + " MB");
        assertTrue(peak <= Runtime.getRuntime().maxMemory(), "peak " + (peak >> 20) + " MB above -Xmx");
    }
}
