package quorumlab.raft;

import quorumlab.protocols.Command;

/** One entry of a Raft log: a command and the term in which a leader received it (Raft §5.3). */
public record LogEntry(long term, Command command) {
    int sizeBytes() {
        return 8 + command.sizeBytes();
    }
}
