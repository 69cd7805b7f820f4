package quorumlab.protocols.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.pekko.actor.setup.ActorSystemSetup;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.BootstrapSetup;
import org.apache.pekko.serialization.jackson.JacksonObjectMapperProviderSetup;

/**
 * The Pekko configuration every process of the cluster runtime shares (docs/cluster-runtime.md
 * explains each choice). In short: Artery TCP on the given host and port; {@link Wire} serialized
 * by Jackson CBOR and Java serialization off; Pekko Cluster for membership and discovery only, so
 * no downing provider at all (no Split Brain Resolver, no auto-down): an unreachable node, killed
 * or paused, stays a member and comes back when it answers again. Only a new incarnation of a node
 * (the restart of a killed process on the same port) replaces the old one, as Pekko always does.
 */
final class ClusterPekko {
    static final String SYSTEM = "quorumlab";
    static final String COORDINATOR_ROLE = "coordinator";

    static String roleOf(quorumlab.protocols.NodeId node) {
        return "node-" + node;
    }

    static String address(String host, int port) {
        return "pekko://" + SYSTEM + "@" + host + ":" + port;
    }

    private static String quoted(String s) {
        return "\"" + s.replace("\"", "\\\"") + "\"";
    }

    static Config config(String host, int port, List<String> seedNodes, String role) {
        String seeds = seedNodes.stream().map(ClusterPekko::quoted).collect(Collectors.joining(", "));
        // The coordinator's output is the program's: the unreachable members and refused connections
        // a crash fault causes are expected there. A node's log file keeps its warnings.
        String level = role.equals(COORDINATOR_ROLE) ? "ERROR" : "WARNING";
        String text = String.join("\n",
                "pekko.loglevel = " + level,
                "pekko.stdout-loglevel = OFF",
                "pekko.loggers = [\"org.apache.pekko.event.slf4j.Slf4jLogger\"]",
                "pekko.logging-filter = \"org.apache.pekko.event.slf4j.Slf4jLoggingFilter\"",
                "pekko.log-dead-letters = off",
                "pekko.log-dead-letters-during-shutdown = off",
                "pekko.scheduler.tick-duration = 1ms",
                "pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off",
                "pekko.coordinated-shutdown.exit-jvm = off",
                "pekko.jvm-exit-on-fatal-error = off",
                "pekko.actor.provider = cluster",
                "pekko.actor.allow-java-serialization = off",
                "pekko.actor.serialization-bindings { \"quorumlab.protocols.cluster.Wire\" = jackson-cbor }",
                "pekko.remote.artery.transport = tcp",
                "pekko.remote.artery.canonical.hostname = " + quoted(host),
                "pekko.remote.artery.canonical.port = " + port,
                // a Promise or InstallSnapshot after a long run can be larger than the default 256 KiB
                "pekko.remote.artery.advanced.maximum-frame-size = 1MiB",
                // The stream to a killed node fails at every reconnection attempt; by default Pekko
                // terminates the whole actor system after 5 failures in 5 s, so a live node would
                // exit because a peer was killed. Here a dead peer is the experiment, not a fault.
                "pekko.remote.artery.advanced.outbound-max-restarts = 1000000",
                "pekko.remote.artery.advanced.inbound-max-restarts = 1000000",
                // loopback or a LAN: retry a handshake soon, not after the default second
                "pekko.remote.artery.advanced.handshake-retry-interval = 200ms",
                "pekko.cluster.seed-nodes = [" + seeds + "]",
                // a join attempt that timed out on a busy machine is retried soon, not after the default 10 s
                "pekko.cluster.retry-unsuccessful-join-after = 1s",
                // A handful of members on loopback or a LAN: gossip and leader actions five times as often
                // as the defaults, so nodes join (and a restarted incarnation replaces its old one) in
                // a fraction of a second instead of several
                "pekko.cluster.periodic-tasks-initial-delay = 100ms",
                "pekko.cluster.gossip-interval = 200ms",
                "pekko.cluster.leader-actions-interval = 200ms",
                "pekko.cluster.roles = [" + quoted(role) + "]",
                // membership and discovery only: nothing ever downs (and so removes) a member
                "pekko.cluster.downing-provider-class = \"\"",
                // the failure detector only marks members unreachable; a long pause keeps logs quiet under load
                "pekko.cluster.failure-detector.acceptable-heartbeat-pause = 10s",
                // a restarted node joins while another member is unreachable: let it be WeaklyUp soon
                "pekko.cluster.allow-weakly-up-members = 200ms",
                "pekko.cluster.jmx.enabled = off",
                "pekko.cluster.log-info = off",
                "pekko.cluster.run-coordinated-shutdown-when-down = off",
                // at the end of a run the other members are gone: leaving cannot converge, so do not wait for it
                "pekko.coordinated-shutdown.phases.cluster-leave.timeout = 1s",
                "pekko.coordinated-shutdown.phases.cluster-exiting.timeout = 500ms",
                "pekko.coordinated-shutdown.phases.cluster-sharding-shutdown-region.timeout = 500ms");
        return ConfigFactory.parseString(text).withFallback(ConfigFactory.load());
    }

