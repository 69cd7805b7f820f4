package quorumlab.protocols.runtime;

import quorumlab.protocols.ClientReply;

/** The {@code outcome} field of {@code complete} trace records, the same in every runtime. */
public final class ClientOutcome {
    /** The command was committed and applied ({@code reply.result.ok} says whether a cas matched). */
    public static final String OK = "ok";
    /** The node did not lead; the command was not taken on by that node. */
    public static final String NOT_LEADER = "not_leader";
    /** The node refused the command for good. */
    public static final String REJECTED = "rejected";
    /**
     * The node was down, so its connection refused the request (or broke with it outstanding), as a
     * reset TCP connection tells a client at once; the request may or may not have reached it.
     */
    public static final String REFUSED = "refused";
    /** No reply came before the client gave up: the command may or may not take effect. */
    public static final String TIMEOUT = "timeout";

    private ClientOutcome() {}

    public static String of(ClientReply reply) {
        if (reply instanceof ClientReply.Committed) return OK;
        if (reply instanceof ClientReply.NotLeader) return NOT_LEADER;
        return REJECTED;
    }
}
