package quorumlab.protocols;

/**
 * A message between two nodes of one protocol. Each protocol declares its messages as records in
 * a sealed interface that extends this one, named as its paper names them.
 */
public interface Message {
    /** Approximate size on the wire, for the cost metrics (bytes per committed command). */
    default int sizeBytes() {
        return 32;
    }

    /** The type name written to traces and used to count messages by type. */
    default String typeName() {
        return getClass().getSimpleName();
    }

    /**
     * What the message is for, in the categories both protocols share. Decided per message, not per
     * type: an AppendEntries without entries is a heartbeat.
     */
    default MessageCategory category() {
        return MessageCategory.OTHER;
    }
}
