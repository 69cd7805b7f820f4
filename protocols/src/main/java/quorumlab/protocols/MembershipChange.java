package quorumlab.protocols;

/**
 * A request to change the cluster's voting membership by one server: add {@code node} (it starts
 * empty and must catch up before it counts) or remove it. The fault injector submits it to the node
 * it believes leads; a node that cannot take it now (not the leader, or a change still in progress)
 * refuses it with {@link ProtocolEvent.MembershipChangeRefused}, and a change that takes effect ends
 * with {@link ProtocolEvent.MembershipChangeCommitted}, both carrying {@link #id}.
 */
public record MembershipChange(long id, Kind kind, NodeId node) {
    public enum Kind {
        ADD,
        REMOVE
    }

    public MembershipChange {
        if (kind == null || node == null) throw new IllegalArgumentException("a membership change needs a kind and a node");
    }
}
