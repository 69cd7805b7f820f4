package quorumlab.paxos;

import java.util.List;
import quorumlab.protocols.KvStateMachine;

/**
 * A node's durable snapshot: the state machine as of {@code state.lastApplied()}, and the
 * configurations the configuration commands up to that slot made (with the bootstrap one), since
 * those slots' decisions are forgotten after it and the configurations must not be.
 */
record PaxosSnapshot(KvStateMachine.Snapshot state, List<Configuration> configurations) {
    PaxosSnapshot {
        configurations = List.copyOf(configurations);
    }

    long lastApplied() {
        return state.lastApplied();
    }
}
