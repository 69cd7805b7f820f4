package quorumlab.raft;

import java.util.HashSet;
import java.util.Set;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.Role;
import quorumlab.raft.RaftMessage.RequestVote;
import quorumlab.raft.RaftMessage.RequestVoteReply;

/** Leader election (Raft §5.2, §5.4.1) and, as an option, the thesis's pre-vote (§9.6). */
final class Election {
    private final RaftNode node;
    /** Who granted this node a vote (or a pre-vote) in the round it is running now, itself included. */
    private final Set<NodeId> votes = new HashSet<>();

    Election(RaftNode node) {
        this.node = node;
    }

    /**
     * Figure 2, followers: "If election timeout elapses without receiving AppendEntries RPC from
     * current leader or granting vote to candidate: convert to candidate"; candidates: "If election
     * timeout elapses: start new election".
     */
    void onElectionTimeout() {
        if (node.role == Role.LEADER) return;
        // Thesis ch. 4: only voters of the configuration in force stand; a new server that has not
        // been added yet, or one that learned of its removal, waits to hear from a leader.
        if (!node.membership.isVoter()) {
            if (node.membership.removalMayNotBeCommitted()) {
                // Thesis §4.2.2: "a server that is not part of its own latest configuration should
                // still start new elections, as it might still be needed until the C_new entry is
                // committed" (a removed leader deposed before it committed its removal holds C_new
                // alone). Its own vote does not count (isQuorum counts the voters of C_new only).
                // It asks for a pre-vote first whatever the option says, so it wins only if C_new's
                // voters hear from no leader and its log is as up to date as theirs: a removed
                // follower that was never told its removal committed cannot disrupt (§4.2.3).
                startPreVote();
            } else {
                node.resetElectionTimer();
            }
            return;
        }
        if (node.options.preVote()) {
            startPreVote();
        } else {
            startElection();
        }
    }

    /**
     * Thesis §9.6: ask first whether a majority would vote for us in the next term, without raising
     * our term, so a node that cannot win (say, it was partitioned away) does not disrupt a leader.
     */
    private void startPreVote() {
        long proposedTerm = node.state.currentTerm() + 1;
        node.changeRole(Role.PRE_CANDIDATE);
        node.ctx.emit(new ProtocolEvent.ElectionStarted(proposedTerm, true));
        node.resetElectionTimer();
        votes.clear();
        votes.add(node.ctx.self());
        if (node.isQuorum(votes)) {
            startElection();
            return;
        }
        sendToVoters(new RequestVote(
                proposedTerm, node.ctx.self(), node.state.log.lastIndex(), node.state.log.lastTerm(), true));
    }

    /** Figure 2, candidates: increment currentTerm, vote for self, reset the timer, send RequestVote. */
    private void startElection() {
        long term = node.state.currentTerm() + 1;
        node.state.enterTermVotingFor(term, node.ctx.self());
        node.leaderId = null;
        node.changeRole(Role.CANDIDATE);
        node.ctx.emit(new ProtocolEvent.ElectionStarted(term, false));
        node.resetElectionTimer();
        votes.clear();
        votes.add(node.ctx.self());
        if (node.isQuorum(votes)) {
            node.becomeLeader();
            return;
        }
        sendToVoters(new RequestVote(
                term, node.ctx.self(), node.state.log.lastIndex(), node.state.log.lastTerm(), false));
    }

    /** The voters of the configuration in force (both halves during joint consensus), in id order. */
    private void sendToVoters(RequestVote rv) {
        for (NodeId peer : node.membership.current().peersOf(node.ctx.self())) node.ctx.send(peer, rv);
    }

