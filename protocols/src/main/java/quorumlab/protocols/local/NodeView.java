package quorumlab.protocols.local;

import quorumlab.protocols.DurableStore;
import quorumlab.protocols.KvStateMachine;
import quorumlab.protocols.Node;

/**
 * A look inside one node of the Pekko runtime, taken on the node's own actor (so it is consistent):
 * see {@link PekkoLocalRuntime#inspect}. {@code node} and {@code stateMachine} are null while the
 * node is crashed.
 */
public record NodeView(Node node, KvStateMachine stateMachine, DurableStore store, boolean up, boolean paused) {}
