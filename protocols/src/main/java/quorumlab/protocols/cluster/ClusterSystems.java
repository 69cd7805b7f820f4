package quorumlab.protocols.cluster;

import com.typesafe.config.Config;
import java.util.List;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;

/**
 * The cluster runtime's Pekko setup for actors outside this package (the experiment workers of
 * quorumlab.analysis.workers): the same Artery TCP, Jackson CBOR with {@link WireMapper}'s restricted
 * typing, no downing provider and quiet logging as the node processes, so both stay configured alike.
 */
public final class ClusterSystems {
    public static final String SYSTEM = ClusterPekko.SYSTEM;

    /** The configuration of a process on {@code host:port} with {@code role}, joining through {@code seedNodes}. */
    public static Config config(String host, int port, List<String> seedNodes, String role) {
        return ClusterPekko.config(host, port, seedNodes, role);
    }

    /** Starts an actor system with {@code config} and the cluster runtime's Jackson mapper. */
    public static <T> ActorSystem<T> start(Behavior<T> guardian, Config config) {
        return ClusterPekko.start(guardian, config);
    }

    /** The address of the actor system on {@code host:port}, as a seed node is written. */
    public static String address(String host, int port) {
        return ClusterPekko.address(host, port);
    }

    /** Makes this process end with the process that started it, as a node process does. */
    public static void exitWithParent() {
        NodeMain.exitWithParent();
    }

    private ClusterSystems() {}
}
