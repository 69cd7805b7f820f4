package quorumlab.raft;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.runtime.NetworkModel;
import quorumlab.protocols.testing.SimCluster;
import quorumlab.protocols.trace.TraceRecord;

/** A Raft {@link SimCluster}, with questions about terms and commits that only Raft's trace answers. */
class RaftCluster extends SimCluster {

    RaftCluster(int nodes, long seed) {
        super("raft", nodes, seed);
    }

    RaftCluster(int nodes, long seed, Map<String, ?> options, NetworkModel network) {
        super("raft", nodes, seed, options, network);
    }

    /** The term of every LeaderEstablished, by node. */
    Map<Long, List<NodeId>> leadersByTerm() {
        Map<Long, List<NodeId>> out = new HashMap<>();
        for (TraceRecord.Event e : trace.events()) {
            if (e.event() instanceof ProtocolEvent.LeaderEstablished le) {
                out.computeIfAbsent(le.term(), t -> new ArrayList<>()).add(e.node());
            }
        }
        return out;
    }

    List<ProtocolEvent.EntryCommitted> commits(NodeId node) {
        return trace.events(node, ProtocolEvent.EntryCommitted.class);
    }

    /** The highest term any node has started an election for. */
    long highestTerm() {
        return trace.events(ProtocolEvent.ElectionStarted.class).stream()
                .mapToLong(ProtocolEvent.ElectionStarted::term).max().orElse(0);
    }
}
