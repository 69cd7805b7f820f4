package quorumlab.analysis.workers;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import quorumlab.protocols.cluster.ClusterSystems;
import quorumlab.workload.Runner;

@Command(name = "worker", mixinStandardHelpOptions = true,
        description = {"Joins a coordinator and runs its seeds.",
            "The coordinator is a compare or sweep with --listen.",
            "The worker pulls a seed whenever a slot is free, runs and",
            "checks it, and sends its files back; it exits when the",
            "coordinator is done (docs/workers.md).",
            "Exit: 0 done, 2 bad input, refused, or no coordinator."})
public final class WorkerCommand implements Callable<Integer> {
    @Option(names = "--join", required = true, paramLabel = "HOST:PORT", description = {"The coordinator's address", "(its --listen)."})
    String join;

    @Option(names = "--slots", paramLabel = "N", description = {"Seeds run at once.", "Default: this machine's cores."})
    Integer slots;

    @Option(names = "--name", paramLabel = "NAME", description = {"This worker's name in the progress", "line. Default: host-pid."})
    String name;

    @Option(names = "--host", paramLabel = "HOST",
            description = {"The address the coordinator reaches", "this worker at. Default: this host's", "address towards the coordinator."})
    String host;

    @Option(names = "--port", defaultValue = "0", paramLabel = "PORT", description = {"This worker's port.", "Default: a free one."})
    int port;

    @Option(names = "--timeout", defaultValue = "30", paramLabel = "SECONDS",
            description = {"How long to try to reach the", "coordinator. Default: ${DEFAULT-VALUE}."})
    int timeoutSeconds;

    // exit with the parent process (a coordinator that started this worker)
    @Option(names = "--with-parent", hidden = true)
    boolean withParent;

    @Override
    public Integer call() throws IOException, InterruptedException {
        WorkerPool.HostPort coordinator = WorkerPool.HostPort.parse("--join", join);
        if (coordinator.port() == 0) throw new IllegalArgumentException("--join: the port must not be 0");
        if (slots != null && slots < 1) throw new IllegalArgumentException("--slots: expected 1 or more, got " + slots);
        if (timeoutSeconds < 1) throw new IllegalArgumentException("--timeout: expected 1 or more seconds, got " + timeoutSeconds);
        if (withParent) ClusterSystems.exitWithParent();
        String self = host != null ? host : localAddressTowards(coordinator);
        int n = slots != null ? slots : Runtime.getRuntime().availableProcessors();
        String me = name != null ? name : InetAddress.getLocalHost().getHostName() + "-" + ProcessHandle.current().pid();
        Path scratch = Files.createTempDirectory("quorumlab-worker-");
        org.slf4j.LoggerFactory.getILoggerFactory();
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        ActorSystem<WorkerWire> system;
        try {
            system = ClusterSystems.start(
                    WorkerNode.create(new WorkerNode.Settings(me, n, coordinator.host(), coordinator.port(), Duration.ofSeconds(timeoutSeconds),
                            scratch), System.err, exit),
                    Coordinator.config(self, port, List.of(ClusterSystems.address(coordinator.host(), coordinator.port())), "worker"));
        } catch (RuntimeException e) {
            Runner.deleteRecursively(scratch);
            throw new IllegalArgumentException("cannot start the worker on " + self + ":" + port + ": " + e.getMessage(), e);
        }
        try {
            return exit.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            system.terminate();
            try {
                system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                // exiting anyway
            }
            Runner.deleteRecursively(scratch);
        }
    }

    /** The local address of the interface that leads to the coordinator (no packet is sent). */
    private static String localAddressTowards(WorkerPool.HostPort coordinator) {
        try (DatagramSocket probe = new DatagramSocket()) {
            InetAddress target = InetAddress.getByName(coordinator.host());
            if (target.isLoopbackAddress()) return target.getHostAddress();
            probe.connect(new InetSocketAddress(target, coordinator.port()));
            return probe.getLocalAddress().getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("--join: unknown host '" + coordinator.host() + "'");
        } catch (IOException e) {
            throw new IllegalArgumentException("--join: no route to " + coordinator.host() + ": " + e.getMessage());
        }
    }
}
