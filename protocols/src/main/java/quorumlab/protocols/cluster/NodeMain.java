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

    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: NodeMain <node spec as JSON>");
            System.exit(2);
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
        ActorSystem<Wire> system = ClusterPekko.start(NodeHost.create(spec, store),
                ClusterPekko.config(spec.host(), spec.port(), spec.seedNodes(), ClusterPekko.roleOf(spec.node())));
        system.getWhenTerminated().toCompletableFuture().join();
        // Wire.Stop halts the process, so an actor system that terminated ended by itself (Pekko logged why above)
        String reason = org.apache.pekko.actor.CoordinatedShutdown.get(system).getShutdownReason()
                .map(r -> r.getClass().getSimpleName()).orElse("no reason given");
        System.err.println(spec.node() + ": the actor system terminated by itself (" + reason + ")");
        System.exit(EXIT_TERMINATED);
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
