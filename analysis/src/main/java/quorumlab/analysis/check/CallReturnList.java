package quorumlab.analysis.check;

import java.util.Arrays;
import java.util.List;

/**
 * The history as the search walks it (Wing and Gong's algorithm, as Lowe and Porcupine run it):
 * each operation's call, and the return of every operation that must take effect, in real-time
 * order, as a doubly linked list the search unlinks entries from and puts them back. Entry
 * {@code head} (= the number of entries) is the list's sentinel.
 */
final class CallReturnList {
    final int[] entryOp;
    final boolean[] isCall;
    final int[] next;
    final int[] prev;
    final int[] callEntry;
    final int[] returnEntry;
    final int head;

    /** {@code required[i]}: operation i completed ok and so has a return; {@code needed} of them do. */
    CallReturnList(List<ClientOp> ops, boolean[] required, int needed) {
        int n = ops.size();
        // Calls at their invocations, returns at their completions: positions in the history are
        // distinct, so sorting them gives the real-time order of the entries.
        int entries = n + needed;
        long[] order = new long[entries];
        int e = 0;
        for (int i = 0; i < n; i++) {
            ClientOp op = ops.get(i);
            order[e++] = ((long) op.invokeEvent() << 32) | (i << 1);
            if (required[i]) order[e++] = ((long) op.completeEvent() << 32) | (i << 1) | 1;
        }
        Arrays.sort(order);
        entryOp = new int[entries];
        isCall = new boolean[entries];
        callEntry = new int[n];
        returnEntry = new int[n];
        Arrays.fill(returnEntry, -1);
        head = entries;
        next = new int[entries + 1];
        prev = new int[entries + 1];
        for (int i = 0; i < entries; i++) {
            int op = (int) (order[i] & 0xFFFFFFFFL) >>> 1;
            boolean call = (order[i] & 1) == 0;
            entryOp[i] = op;
            isCall[i] = call;
            if (call) callEntry[op] = i;
            else returnEntry[op] = i;
            next[i] = i + 1 < entries ? i + 1 : -1;
            prev[i] = i == 0 ? head : i - 1;
        }
        next[head] = entries > 0 ? 0 : -1;
    }

    /** The first entry still linked, or -1 when none is. */
    int first() {
        return next[head];
    }

    /** Unlinks operation {@code op}'s call and return: the search linearized it. */
    void lift(int op) {
        remove(callEntry[op]);
        if (returnEntry[op] >= 0) remove(returnEntry[op]);
    }

    /** Links {@code op}'s entries back where they were: the search backtracks. */
    void unlift(int op) {
        if (returnEntry[op] >= 0) restore(returnEntry[op]);
        restore(callEntry[op]);
    }

    private void remove(int e) {
        next[prev[e]] = next[e];
        if (next[e] >= 0) prev[next[e]] = prev[e];
    }

    private void restore(int e) {
        next[prev[e]] = e;
        if (next[e] >= 0) prev[next[e]] = e;
    }
}