    /** Figure 2, RequestVote RPC, receiver implementation. A higher term was adopted already. */
    void onRequestVote(NodeId from, RequestVote rv) {
        if (rv.preVote()) {
            onPreVote(from, rv);
            return;
        }
        long term = node.state.currentTerm();
        String refusal = null;
        if (rv.term() < term) {
            refusal = "stale term " + rv.term() + " < " + term;
        } else if (node.state.votedFor() != null && !node.state.votedFor().equals(rv.candidateId())) {
            refusal = "already voted for " + node.state.votedFor() + " in term " + term;
        } else if (!node.state.log.isUpToDate(rv.lastLogIndex(), rv.lastLogTerm())) {
            refusal = "candidate's log is behind ours (Raft §5.4.1)";
        }
        if (refusal == null) {
            // The vote is durable before the reply leaves (Figure 2), so a restart cannot vote twice.
            node.state.voteFor(rv.candidateId());
            node.resetElectionTimer();
            node.ctx.emit(new ProtocolEvent.VoteGranted(rv.candidateId(), term, false));
        } else {
            node.ctx.emit(new ProtocolEvent.VoteDenied(rv.candidateId(), rv.term(), false, refusal));
        }
        node.ctx.send(from, new RequestVoteReply(term, refusal == null, false));
    }

    /**
     * Thesis §9.6: grant a pre-vote if the candidate's next term is later than ours, its log is up to
     * date, and we have not heard from a live leader within the minimum election timeout. Nothing
     * durable changes, so nothing is written.
     */
    private void onPreVote(NodeId from, RequestVote rv) {
        long term = node.state.currentTerm();
        String refusal = null;
        if (rv.term() <= term) {
            refusal = "stale term " + rv.term() + " <= " + term;
        } else if (node.role == Role.LEADER || heardFromLeaderRecently()) {
            refusal = "a leader is alive";
        } else if (!node.state.log.isUpToDate(rv.lastLogIndex(), rv.lastLogTerm())) {
            refusal = "candidate's log is behind ours (Raft §5.4.1)";
        }
        if (refusal == null) {
            node.ctx.emit(new ProtocolEvent.VoteGranted(rv.candidateId(), rv.term(), true));
        } else {
            node.ctx.emit(new ProtocolEvent.VoteDenied(rv.candidateId(), rv.term(), true, refusal));
        }
        // A granted pre-vote echoes the term asked about; a refusal tells our term, which may be later.
        node.ctx.send(from, new RequestVoteReply(refusal == null ? rv.term() : term, refusal == null, true));
    }

    /**
     * Thesis §4.2.3: "if a server receives a RequestVote request within the minimum election timeout
     * of hearing from a current leader, it does not update its term or grant its vote". As in etcd,
     * this comes with checkQuorum: the leader that keeps a majority keeps leading, and one that
     * loses it steps down (§6.2), so ignoring votes cannot stall the cluster.
     */
    boolean ignoresVotes() {
        return node.options.checkQuorum() && (node.role == Role.LEADER || heardFromLeaderRecently());
    }

    /** Dropped without a reply and without adopting its term; the event shows why. */
    void ignore(RequestVote rv) {
        node.ctx.emit(new ProtocolEvent.VoteDenied(rv.candidateId(), rv.term(), false,
                "a leader was heard within the minimum election timeout (thesis §4.2.3)"));
    }

    boolean heardFromLeaderRecently() {
        return node.leaderId != null
                && node.ctx.now() - node.lastLeaderContact < node.options.electionTimeoutMinNanos();
    }

    /** Figure 2, candidates: "If votes received from majority of servers: become leader". */
    void onRequestVoteReply(NodeId from, RequestVoteReply reply) {
        if (!reply.voteGranted()) return;
        if (reply.preVote()) {
            boolean answersOurRound = node.role == Role.PRE_CANDIDATE && reply.term() == node.state.currentTerm() + 1;
            if (answersOurRound && votes.add(from) && node.isQuorum(votes)) {
                startElection();
            }
        } else {
            boolean answersOurRound = node.role == Role.CANDIDATE && reply.term() == node.state.currentTerm();
            if (answersOurRound && votes.add(from) && node.isQuorum(votes)) {
                node.becomeLeader();
            }
        }
    }
}
