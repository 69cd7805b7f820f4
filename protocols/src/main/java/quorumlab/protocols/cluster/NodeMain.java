package quorumlab.protocols.cluster;

import java.io.IOException;
import org.apache.pekko.actor.typed.ActorSystem;
import quorumlab.protocols.DurableStore;

/**
 * The main class of a node process: {@code java -cp <the coordinator's class path>
 * quorumlab.protocols.cluster.NodeMain '<spec as JSON>'}. It exits when the run stops it, and on its own
 * as soon as its parent goes away (its standard input, a pipe from the coordinator, reaches end of
 * file, or the parent process ends), so a coordinator that dies, even by SIGKILL, leaves no node behind.
 */
public final class NodeMain {
    /** The exit status of a node process whose actor system terminated without being told to stop. */
    static final int EXIT_TERMINATED = 4;
    /** The argument that makes this process the class-data archive's training run ({@link NodeClassData}). */
    static final String TRAIN = "--train";

    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: NodeMain <node spec as JSON>");
            System.exit(2);
        }
        if (args[0].equals(TRAIN)) {
            train();
            return;
        }
        exitWithParent();
        // SLF4J initialised before the actor system, so no early log call is buffered and replayed with a warning
        org.slf4j.LoggerFactory.getILoggerFactory();
        NodeSpec spec;
        try {
            spec = NodeSpec.parse(args[0]);
        } catch (IOException e) {
            System.err.println("node spec: " + e.getMessage());
            System.exit(2);
            return;
        }
        DurableStore store;
        try {
            // read back before joining: a store that cannot be read is this process's one-line error
            store = NodeStores.open(spec);
        } catch (RuntimeException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        // a node that fsyncs gets a thread of its own, so its syncs do not stop its network (ClusterPekko.NODE_DISPATCHER)
        org.apache.pekko.actor.typed.Props where = spec.store().equals(NodeStores.DISK)
                ? org.apache.pekko.actor.typed.DispatcherSelector.fromConfig(ClusterPekko.NODE_DISPATCHER)
                : org.apache.pekko.actor.typed.Props.empty();
        ActorSystem<Wire> system = ClusterPekko.start(NodeHost.create(spec, store),
                ClusterPekko.runtimeConfig(spec.host(), spec.port(), spec.seedNodes(), ClusterPekko.roleOf(spec.node())), where);
        system.getWhenTerminated().toCompletableFuture().join();
        // Wire.Stop halts the process, so an actor system that terminated ended by itself (Pekko logged why above)
        String reason = org.apache.pekko.actor.CoordinatedShutdown.get(system).getShutdownReason()
                .map(r -> r.getClass().getSimpleName()).orElse("no reason given");
        System.err.println(spec.node() + ": the actor system terminated by itself (" + reason + ")");
        System.exit(EXIT_TERMINATED);
    }

    /**
     * Loads what a node process loads, so that the JVM's class-data archive, written when this
     * process exits, holds it: a cluster actor system over Artery TCP that joins itself, the Jackson
     * CBOR serializer on {@link Wire} messages, a store on disk, the protocols' classes.
     */
    private static void train() {
        org.slf4j.LoggerFactory.getILoggerFactory();
        ActorSystem<Void> system = ClusterPekko.start(org.apache.pekko.actor.typed.javadsl.Behaviors.empty(),
                ClusterPekko.runtimeConfig("127.0.0.1", 0, java.util.List.of(), ClusterPekko.roleOf(quorumlab.protocols.NodeId.of(1))));
        try {
            var cluster = org.apache.pekko.cluster.typed.Cluster.get(system);
            cluster.manager().tell(new org.apache.pekko.cluster.typed.Join(cluster.selfMember().address()));
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (cluster.selfMember().status() != org.apache.pekko.cluster.MemberStatus.up() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            var serialization = org.apache.pekko.serialization.SerializationExtension.get(system.classicSystem());
            var members = quorumlab.protocols.ClusterConfig.ofSize(3).members();
            for (Wire w : java.util.List.<Wire>of(new Wire.Go(1, 1.0), new Wire.Leadership(members.get(0), true, false),
                    new Wire.Network(NetworkState.of(new quorumlab.protocols.runtime.NetworkModel(), members)))) {
                var serializer = serialization.findSerializerFor(w);
                serializer.fromBinary(serializer.toBinary(w), w.getClass());
            }
            java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("quorumlab-train-");
            quorumlab.protocols.store.DiskStore store = quorumlab.protocols.store.DiskStore.open(members.get(0), dir.resolve("store"));
            store.put("k", 1L);
            store.sync();
            store.close();
            try (var walk = java.nio.file.Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
            quorumlab.protocols.Protocol.all().forEach(p -> p.resolveOptions(java.util.Map.of()));
        } catch (Exception e) {
            System.err.println("training: " + e);
            system.terminate();
            System.exit(1);
        }
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().join();
        // a normal exit, not halt: the JVM writes the archive on its way out
        System.exit(0);
    }

    /** A child process ends with its parent: when its standard input (a pipe from it) closes, or the parent process ends. */
    static void exitWithParent() {
        Thread stdin = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // the coordinator writes nothing; end of file means it is gone
                }
            } catch (IOException e) {
                // a broken pipe means the same
            }
            Runtime.getRuntime().halt(0);
        }, "parent-watch");
        stdin.setDaemon(true);
        stdin.start();
        ProcessHandle.current().parent().ifPresent(p -> p.onExit().thenRun(() -> Runtime.getRuntime().halt(0)));
    }

    private NodeMain() {}
}
