package quorumlab.raft;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import java.util.function.ToLongFunction;
import quorumlab.protocols.ConfigurationCommand;
import quorumlab.protocols.NodeId;

/**
 * The servers whose votes count (thesis ch. 4): {@code voters}, and during joint consensus (Raft
 * §6) also {@code oldVoters}, C_old, with {@code voters} then C_new. {@code index} is the log entry
 * that set it (0 for the bootstrap configuration); {@code changeId} the membership change it
 * carries out (0 for none).
 */
record Configuration(long index, long changeId, List<NodeId> voters, List<NodeId> oldVoters) {
    Configuration {
        voters = List.copyOf(new TreeSet<>(voters));
        oldVoters = List.copyOf(new TreeSet<>(oldVoters));
    }

    static Configuration bootstrap(List<NodeId> members) {
        return new Configuration(0, 0, members, List.of());
    }

    static Configuration of(long index, ConfigurationCommand command) {
        return new Configuration(index, command.changeId(), command.voters(), command.oldVoters());
    }

    ConfigurationCommand command() {
        return new ConfigurationCommand(changeId, voters, oldVoters);
    }

    /** C_old,new: the first half of a joint-consensus change (Raft §6). */
    boolean joint() {
        return !oldVoters.isEmpty();
    }

    /** A voter of C_new or, during joint consensus, of C_old: its vote and its log count. */
    boolean isVoter(NodeId node) {
        return voters.contains(node) || oldVoters.contains(node);
    }

    /**
     * Raft §6: "agreement (for elections and entry commitment) requires separate majorities from
     * both the old and new configurations" during joint consensus; otherwise a majority of the voters.
     */
    boolean isQuorum(Collection<NodeId> agreeing) {
        return majorityOf(voters, agreeing) && (!joint() || majorityOf(oldVoters, agreeing));
    }

    /**
     * The highest index a quorum of this configuration holds, given what each voter holds: Figure 2's
     * "a majority of matchIndex[i] ≥ N", solved for the largest N at once. It is the (n/2 + 1)-th
     * largest of the voters' indexes, and during joint consensus the lower of the two halves'.
     */
    long quorumIndex(ToLongFunction<NodeId> held) {
        long index = quorumIndexOf(voters, held);
        return joint() ? Math.min(index, quorumIndexOf(oldVoters, held)) : index;
    }

    private static long quorumIndexOf(List<NodeId> voters, ToLongFunction<NodeId> held) {
        if (voters.isEmpty()) return 0;
        long[] indexes = new long[voters.size()];
        for (int i = 0; i < indexes.length; i++) indexes[i] = held.applyAsLong(voters.get(i));
        Arrays.sort(indexes);
        return indexes[indexes.length - (indexes.length / 2 + 1)];
    }

    private static boolean majorityOf(List<NodeId> voters, Collection<NodeId> agreeing) {
        int count = 0;
        for (NodeId v : voters) {
            if (agreeing.contains(v)) count++;
        }
        return count >= voters.size() / 2 + 1;
    }

    /** Every voter of either half but {@code self}, in id order: whom RequestVote and AppendEntries go to. */
    List<NodeId> peersOf(NodeId self) {
        TreeSet<NodeId> all = new TreeSet<>(voters);
        all.addAll(oldVoters);
        all.remove(self);
        return new ArrayList<>(all);
    }

    /** Same voters, whatever entry set them. */
    boolean sameVoters(Configuration other) {
        return voters.equals(other.voters) && oldVoters.equals(other.oldVoters);
    }
}
