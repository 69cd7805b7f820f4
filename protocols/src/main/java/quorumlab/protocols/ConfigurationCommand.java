package quorumlab.protocols;

import java.util.List;

/**
 * A log entry (Raft) or a chosen command (Multi-Paxos) that sets the cluster's configuration:
 * {@code voters}, and during Raft's joint consensus (§6) also {@code oldVoters}, C_old (empty
 * otherwise). {@code changeId} is the {@link MembershipChange} it carries out, so whichever leader
 * commits it can report {@link ProtocolEvent.MembershipChangeCommitted}. The state machine applies
 * it as a no-op.
 */
public record ConfigurationCommand(long changeId, List<NodeId> voters, List<NodeId> oldVoters) implements Command {
    public ConfigurationCommand {
        voters = List.copyOf(voters);
        oldVoters = List.copyOf(oldVoters);
        if (voters.isEmpty()) throw new IllegalArgumentException("a configuration needs at least one voter");
    }

    /** {@code config:<changeId>:<voters>} (and {@code |<oldVoters>} when joint), e.g. {@code config:3:n1,n2,n6}. */
    @Override
    public String id() {
        StringBuilder b = new StringBuilder("config:").append(changeId).append(':');
        names(b, voters);
        if (!oldVoters.isEmpty()) names(b.append('|'), oldVoters);
        return b.toString();
    }

    private static void names(StringBuilder b, List<NodeId> nodes) {
        for (int i = 0; i < nodes.size(); i++) b.append(i == 0 ? "" : ",").append(nodes.get(i));
    }

    @Override
    public int sizeBytes() {
        return 8 + 4 * (voters.size() + oldVoters.size());
    }
}
