package quorumlab.protocols;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.Optional;

/** A node's answer to a {@link ClientRequest}. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = ClientReply.Committed.class, name = "committed"),
    @JsonSubTypes.Type(value = ClientReply.NotLeader.class, name = "not_leader"),
    @JsonSubTypes.Type(value = ClientReply.Rejected.class, name = "rejected"),
})
public sealed interface ClientReply {
    long clientId();

    long seq();

    /** The command was chosen at {@code index} and applied, giving {@code result}. */
    record Committed(long clientId, long seq, long index, Result result) implements ClientReply {}

    /** This node does not lead; {@code hint} names the leader it believes in, if any. */
    record NotLeader(long clientId, long seq, Optional<NodeId> hint) implements ClientReply {}

    /** The node refuses the request for good (for example, a malformed command). */
    record Rejected(long clientId, long seq, String reason) implements ClientReply {}
}
