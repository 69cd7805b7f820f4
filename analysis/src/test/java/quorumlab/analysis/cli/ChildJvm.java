package quorumlab.analysis.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The start of a command line that runs the program in a JVM of its own, for tests about the process
 * itself (its heap limit, its signals, its output). The serial collector suits a child on a 2-core
 * machine: no collector threads competing with the tests beside it. A child also stops the JIT at its
 * first tier: for children of a few seconds that halves their CPU (the half-minute run of
 * {@link LongRunInSmallHeapTest}: 5.6 s of CPU with the optimizing compiler, 2.8 s without).
 */
final class ChildJvm {
    private ChildJvm() {}

    /** {@code java -Xmx<heap> <the flags above> -cp <classPath>}. */
    static List<String> command(String heap, String classPath) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx" + heap);
        command.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto"));
        command.addAll(List.of("-cp", classPath));
        return command;
    }
}
