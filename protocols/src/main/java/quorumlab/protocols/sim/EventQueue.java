package quorumlab.protocols.sim;

import java.util.Arrays;

/**
 * A binary min-heap of events ordered by (time, sequence). Each event knows its position, so a timer
 * can be cancelled or moved in O(log n) without leaving a stale entry behind.
 */
final class EventQueue {
    private SimEvent[] heap = new SimEvent[1024];
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
        if (size == heap.length) heap = Arrays.copyOf(heap, size * 2);
        heap[size] = e;
        e.heapIndex = size;
        size++;
        siftUp(e.heapIndex);
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
        siftUp(e.heapIndex);
        siftDown(e.heapIndex);
    }

    private void removeAt(int i) {
        SimEvent removed = heap[i];
        size--;
        SimEvent last = heap[size];
        heap[size] = null;
        removed.heapIndex = -1;
        if (i < size) {
            heap[i] = last;
            last.heapIndex = i;
            siftUp(i);
            siftDown(last.heapIndex);
        }
    }

    private void siftUp(int i) {
        SimEvent e = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            SimEvent p = heap[parent];
            if (!e.before(p)) break;
            heap[i] = p;
            p.heapIndex = i;
            i = parent;
        }
        heap[i] = e;
        e.heapIndex = i;
    }

    private void siftDown(int i) {
        SimEvent e = heap[i];
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            SimEvent c = heap[child];
            int right = child + 1;
            if (right < size && heap[right].before(c)) {
                child = right;
                c = heap[child];
            }
            if (!c.before(e)) break;
            heap[i] = c;
            c.heapIndex = i;
            i = child;
        }
        heap[i] = e;
        e.heapIndex = i;
    }
}
