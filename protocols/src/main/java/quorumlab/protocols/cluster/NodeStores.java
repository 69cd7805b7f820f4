package quorumlab.protocols.cluster;

import java.nio.file.Path;
import quorumlab.protocols.DurableStore;
import quorumlab.protocols.runtime.MemoryStore;
import quorumlab.protocols.store.DiskStore;

/**
 * The durable store a node process opens: {@code disk} (a {@link DiskStore} in the node's directory,
 * which a restarted process reads back) or {@code memory} (gone with the process, so only for runs
 * in which no node restarts).
 */
final class NodeStores {
    static final String MEMORY = "memory";
    static final String DISK = "disk";

    /** {@code store} if it names a store, else an error naming the known ones. */
    static String check(String store) {
        if (store.equals(MEMORY) || store.equals(DISK)) return store;
        throw new IllegalArgumentException("store '" + store + "' is not known (known: memory, disk)");
    }

    /** @throws quorumlab.protocols.store.CorruptStoreException when the store on disk cannot be read back whole */
    static DurableStore open(NodeSpec spec) {
        return spec.store().equals(DISK) ? DiskStore.open(spec.node(), Path.of(spec.storeDir())) : new MemoryStore();
    }

    /**
     * The rehearsal instance's store: of the same kind as the run's, so the rehearsal warms the same
     * code path (encoding, RocksDB, fsync); on disk in a directory of its own beside the node's,
     * emptied first and removed by {@link #discardRehearsal}.
     */
    static DurableStore openRehearsal(NodeSpec spec) {
        if (!spec.store().equals(DISK)) return new MemoryStore();
        Path dir = rehearsalDir(spec);
        deleteRecursively(dir);
        return DiskStore.open(spec.node(), dir);
    }

    static void discardRehearsal(NodeSpec spec, DurableStore store) {
        if (store instanceof DiskStore disk) {
            disk.close();
            deleteRecursively(rehearsalDir(spec));
        }
    }

    private static Path rehearsalDir(NodeSpec spec) {
        Path dir = Path.of(spec.storeDir());
        return dir.resolveSibling(dir.getFileName() + "-rehearsal");
    }

    private static void deleteRecursively(Path dir) {
        if (!java.nio.file.Files.exists(dir)) return;
        try (java.util.stream.Stream<Path> walk = java.nio.file.Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            // the rehearsal's store is scratch: one left behind costs disk space, not the run
            System.err.println("cannot remove the rehearsal store " + dir + ": " + e.getMessage());
        }
    }

    private NodeStores() {}
}
