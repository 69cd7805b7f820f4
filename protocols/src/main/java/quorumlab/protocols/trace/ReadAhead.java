package quorumlab.protocols.trace;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Decompresses a trace on a thread of its own, a few chunks ahead of the parser: zstd's native
 * decompression is about a tenth of reading a trace, and on a machine with two cores it then runs
 * beside the parsing instead of between its records. The bytes, and the failures (a damaged stream's
 * own exception, rethrown where the parser reads), are the same as reading {@code in} directly.
 */
final class ReadAhead extends InputStream {
    private static final int CHUNK = 1 << 16;
    /** Chunks decompressed ahead: bounded, so memory stays flat however fast the reader thread is. */
    private static final int AHEAD = 4;

    private record Chunk(byte[] bytes, int length, Throwable failure) {}

    private static final Chunk END = new Chunk(new byte[0], -1, null);

    private final BlockingQueue<Chunk> full = new ArrayBlockingQueue<>(AHEAD);
    private final BlockingQueue<byte[]> empty = new ArrayBlockingQueue<>(AHEAD + 2);
    private final Thread thread;
    private volatile boolean closed;
    private Chunk current;
    private int position;

    ReadAhead(InputStream in, String name) {
        for (int i = 0; i < AHEAD + 2; i++) empty.add(new byte[CHUNK]);
        thread = new Thread(() -> fill(in), "trace read-ahead " + name);
        thread.setDaemon(true);
        thread.start();
    }

    private void fill(InputStream in) {
        try (in) {
            while (!closed) {
                byte[] buffer = empty.poll(100, TimeUnit.MILLISECONDS);
                if (buffer == null) continue;
                int n = in.readNBytes(buffer, 0, CHUNK);
                if (n > 0) hand(new Chunk(buffer, n, null));
                if (n < CHUNK) break;
            }
            hand(END);
        } catch (InterruptedException e) {
            // closed while waiting: nobody reads on
        } catch (Throwable e) {
            hand(new Chunk(null, -1, e));
        }
    }

    /** Queues {@code chunk} for the reader, unless the reader closes first. */
    private void hand(Chunk chunk) {
        try {
            while (!closed && !full.offer(chunk, 100, TimeUnit.MILLISECONDS)) {
                // the reader is busy: wait for room
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The chunk to read from, null at the end of the stream. */
    private Chunk chunk() throws IOException {
        if (current != null && position < current.length()) return current;
        if (current == END) return null;
        if (current != null) empty.add(current.bytes());
        try {
            current = full.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading a trace");
        }
        position = 0;
        Throwable failure = current.failure();
        if (failure != null) {
            current = END;
            if (failure instanceof IOException io) throw io;
            if (failure instanceof RuntimeException r) throw r;
            if (failure instanceof Error err) throw err;
            throw new IOException(failure);
        }
        return current == END ? null : current;
    }

    @Override
    public int read() throws IOException {
        Chunk c = chunk();
        return c == null ? -1 : c.bytes()[position++] & 0xff;
    }

    @Override
    public int read(byte[] into, int offset, int length) throws IOException {
        if (length == 0) return 0;
        Chunk c = chunk();
        if (c == null) return -1;
        int n = Math.min(length, c.length() - position);
        System.arraycopy(c.bytes(), position, into, offset, n);
        position += n;
        return n;
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
