package quorumlab.protocols.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One JVM the coordinator started for a node incarnation. Its standard input stays an open pipe
 * from the coordinator (the child exits when it closes); its output goes to a log file.
 */
final class NodeProcess {
    private final Process process;
    private final Path log;

    private NodeProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts {@code java <jvmOptions> -cp <this JVM's class path> NodeMain <spec>}, logging to {@code log}. */
    static NodeProcess launch(NodeSpec spec, List<String> launcher, List<String> jvmOptions, Path log) {
        List<String> java = new ArrayList<>();
        java.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        java.addAll(jvmOptions);
        java.add("-cp");
        java.add(System.getProperty("java.class.path"));
        java.add(NodeMain.class.getName());
        java.add(spec.toJson());
        List<String> command = new ArrayList<>(launcher);
        // a launcher such as ssh hands its words to a shell on the other host: quote them for it
        if (launcher.isEmpty()) command.addAll(java);
        else java.forEach(w -> command.add("'" + w.replace("'", "'\\''") + "'"));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putIfAbsent("QUORUMLAB_LOG_LEVEL", "WARN");
        try {
            return new NodeProcess(pb.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the process of " + spec.node() + ": " + e.getMessage(), e);
        }
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    ProcessHandle handle() {
        return process.toHandle();
    }

    /** SIGKILL, then wait (briefly) until it is gone, so its port is free again. */
    void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Sends {@code SIGSTOP} or {@code SIGCONT} ({@code signal} is {@code STOP} or {@code CONT}). */
    void signal(String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).redirectErrorStream(true).start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run kill -" + signal + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits up to {@code millis} for the process to exit by itself. */
    boolean awaitExit(long millis) {
        try {
            return process.waitFor(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The last lines of the process's log, for an error message. */
    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size())) + " (log: " + log + ")";
        } catch (IOException | UncheckedIOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
