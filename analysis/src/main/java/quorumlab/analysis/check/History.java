package quorumlab.analysis.check;

import java.util.List;

/**
 * A client history: its events in real-time order, and the operations they pair into.
 *
 * @param source where it came from (a file name, or a description), for messages
 */
public record History(String source, List<HistoryEvent> events, List<ClientOp> operations) {
    public History {
        events = List.copyOf(events);
        operations = List.copyOf(operations);
    }

    /**
     * Pairs {@code events} into operations.
     *
     * @throws IllegalArgumentException when the events do not pair (see {@link Histories#operations})
     */
    public static History of(String source, List<HistoryEvent> events) {
        List<HistoryEvent> plain = Histories.untuple(events);
        return new History(source, plain, Histories.operations(plain));
    }
}
