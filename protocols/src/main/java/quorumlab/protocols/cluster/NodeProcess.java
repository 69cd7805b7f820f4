package quorumlab.protocols.cluster;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
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

    /**
     * Starts {@code java <jvmOptions> <classes.options> -cp <classes.classPath> NodeMain <spec>}, logging
     * to {@code log}; the class path is this JVM's, or the same as jars with a class-data archive
     * ({@link NodeClassData}).
     */
    static NodeProcess launch(NodeSpec spec, List<String> launcher, List<String> jvmOptions, NodeClassData.Launch classes, Path log) {
        List<String> java = new ArrayList<>();
        java.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        java.addAll(jvmOptions);
        java.addAll(classes.options());
        // the node's log is for what went wrong, not for the logging library's account of its own configuration
        java.add("-Dlogback.statusListenerClass=ch.qos.logback.core.status.NopStatusListener");
        java.add("-cp");
        java.add(classes.classPath());
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

    /**
     * Set before our own SIGKILL: the exit it causes may be reported after a restart has already
     * marked the node up again, and must not read as the process dying by itself.
     */
    private volatile boolean killed;

    boolean wasKilled() {
        return killed;
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
        killed = true;
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

    /**
     * Why the process ended, for an error message: its exit status and the last lines its log
     * records began with (a Pekko error's first line, not the stack trace under it, nor the
     * logging library's own status lines), and where the whole log is.
     */
    String logTail() {
        StringBuilder why = new StringBuilder();
        if (!process.isAlive()) why.append("exit status ").append(exitStatus(process.exitValue())).append("; ");
        List<String> records = lastRecords(TAIL_LINES);
        why.append(records.isEmpty() ? "nothing in its log" : String.join(" | ", records));
        return why.append(" (log: ").append(log).append(")").toString();
    }

    private static final int TAIL_LINES = 4;
    /** Enough of the end of a log for its last records, however long their stack traces. */
    private static final int TAIL_BYTES = 64 * 1024;

    private static String exitStatus(int code) {
        return code > 128 ? code + " (signal " + (code - 128) + ")" : Integer.toString(code);
    }

    private List<String> lastRecords(int count) {
        List<String> lines;
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            long start = Math.max(0, file.length() - TAIL_BYTES);
            byte[] bytes = new byte[(int) (file.length() - start)];
            file.seek(start);
            file.readFully(bytes);
            lines = new String(bytes, StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            return List.of("(no log: " + e.getMessage() + ")");
        }
        List<String> records = new ArrayList<>();
        for (int i = lines.size() - 1; i >= 0 && records.size() < count; i--) {
            String line = lines.get(i);
            boolean continuation = line.isBlank() || Character.isWhitespace(line.charAt(0)) || line.startsWith("Caused by")
                    || line.contains("|-INFO in ch.qos.logback") || line.contains("|-WARN in ch.qos.logback");
            if (!continuation) records.add(0, line.strip());
        }
        return records;
    }
}
