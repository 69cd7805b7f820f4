package quorumlab.protocols;

/** A node's role, in the words both protocols share. A Paxos proposer in phase 1 is a CANDIDATE. */
public enum Role {
    FOLLOWER,
    PRE_CANDIDATE,
    CANDIDATE,
    LEADER
}
