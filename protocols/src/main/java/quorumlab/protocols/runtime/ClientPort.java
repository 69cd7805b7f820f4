package quorumlab.protocols.runtime;

import quorumlab.protocols.ClientRequest;
import quorumlab.protocols.NodeId;

/**
 * A client's connection to the cluster, given by {@link ClusterRuntime#addClient}. Requests and
 * replies cross a client link (a small delay; lost when the node is down). The runtime writes an
 * {@code invoke} trace record for every submit and one {@code complete} record per outstanding
 * request: for the first reply that reaches the client, or for {@link #timedOut}.
 */
public interface ClientPort {
    /** The runtime's clock, in nanoseconds. */
    long now();

    /** Runs {@code action} (on the client's thread) after {@code delayNanos}. */
    void schedule(long delayNanos, Runnable action);

    /**
     * Sends {@code request} to {@code node}. {@code intendedNanos} is when an open-loop client meant
     * to send it (pass {@link #now()} for a closed-loop client), recorded for latency.
     */
    void submit(NodeId node, ClientRequest request, long intendedNanos);

    /**
     * The client gave up waiting for {@code (clientId, seq)}: records a {@code complete} with outcome
     * {@code timeout} if it is still outstanding. A reply arriving later still reaches the handler,
     * but is not recorded again.
     */
    void timedOut(long clientId, long seq);
}
