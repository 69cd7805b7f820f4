package quorumlab.protocols.store;

import static org.junit.jupiter.api.Assertions.*;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import quorumlab.protocols.NodeId;

/**
 * A process that writes through the disk store is killed with SIGKILL while it writes; every write
 * it acknowledged is there when the store is opened again.
 */
class KillNineTest {
    private static final Pattern ACK = Pattern.compile("ack (\\d+) \\.");

    @TempDir
    Path dir;

    /** A child JVM with the test's class path running {@link AckingWriter}; its stderr goes to {@code stderr.txt}. */
    private Process writer(Path store, long steps) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Xmx128m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                AckingWriter.class.getName(), store.toString(), Long.toString(steps))
                .redirectError(dir.resolve("stderr.txt").toFile())
                .start();
    }

    @Test
    void everyAcknowledgedWriteSurvivesSigkill() throws Exception {
        Path store = dir.resolve("n1");
        Process child = writer(store, 1_000_000);
        long lastAck = 0;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                Matcher m = ACK.matcher(line);
                if (!m.matches()) continue; // a line torn by the kill was never an acknowledgement
                lastAck = Long.parseLong(m.group(1));
                // SIGKILL in the middle of the stream (the handle's kill, unlike Process's, leaves the pipe to read to its end)
                if (lastAck == 300) child.toHandle().destroyForcibly();
            }
        } finally {
            child.destroyForcibly();
        }
        assertTrue(child.waitFor(10, TimeUnit.SECONDS));
        assertEquals(137, child.exitValue(), "killed by SIGKILL (128 + 9), not ended by itself");
        assertTrue(lastAck >= 300, "acknowledged " + lastAck + "; stderr: " + Files.readString(dir.resolve("stderr.txt")));

        try (DiskStore reopened = DiskStore.open(NodeId.of(1), store)) {
            for (long i = 1; i <= lastAck; i++) assertEquals(AckingWriter.entry(i), reopened.getAt("log", i), "entry " + i);
            assertTrue((Long) reopened.get("term") >= lastAck, "term " + reopened.get("term") + " after ack " + lastAck);
            assertTrue(reopened.lastIndex("log") >= lastAck);
            assertEquals(1, reopened.firstIndex("log"));
        }
    }

    /** The store's write-ahead log with the most in it. */
    static Path writeAheadLog(Path store) throws IOException {
        try (var files = Files.list(store)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".log"))
                    .max(java.util.Comparator.comparingLong(p -> p.toFile().length()))
                    .orElseThrow(() -> new AssertionError("no write-ahead log in " + store));
        }
    }
}
