package quorumlab.protocols.cluster;

import org.apache.pekko.actor.typed.ActorRef;
import quorumlab.protocols.ClientReply;
import quorumlab.protocols.ClientRequest;
import quorumlab.protocols.Message;
import quorumlab.protocols.NodeId;

/**
 * Everything that crosses a process boundary in the cluster runtime. Pekko serializes these (and the
 * protocol messages inside them) with Jackson CBOR: {@link WireMapper} says how, the configuration in
 * {@link ClusterPekko} binds this interface to the {@code jackson-cbor} serializer, and Java
 * serialization is switched off.
 */
public sealed interface Wire {
    // ---- coordinator to node ----

    /**
     * Start the protocol node now (its first start, or the first start of a restarted process).
     * {@code originNanos} is the coordinator's {@code System.nanoTime()} at the start of the run: on
     * one host every process reads the same monotonic clock, so a node's trace time is its own
     * {@code nanoTime() - originNanos} (docs/cluster-runtime.md says how other hosts are aligned).
     * {@code drift} is the node's timer rate.
     */
    record Go(long originNanos, double drift) implements Wire {}

    /**
     * Start a rehearsal instance of the protocol node: a store in memory, no trace, its own random
     * stream; it is thrown away at {@link Go}. It warms the process (the JIT, the serializers, the
     * connections to every peer) before the scenario's clock starts (docs/cluster-runtime.md).
     */
    record Rehearse() implements Wire {}

    /**
     * A client's request, to be answered at {@code replyTo} (the coordinator); {@code rehearsal}: the
     * warm-up's write, for the rehearsal instance only.
     */
    record Request(ClientRequest request, long id, ActorRef<Wire> replyTo, boolean rehearsal) implements Wire {}

    /** The network model changed: the node routes what it sends (and checks what arrives) by this from now on. */
    record Network(NetworkState state) implements Wire {}

    /** Answer with this process's {@code System.nanoTime()}: the coordinator measures another host's clock offset. */
    record Clock(long coordinatorNanos) implements Wire {}

    /** Scale this node's timers by {@code rate} from now on. */
    record Drift(double rate) implements Wire {}

    /** The run is over: close the store and the trace, and exit. */
    record Stop() implements Wire {}

    // ---- node to node ----

    /** A protocol message, numbered {@code id} for the trace; {@code rehearsal}: between rehearsal instances. */
    record Deliver(NodeId from, Message message, long id, boolean rehearsal) implements Wire {}

    // ---- node to coordinator ----

    /** The node process has joined the cluster, found its peers and waits for {@link Go}. */
    record Ready(NodeId node, int incarnation, ActorRef<Wire> ref, long pid) implements Wire {}

    /** The answer to {@link Clock}. */
    record ClockReading(NodeId node, int incarnation, long coordinatorNanos, long nodeNanos) implements Wire {}

    /** A node's answer to a client. */
    record Reply(NodeId from, ClientReply reply) implements Wire {}

    /** The node became leader ({@code LeaderEstablished}) or left the role; {@code rehearsal}: its rehearsal instance did. */
    record Leadership(NodeId node, boolean leading, boolean rehearsal) implements Wire {}

    /** A node handler threw: a protocol bug, reported in one line. */
    record Failed(NodeId node, String line) implements Wire {}

    // ---- inside one process only (never serialized) ----

    /** A protocol timer of the node fired. */
    record Timer(String name) implements Wire {}

    /** The node's periodic tick: look for peers until all are found; write message counts. */
    record Tick() implements Wire {}

    /** Sync the store and release what the handlers since the last flush sent (group commit). */
    record Flush() implements Wire {}

    /** A delayed protocol message is due to leave this process now. */
    record Send(org.apache.pekko.actor.typed.ActorRef<Wire> to, Deliver deliver) implements Wire {}
}
