package quorumlab.analysis.workers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import quorumlab.analysis.experiment.Trials;
import quorumlab.protocols.cluster.ClusterSystems;
import quorumlab.workload.Runner;
import quorumlab.workload.Scenario;

/**
 * The coordinator's side, as a {@link Runner.SeedExecutor}: an actor system on {@code host:port}
 * that workers join ({@code quorumlab worker --join HOST:PORT}), and optionally {@code n} local
 * worker processes it starts itself: child JVMs with this JVM's class path, which exit when this
 * pool closes, when this JVM exits (even killed: their standard input is a pipe from it) or on
 * Ctrl-C. Every pool is closed after the command that opened it ({@link #closeAll}).
 */
public final class WorkerPool implements Runner.SeedExecutor, Trials.Remote, AutoCloseable {
    /**
     * JVM options for the local workers, e.g. a test's fast-start flags; else the environment's
     * {@code QUORUMLAB_WORKER_JAVA_OPTS}; else this JVM's {@code -Xm...} and {@code -XX:} options.
     */
    public static final String JVM_OPTIONS_PROPERTY = "quorumlab.workers.jvmOptions";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The pools each thread's command opened: commands (and tests) run side by side close only their own. */
    private static final ThreadLocal<List<WorkerPool>> OPEN = ThreadLocal.withInitial(ArrayList::new);

    private final ActorSystem<WorkerWire> system;
    private final List<Process> processes = new ArrayList<>();
    private final Path logs;
    private final String address;
    private final AtomicLong nextUnit = new AtomicLong();
    private final Thread onExit;
    private volatile String status = "";
    private boolean closed;

    private WorkerPool(int local, String host, int port, PrintStream err) {
        boolean remote = port != 0;
        this.system = bind(Coordinator.create(WorkerVersion.current(), err, s -> status = s, local, remote), host, port);
        Cluster.get(system).manager().tell(Join.create(system.address()));
        this.address = system.address().host().get() + ":" + system.address().port().get();
        this.onExit = new Thread(this::killProcesses, "quorumlab-workers-exit");
        Runtime.getRuntime().addShutdownHook(onExit);
        try {
            this.logs = Files.createTempDirectory("quorumlab-workers-");
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("cannot create a directory for the workers' logs: " + e.getMessage(), e);
        }
        int slots = Math.max(1, Runtime.getRuntime().availableProcessors() / Math.max(1, local));
        for (int i = 1; i <= local; i++) launch("w" + i, slots);
        if (remote) err.println("quorumlab: waiting for workers at " + address + " (quorumlab worker --join " + address + ")");
    }

