package quorumlab.paxos;

import java.util.Collection;
import java.util.List;
import quorumlab.protocols.NodeId;

/**
 * The acceptors, and the nodes that may lead, for every slot from {@code effectiveFrom} on (until
 * the next configuration): the configuration command chosen in slot {@code chosenIn} made it, or,
 * with {@code chosenIn} 0, it is the bootstrap configuration. {@code changeId} names the operator's
 * request (0 for the bootstrap).
 */
record Configuration(long chosenIn, long effectiveFrom, long changeId, List<NodeId> members) {
    Configuration {
        members = List.copyOf(members);
    }

    int majority() {
        return members.size() / 2 + 1;
    }

    boolean contains(NodeId node) {
        return members.contains(node);
    }

    /** Whether {@code voters} hold a majority of this configuration's members (others do not count). */
    boolean isQuorum(Collection<NodeId> voters) {
        int count = 0;
        for (NodeId v : voters) {
            if (members.contains(v)) count++;
        }
        return count >= majority();
    }
}
