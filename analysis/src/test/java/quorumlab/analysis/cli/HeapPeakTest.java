package quorumlab.analysis.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HeapPeakTest {
    private static volatile byte[] held;

    /** An array that was live only between two collections still shows in the peak, which never exceeds -Xmx. */
    @Test
    void theHeapHeldJustBeforeACollectionIsThePeak() throws InterruptedException {
        System.gc();
        HeapPeak.reset();
        long base = HeapPeak.peak();
        held = new byte[96 << 20];
        held = null;
        System.gc();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (HeapPeak.peak() < base + (96L << 20) && System.nanoTime() < deadline) Thread.sleep(10);
        long peak = HeapPeak.peak();
        assertTrue(peak >= base + (96L << 20), "peak " + (peak >> 20) + " MB, base " + (base >> 20) + " MB");
        assertTrue(peak <= Runtime.getRuntime().maxMemory(), "peak " + (peak >> 20) + " MB above -Xmx");
    }
}
