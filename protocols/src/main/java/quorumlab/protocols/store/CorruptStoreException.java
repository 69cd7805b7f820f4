package quorumlab.protocols.store;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A node's store on disk cannot be read back whole: a damaged or missing file, a value that does
 * not decode. The node must not start from it (it would forget promises it made), nor from an empty
 * store (the same, silently); the message is one line naming the node and the file.
 */
public final class CorruptStoreException extends UncheckedIOException {
    CorruptStoreException(String message, Throwable cause) {
        super(message, cause instanceof IOException io ? io : new IOException(message, cause));
    }
}
