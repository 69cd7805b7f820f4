package quorumlab.raft;

import quorumlab.protocols.KvStateMachine;

/**
 * Raft §7 (Figure 12): the state machine as of the last included entry, with that entry's index
 * and term, which replace the log up to it. Kept in the durable store, and sent whole in an
 * InstallSnapshot.
 */
public record RaftSnapshot(long lastIncludedIndex, long lastIncludedTerm, KvStateMachine.Snapshot state) {
    static final String KEY = "raft.snapshot";

    int sizeBytes() {
        return 16 + state.sizeBytes();
    }
}
