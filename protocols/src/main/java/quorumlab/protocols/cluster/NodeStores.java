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

    private NodeStores() {}
}
