package quorumlab.protocols.sim;

import quorumlab.protocols.ClientReply;
import quorumlab.protocols.ClientRequest;
import quorumlab.protocols.Message;
import quorumlab.protocols.NodeId;

/**
 * One pending event of the simulation. Mutable and pooled (a message delivery allocates nothing once
 * the pool is warm); a timer's event belongs to its node and is reused when the timer restarts.
 */
final class SimEvent {
    static final int DELIVER = 0;
    static final int TIMER = 1;
    static final int CLIENT_REQUEST = 2;
    static final int CLIENT_REPLY = 3;
    static final int ACTION = 4;

    long time;
    long seq;
    int kind;
    /** Position in the event queue's heap, or -1 when not in it. */
    int heapIndex = -1;
    /** True while it waits in a paused node's queue. */
    boolean queued;

    /** The node it happens at (delivery, timer, client request), or the replying node (client reply). */
    SimNode node;
    NodeId from;
    Message message;
    long messageId;
    String timerName;
    ClientRequest request;
    ClientReply reply;
    SimClient client;
    Runnable action;

    void clear() {
        node = null;
        from = null;
        message = null;
        timerName = null;
        request = null;
        reply = null;
        client = null;
        action = null;
        queued = false;
    }

    boolean before(SimEvent other) {
        return time < other.time || (time == other.time && seq < other.seq);
    }
}
