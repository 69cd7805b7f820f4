package quorumlab.protocols;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** What a log entry or a slot holds: a client's request, a no-op that fills a hole, or a new configuration. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = ClientRequest.class, name = "request"),
    @JsonSubTypes.Type(value = NoOp.class, name = "noop"),
    @JsonSubTypes.Type(value = ConfigurationCommand.class, name = "config"),
})
public sealed interface Command permits ClientRequest, NoOp, ConfigurationCommand {
    /**
     * A stable identity, equal for equal commands: {@code "c<clientId>:<seq>"}, {@code "noop"} or
     * {@code "config:..."} ({@link ConfigurationCommand#id()}).
     */
    String id();

    int sizeBytes();
}
