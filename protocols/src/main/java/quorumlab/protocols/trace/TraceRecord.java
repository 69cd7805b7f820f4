package quorumlab.protocols.trace;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;
import quorumlab.protocols.ClientReply;
import quorumlab.protocols.ClientRequest;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.ProtocolEvent;

/**
 * One line of a trace (JSON Lines). Both runtimes write the same records; the analysis reads only
 * these. Every line also carries {@code "v"}, the schema version ({@link #SCHEMA_VERSION}); see
 * docs/trace-format.md.
 *
 * <p>{@code t} is nanoseconds since the run began (virtual in the simulator, real in Pekko).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
    @JsonSubTypes.Type(value = TraceRecord.Meta.class, name = "meta"),
    @JsonSubTypes.Type(value = TraceRecord.Send.class, name = "send"),
    @JsonSubTypes.Type(value = TraceRecord.Deliver.class, name = "deliver"),
    @JsonSubTypes.Type(value = TraceRecord.Drop.class, name = "drop"),
    @JsonSubTypes.Type(value = TraceRecord.TimerSet.class, name = "timer_set"),
    @JsonSubTypes.Type(value = TraceRecord.TimerFire.class, name = "timer_fire"),
    @JsonSubTypes.Type(value = TraceRecord.Event.class, name = "event"),
    @JsonSubTypes.Type(value = TraceRecord.Invoke.class, name = "invoke"),
    @JsonSubTypes.Type(value = TraceRecord.Complete.class, name = "complete"),
    @JsonSubTypes.Type(value = TraceRecord.Fault.class, name = "fault"),
    @JsonSubTypes.Type(value = TraceRecord.MessageCounts.class, name = "counts"),
})
@JsonInclude(JsonInclude.Include.NON_NULL)
public sealed interface TraceRecord {
    int SCHEMA_VERSION = 1;

    long t();

    /**
     * First line of every trace: what ran. {@code warmup} and {@code end} (ns, null in old traces)
     * are the workload's configured start and end: clients send from {@code warmup} until {@code end};
     * what follows {@code end} is the drain.
     */
    record Meta(long t, String protocol, int nodes, long seed, String runtime, String scenario, Long warmup, Long end)
            implements TraceRecord {
        public Meta(long t, String protocol, int nodes, long seed, String runtime, String scenario) {
            this(t, protocol, nodes, seed, runtime, scenario, null, null);
        }
    }

    /** A node handed a message to the network. {@code id} pairs it with its deliver or drop. */
    record Send(long t, NodeId from, NodeId to, long id, String type, int bytes) implements TraceRecord {}

    record Deliver(long t, NodeId from, NodeId to, long id, String type) implements TraceRecord {}

    /** The network lost the message: {@code reason} is loss, partition, crashed, ... */
    record Drop(long t, NodeId from, NodeId to, long id, String type, String reason) implements TraceRecord {}

    record TimerSet(long t, NodeId node, String name, long delay) implements TraceRecord {}

    record TimerFire(long t, NodeId node, String name) implements TraceRecord {}

    record Event(long t, NodeId node, ProtocolEvent event) implements TraceRecord {}

    /**
     * A client sent a request to {@code node}. {@code intended} is the instant an open-loop client
     * meant to send it (equal to {@code t} for closed loop), so latency avoids coordinated omission.
     */
    record Invoke(long t, long intended, NodeId node, ClientRequest request) implements TraceRecord {}

    /** A reply reached its client ({@code reply} null with {@code outcome} "timeout" when none came). */
    record Complete(long t, long clientId, long seq, NodeId node, ClientReply reply, String outcome)
            implements TraceRecord {}

    /**
     * A fault from the timeline took effect. {@code fault} names it (crash, restart, partition, heal,
     * loss, pause, ...), {@code nodes} are the nodes it resolved to at that instant (for example the
     * leader), {@code detail} says the rest in words.
     */
    record Fault(long t, String fault, List<NodeId> nodes, String detail, List<List<NodeId>> groups) implements TraceRecord {
        public Fault(long t, String fault, List<NodeId> nodes, String detail) {
            this(t, fault, nodes, detail, null);
        }
    }

    /**
     * Peer messages {@code from} sent of one {@code type} in {@code (since, t]}: written by the runtime
     * at every trace level, in fixed intervals, so message cost never needs the full trace.
     * {@code category} is the message's {@link quorumlab.protocols.MessageCategory} name.
     */
    record MessageCounts(long t, long since, NodeId from, String type, String category, long count, long bytes)
            implements TraceRecord {}
}
