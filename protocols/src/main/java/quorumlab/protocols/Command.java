package quorumlab.protocols;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** What a log entry or a slot holds: a client's request, or a no-op that fills a hole. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = ClientRequest.class, name = "request"),
    @JsonSubTypes.Type(value = NoOp.class, name = "noop"),
})
public sealed interface Command permits ClientRequest, NoOp {
    /** A stable identity, equal for equal commands: {@code "c<clientId>:<seq>"} or {@code "noop"}. */
    String id();

    int sizeBytes();
}
