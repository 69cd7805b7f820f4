package quorumlab.protocols.sim;

import java.util.Arrays;

/**
 * A binary min-heap of events ordered by (time, sequence). Each event knows its position, so a timer
 * can be cancelled or moved in O(log n) without leaving a stale entry behind.
 *
 * <p>Each slot's (time, sequence) is also kept in two arrays beside the heap, so sifting compares
 * keys that sit next to each other in memory instead of visiting every event it passes: the queue
 * was the simulator's largest cost in profiles. An event's time and sequence must change only
 * through {@link #update} while it is queued.
 */
final class EventQueue {
    private SimEvent[] heap = new SimEvent[1024];
    private long[] times = new long[1024];
    private long[] seqs = new long[1024];
    private int size;

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    SimEvent peek() {
        return heap[0];
    }

    void add(SimEvent e) {
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
            times = Arrays.copyOf(times, size * 2);
            seqs = Arrays.copyOf(seqs, size * 2);
        }
        siftUp(size++, e);
    }

    SimEvent poll() {
        SimEvent top = heap[0];
        removeAt(0);
        return top;
    }

    void remove(SimEvent e) {
        if (e.heapIndex >= 0) removeAt(e.heapIndex);
    }

    /** Restores the order after {@code e}'s time or sequence changed while in the queue. */
    void update(SimEvent e) {
        int i = e.heapIndex;
        siftUp(i, e);
        siftDown(e.heapIndex, e);
    }

    private void removeAt(int i) {
        SimEvent removed = heap[i];
        size--;
        SimEvent last = heap[size];
        heap[size] = null;
        removed.heapIndex = -1;
        if (i < size) {
            siftUp(i, last);
            siftDown(last.heapIndex, last);
        }
    }

    /** Places {@code e} at slot {@code i} or above, moving larger parents down. */
    private void siftUp(int i, SimEvent e) {
        long time = e.time;
        long seq = e.seq;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            long pt = times[parent];
            if (pt < time || (pt == time && seqs[parent] < seq)) break;
            move(parent, i);
            i = parent;
        }
        put(i, e, time, seq);
    }

    /** Places {@code e} at slot {@code i} or below, moving smaller children up. */
    private void siftDown(int i, SimEvent e) {
        long time = e.time;
        long seq = e.seq;
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            long ct = times[child];
            long cs = seqs[child];
            int right = child + 1;
            if (right < size && (times[right] < ct || (times[right] == ct && seqs[right] < cs))) {
                child = right;
                ct = times[right];
                cs = seqs[right];
            }
            if (time < ct || (time == ct && seq < cs)) break;
            move(child, i);
            i = child;
        }
        put(i, e, time, seq);
    }

    private void move(int from, int to) {
        SimEvent e = heap[from];
        heap[to] = e;
        times[to] = times[from];
        seqs[to] = seqs[from];
        e.heapIndex = to;
    }

    private void put(int i, SimEvent e, long time, long seq) {
        heap[i] = e;
        times[i] = time;
        seqs[i] = seq;
        e.heapIndex = i;
    }
}
