package quorumlab.primarybackup;

import java.util.List;
import quorumlab.protocols.ClientRequest;
import quorumlab.protocols.Command;
import quorumlab.protocols.Message;
import quorumlab.protocols.MessageCategory;

/** The messages of asynchronous primary-backup replication. */
sealed interface PrimaryBackupMessage extends Message {

    /**
     * The primary of {@code epoch} sends the entries from {@code firstIndex} on, after the client
     * was already answered. Without entries it is the heartbeat that keeps backups from taking over.
     */
    record Replicate(long epoch, long firstIndex, List<Command> entries) implements PrimaryBackupMessage {
        @Override
        public int sizeBytes() {
            return 32 + entries.stream().mapToInt(Command::sizeBytes).sum();
        }

        @Override
        public MessageCategory category() {
            return entries.isEmpty() ? MessageCategory.HEARTBEAT : MessageCategory.REPLICATION;
        }
    }

    /** A backup's log now reaches {@code lastIndex}; {@code heartbeat} when it answers a Replicate without entries. */
    record Replicated(long epoch, long lastIndex, boolean heartbeat) implements PrimaryBackupMessage {
        @Override
        public MessageCategory category() {
            return heartbeat ? MessageCategory.HEARTBEAT : MessageCategory.REPLICATION;
        }
    }

    /** A backup passes a client's request on to the primary it follows, which answers the client itself. */
    record Forward(ClientRequest request) implements PrimaryBackupMessage {
        @Override
        public int sizeBytes() {
            return 16 + request.sizeBytes();
        }
    }
}