    /**
     * The thread of a node whose store is on disk ({@link NodeMain}): an fsync takes milliseconds, and
     * on the one thread of {@link #runtimeConfig} it would stop the node's network too (no message
     * read or sent while the store syncs). With the node on a thread of its own, Artery goes on
     * reading and sending, and the messages that arrive during a sync share the next one (group
     * commit); it costs a thread hand-off each way per message. Measured in docs/cluster-runtime-bench.md.
     */
    static final String NODE_DISPATCHER = "quorumlab.node-dispatcher";

    /**
     * The configuration of the cluster runtime's own processes (the node processes and the
     * coordinator): {@link #config} with every dispatcher Pekko would use folded into one thread.
     *
     * <p>By default a message crossing Artery changes threads about six times: the sending actor's
     * thread hands it to the outbound stream (the remote dispatcher), which hands it to the TCP
     * connection actor (the internal dispatcher); on the other side the selector thread wakes the
     * connection actor, which hands the bytes to the inbound stream, which splits them over inbound
     * lanes, which put the message in the recipient's mailbox (the default dispatcher). Each hand-off
     * to an idle pool wakes a parked thread, and on a busy machine a woken thread waits for a core:
     * measured, one write at a time spent 1-3 ms per hop this way (docs/cluster-runtime-bench.md,
     * "Where the time goes at one outstanding write"). With one thread for the actors, the streams
     * and the connection actors, a hop wakes a thread once (the selector's wake-up of that thread)
     * and the rest are queue operations on the thread already running. A node's handlers ran one at
     * a time anyway; what it loses is serialization in parallel with its handlers, which two cores
     * shared by four processes hardly gave. A node with a disk store runs its actor on a thread of
     * its own ({@link #NODE_DISPATCHER}). The workers ({@link ClusterSystems}) keep Pekko's pools.
     */
    static Config runtimeConfig(String host, int port, List<String> seedNodes, String role) {
        String text = String.join("\n",
                "pekko.actor.default-dispatcher.fork-join-executor.parallelism-min = 1",
                "pekko.actor.default-dispatcher.fork-join-executor.parallelism-max = 1",
                "pekko.actor.internal-dispatcher = \"pekko.actor.default-dispatcher\"",
                "pekko.remote.artery.advanced.use-dispatcher = \"pekko.actor.default-dispatcher\"",
                "pekko.remote.artery.advanced.use-control-stream-dispatcher = \"pekko.actor.default-dispatcher\"",
                // Pekko's own advice for the lowest latency: one inbound lane is one asynchronous boundary less
                "pekko.remote.artery.advanced.inbound-lanes = 1",
                NODE_DISPATCHER + " { type = PinnedDispatcher, executor = \"thread-pool-executor\" }");
        return ConfigFactory.parseString(text).withFallback(config(host, port, seedNodes, role));
    }

    static <T> ActorSystem<T> start(Behavior<T> guardian, Config config) {
        return start(guardian, config, Props.empty());
    }

    /** Starts an actor system whose guardian runs with {@code guardianProps} (e.g. on a dispatcher of its own). */
    static <T> ActorSystem<T> start(Behavior<T> guardian, Config config, Props guardianProps) {
        ActorSystemSetup setup = ActorSystemSetup.create(BootstrapSetup.create(config))
                .withSetup(JacksonObjectMapperProviderSetup.create(new WireMapper()));
        return ActorSystem.apply(guardian, SYSTEM, setup, guardianProps);
    }

    private ClusterPekko() {}
}
