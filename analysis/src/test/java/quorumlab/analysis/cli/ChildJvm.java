package quorumlab.analysis.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The start of a command line that runs the program in a JVM of its own, for tests about the process
 * itself (its heap limit, its signals, its output). The serial collector suits a child on a 2-core
 * machine: no collector threads competing with the tests beside it. A short child also stops the JIT
 * at its first tier, which starts faster; a long one keeps the optimizing compiler.
 */
final class ChildJvm {
    private ChildJvm() {}

    /** {@code java -Xmx<heap> <flags> -cp <classPath>}, for a child that runs a few seconds. */
    static List<String> shortLived(String heap, String classPath) {
        return command(heap, classPath, List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto"));
    }

    /** As {@link #shortLived}, for a child that computes for long enough that the optimizing JIT pays. */
    static List<String> longRunning(String heap, String classPath) {
        return command(heap, classPath, List.of("-XX:+UseSerialGC", "-Xshare:auto"));
    }

    private static List<String> command(String heap, String classPath, List<String> flags) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx" + heap);
        command.addAll(flags);
        command.addAll(List.of("-cp", classPath));
        return command;
    }
}
