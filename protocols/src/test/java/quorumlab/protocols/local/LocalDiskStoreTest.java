package quorumlab.protocols.local;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import quorumlab.protocols.ClusterConfig;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.store.CorruptStoreException;
import quorumlab.protocols.store.DiskStore;
import quorumlab.protocols.testing.EchoProtocol;
import quorumlab.protocols.trace.InMemoryTrace;
import quorumlab.protocols.trace.TraceLevel;

/**
 * The local runtime with stores on disk: a crash closes the node's store and the restart reads it
 * back from the files; a store that cannot be read back keeps the node down and fails the run.
 */
class LocalDiskStoreTest {
    static final NodeId N2 = NodeId.of(2);
    static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private PekkoLocalRuntime runtime;

    @AfterEach
    void stop() {
        if (runtime != null) runtime.close();
    }

    private long boots() {
        return runtime.inspect(N2, v -> v.node() == null ? -1 : ((EchoProtocol.EchoNode) v.node()).boots());
    }

    @Test
    void aRestartReadsTheStoreBackFromItsFilesAndADamagedOneKeepsTheNodeDown() throws IOException {
        EchoProtocol echo = new EchoProtocol();
        runtime = PekkoLocalRuntime.builder().seed(1).cluster(ClusterConfig.ofSize(3))
                .protocol(echo, echo.resolveOptions(Map.of("tickMs", 10))).trace(new InMemoryTrace(), TraceLevel.EVENTS)
                .diskStore(dir).build();
        runtime.start();
        assertTrue(runtime.awaitUntil(() -> boots() == 1, WAIT));
        assertInstanceOf(DiskStore.class, runtime.inspect(N2, NodeView::store));

        runtime.crash(N2);
        assertTrue(runtime.awaitUntil(() -> boots() == -1, WAIT));
        runtime.restart(N2);
        assertTrue(runtime.awaitUntil(() -> boots() == 2, WAIT), "the count of boots came back from the disk");
        assertEquals(List.of(), runtime.failures());

        runtime.crash(N2);
        assertTrue(runtime.awaitUntil(() -> boots() == -1, WAIT));
        Files.delete(dir.resolve("n2").resolve("CURRENT"));
        runtime.restart(N2);
        assertTrue(runtime.awaitUntil(() -> runtime.storeFailure().isPresent(), WAIT));
        UncheckedIOException failure = runtime.storeFailure().orElseThrow();
        assertInstanceOf(CorruptStoreException.class, failure);
        assertTrue(failure.getMessage().startsWith("n2: store " + dir.resolve("n2") + " is corrupt"), failure.getMessage());
        assertFalse(failure.getMessage().contains("\n"), failure.getMessage());
        assertTrue(failure.getMessage().endsWith(dir.resolve("n2").resolve("CURRENT") + ": does not exist (create_if_missing is false)"),
                "names the missing file and nothing else: " + failure.getMessage());
        assertFalse(runtime.isUp(N2), "the node stays down rather than start empty");
        assertEquals(-1, boots());
    }
}
