package quorumlab.raft;

import quorumlab.protocols.ConfigurationCommand;
import quorumlab.protocols.KvStateMachine;

/**
 * Raft §7 (Figure 12): the state machine as of the last included entry, with that entry's index
 * and term, which replace the log up to it, and "the latest configuration as of last included
 * index" (Raft §7), since the entry that set it may be discarded with the log: {@code configuration}
 * set at {@code configurationIndex}, or null for the bootstrap configuration. Kept in the durable store, and sent whole in an InstallSnapshot.
 */
public record RaftSnapshot(long lastIncludedIndex, long lastIncludedTerm, KvStateMachine.Snapshot state,
        ConfigurationCommand configuration, long configurationIndex) {
    static final String KEY = "raft.snapshot";

    int sizeBytes() {
        return 24 + state.sizeBytes() + (configuration != null ? configuration.sizeBytes() : 0);
    }
}
