package quorumlab.paxos;

import quorumlab.protocols.NodeId;

/** A ballot number (round, proposer), ordered by round then node, so no two proposers share one. */
record Ballot(long round, NodeId node) implements Comparable<Ballot> {
    /** Below every real ballot: real rounds start at 1. */
    static final Ballot ZERO = new Ballot(0, NodeId.of(1));

    @Override
    public int compareTo(Ballot other) {
        int byRound = Long.compare(round, other.round);
        return byRound != 0 ? byRound : Integer.compare(node.id(), other.node.id());
    }

    boolean greaterThan(Ballot other) {
        return compareTo(other) > 0;
    }
}
