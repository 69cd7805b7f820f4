package quorumlab.protocols.trace;

import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Parses a trace on a thread of its own, a few batches of records ahead of the caller, who feeds
 * them to the checkers and metrics: parsing is about half of checking a trace, and on a machine
 * with two cores it then runs beside the checkers instead of between their records. The records
 * reach the caller in file order, and a parse error is thrown to the caller, as the same exception,
 * after the records before it: what a caller sees is what reading on its own thread would give.
 *
 * <p>Parsing our own writer's layout is now the smaller share, so a second consumer that needs no
 * answer from the first (the metrics, beside the checkers) can run on the parsing thread: it gets
 * each record as soon as it is parsed, also in file order, and what it throws reaches the caller
 * as a parse error would, after the records before it.
 */
final class ParseAhead {
    private static final int BATCH = 1024;
    /** Batches parsed ahead: bounded, so memory stays flat however slow the checkers are. */
    private static final int AHEAD = 4;

    private record Batch(TraceRecord[] records, int size, Throwable failure) {}

    private static final Batch END = new Batch(new TraceRecord[0], 0, null);

    private final BlockingQueue<Batch> parsed = new ArrayBlockingQueue<>(AHEAD);
    private volatile boolean closed;

    private ParseAhead() {}

    /**
     * Feeds every record of {@code reader} to {@code action} on the calling thread, and to {@code
     * beside} (unless null) on the parsing thread; closes the reader. When this returns normally,
     * {@code beside} has had every record and what it did is visible to the caller.
     */
    static void forEach(TraceReader reader, String name, Consumer<TraceRecord> action, Consumer<TraceRecord> beside) {
        ParseAhead ahead = new ParseAhead();
        Thread thread = new Thread(() -> ahead.parse(reader, beside), "trace parser " + name);
        thread.setDaemon(true);
        thread.start();
        try {
            ahead.feed(action);
        } finally {
            // The parser closes the reader itself when it stops: a Jackson parser is not to be closed from another thread.
            ahead.closed = true;
            thread.interrupt();
        }
    }

    private void parse(TraceReader reader, Consumer<TraceRecord> beside) {
        TraceRecord[] batch = new TraceRecord[BATCH];
        int size = 0;
        try (reader) {
            while (!closed && reader.hasNext()) {
                TraceRecord r = reader.next();
                if (beside != null) beside.accept(r);
                batch[size++] = r;
                if (size == BATCH) {
                    hand(new Batch(batch, size, null));
                    batch = new TraceRecord[BATCH];
                    size = 0;
                }
            }
            if (size > 0) hand(new Batch(batch, size, null));
            hand(END);
        } catch (Throwable e) {
            // the records read before the failure go first, in order
            hand(new Batch(batch, size, e));
        }
    }

    /** Queues {@code batch} for the caller, unless the caller stops first. */
    private void hand(Batch batch) {
        try {
            while (!closed && !parsed.offer(batch, 100, TimeUnit.MILLISECONDS)) {
                // the checkers are busy: wait for room
            }
        } catch (InterruptedException e) {
            closed = true;
        }
    }

    private void feed(Consumer<TraceRecord> action) {
        while (true) {
            Batch batch;
            try {
                batch = parsed.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UncheckedIOException(new InterruptedIOException("interrupted while reading a trace"));
            }
            if (batch == END) return;
            for (int i = 0; i < batch.size(); i++) action.accept(batch.records()[i]);
            Throwable failure = batch.failure();
            if (failure instanceof RuntimeException r) throw r;
            if (failure instanceof Error err) throw err;
            if (failure != null) throw new IllegalStateException(failure);
        }
    }
}
