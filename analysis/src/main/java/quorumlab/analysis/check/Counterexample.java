package quorumlab.analysis.check;

import java.util.List;

/**
 * Why a key's history is not linearizable, in a form a person can check by hand.
 *
 * @param key the key (or {@link Histories#NO_KEY} for a single register)
 * @param failing the operation whose completion no order can explain: the history up to its
 *     completion is the shortest prefix that cannot be linearized
 * @param window the smallest window of operations found that cannot be linearized on its own, from
 *     any state the operations before it could have left; it includes {@code failing}
 * @param windowFromState true when the window starts from any state the earlier operations could
 *     leave, false when it starts from the empty register
 * @param linearizablePrefix the longest prefix found linearizable (everything completed before
 *     {@code failing} did), in the order found; pending writes in it appear only where they took
 *     effect
 * @param keyOperations every operation on the key, for pictures
 */
public record Counterexample(
        Object key,
        ClientOp failing,
        List<ClientOp> window,
        boolean windowFromState,
        List<ClientOp> linearizablePrefix,
        List<ClientOp> keyOperations) {

    public Counterexample {
        window = List.copyOf(window);
        linearizablePrefix = List.copyOf(linearizablePrefix);
        keyOperations = List.copyOf(keyOperations);
    }

    /** The key as people read it: the key itself, or "the register" for a history without keys. */
    public String keyName() {
        return key == Histories.NO_KEY ? "the register" : "key " + Values.show(key);
    }

    /** One line: which operation, on which key, and how many operations prove it. */
    public String summary() {
        return keyName() + ": " + failing.describe(false) + " cannot be linearized; a window of "
                + window.size() + " operation" + (window.size() == 1 ? "" : "s")
                + " shows it, after a linearizable prefix of " + linearizablePrefix.size();
    }
}