    /** The coordinator's actor system on {@code host:port}; an address it cannot take is bad input, in one line. */
    private static ActorSystem<WorkerWire> bind(org.apache.pekko.actor.typed.Behavior<WorkerWire> coordinator, String host, int port) {
        try {
            return ClusterSystems.start(coordinator, Coordinator.config(host, port, List.of(), Coordinator.ROLE));
        } catch (RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof java.net.BindException) {
                    throw new IllegalArgumentException("--listen: cannot listen on " + host + ":" + port + ": "
                            + (t.getMessage() != null && t.getMessage().contains("in use") ? "the port is in use" : t.getMessage()), e);
                }
            }
            throw e;
        }
    }

    /**
     * Starts a pool with {@code local} worker processes; {@code listen} is {@code HOST:PORT} for workers
     * on other hosts to join, or null for local workers only (on 127.0.0.1, a free port).
     */
    public static WorkerPool start(int local, String listen, PrintStream err) {
        if (local < 0) throw new IllegalArgumentException("--workers: expected 0 or more, got " + local);
        if (local == 0 && listen == null) throw new IllegalArgumentException("--workers 0 needs --listen HOST:PORT for workers on other hosts");
        String host = "127.0.0.1";
        int port = 0;
        if (listen != null) {
            HostPort hp = HostPort.parse("--listen", listen);
            host = hp.host();
            port = hp.port();
            if (port == 0) throw new IllegalArgumentException("--listen: give a port other than 0, for workers to join");
        }
        // SLF4J set up before the actor system, so no early log call is buffered and replayed with a warning
        org.slf4j.LoggerFactory.getILoggerFactory();
        WorkerPool pool = new WorkerPool(local, host, port, err);
        OPEN.get().add(pool);
        return pool;
    }

    /** Closes every pool this thread opened and has not closed: the command line calls it after each command. */
    public static void closeAll() {
        List<WorkerPool> pools = new ArrayList<>(OPEN.get());
        OPEN.get().clear();
        pools.forEach(WorkerPool::close);
    }

    /** The pools open now, for a test that kills a worker of the one a command opened. */
    static List<WorkerPool> open() {
        return new ArrayList<>(OPEN.get());
    }

    /** Where workers join: {@code HOST:PORT}. */
    public String address() {
        return address;
    }

    /** Per worker: runs done and running, e.g. {@code w1 12 done, 2 running; w2 11 done, 2 running}. */
    @Override
    public String status() {
        return status;
    }

    /** The local worker processes, for a test that kills one. */
    public List<ProcessHandle> processes() {
        synchronized (processes) {
            return processes.stream().map(Process::toHandle).toList();
        }
    }

    @Override
    public CompletableFuture<Runner.SeedRun> submit(Runner.SeedJob job) {
        if (job.runtime() != Runner.RuntimeKind.SIM) {
            throw new IllegalArgumentException("--workers needs --runtime sim: a worker runs seeds in the simulator");
        }
        CompletableFuture<WorkerWire.Result> done = new CompletableFuture<>();
        WorkerWire.Unit unit = new WorkerWire.Unit(nextUnit.incrementAndGet(), toJson(job.scenario()), job.protocol(), job.seed());
        system.tell(new WorkerWire.Submit(unit, job.dir(), done));
        return done.thenApply(r -> new Runner.SeedRun(job.protocol(), job.seed(), job.dir(), r.completedOperations(), r.wallSeconds(),
                r.messagesDelivered()));
    }

    @Override
    public CompletableFuture<byte[]> submit(String experiment, String plan, int from, int to) {
        CompletableFuture<WorkerWire.Result> done = new CompletableFuture<>();
        WorkerWire.Unit unit = new WorkerWire.Unit(nextUnit.incrementAndGet(), "", "", 0, new WorkerWire.TrialBatch(experiment, plan, from, to));
        system.tell(new WorkerWire.Submit(unit, null, done));
        return done.thenApply(WorkerWire.Result::trials);
    }

    /** The scenario as its loader reads it back (the worker checks that it does). */
    static String toJson(Scenario scenario) {
        try {
            return JSON.writeValueAsString(scenario);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the scenario " + scenario.name() + " as JSON: " + e.getMessage(), e);
        }
    }

    private void launch(String name, int slots) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(quorumlab.analysis.cli.Main.class.getName());
        // a JVM on a crowded machine can take minutes to join; it ends with this one anyway
        command.addAll(List.of("worker", "--join", address, "--name", name, "--slots", Integer.toString(slots), "--timeout", "600", "--with-parent"));
        Path log = logs.resolve(name + ".log");
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        try {
            Process p = pb.start();
            synchronized (processes) {
                processes.add(p);
            }
            p.onExit().thenRun(() -> system.tell(new WorkerWire.ProcessExited(name, p.exitValue())));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start worker " + name + ": " + e.getMessage(), e);
        }
    }

    private static List<String> jvmOptions() {
        String given = System.getProperty(JVM_OPTIONS_PROPERTY, System.getenv("QUORUMLAB_WORKER_JAVA_OPTS"));
        if (given != null) return given.isBlank() ? List.of() : List.of(given.trim().split("\\s+"));
        return ManagementFactory.getRuntimeMXBean().getInputArguments().stream().filter(a -> a.startsWith("-Xm") || a.startsWith("-XX:")).toList();
    }

    /** Tells the workers the run is over, waits briefly for the local ones to exit, then ends the rest and the actor system. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        CompletableFuture<Void> told = new CompletableFuture<>();
        system.tell(new WorkerWire.Close(told));
        try {
            told.get(5, TimeUnit.SECONDS);
            long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            for (Process p : started()) {
                long left = until - System.nanoTime();
                if (left > 0) p.waitFor(left, TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
            // the actor system is gone already: the processes are ended below
        }
        killProcesses();
        system.terminate();
        try {
            system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // ending anyway
        }
        try {
            Runtime.getRuntime().removeShutdownHook(onExit);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running
        }
        if (logs != null) Runner.deleteRecursively(logs);
    }

    private void killProcesses() {
        synchronized (processes) {
            for (Process p : processes) p.destroyForcibly();
        }
    }

    private List<Process> started() {
        synchronized (processes) {
            return new ArrayList<>(processes);
        }
    }

    /** {@code HOST:PORT} from the command line. */
    record HostPort(String host, int port) {
        static HostPort parse(String option, String text) {
            int colon = text.lastIndexOf(':');
            if (colon <= 0 || colon == text.length() - 1) throw new IllegalArgumentException(option + ": expected HOST:PORT, got '" + text + "'");
            try {
                int port = Integer.parseInt(text.substring(colon + 1));
                if (port < 0 || port > 65535) throw new NumberFormatException();
                return new HostPort(text.substring(0, colon), port);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + ": '" + text.substring(colon + 1) + "' is not a port (0-65535)");
            }
        }
    }
}
