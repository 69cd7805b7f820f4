package quorumlab.protocols.cluster;

import quorumlab.protocols.runtime.MemoryStore;

/** The durable store a node process opens: {@code memory} (lost with the process) for now. */
final class NodeStores {
    static final String MEMORY = "memory";
    static final String DISK = "disk";

    /** {@code store} if it names a store, else an error naming the known ones. */
    static String check(String store) {
        if (store.equals(MEMORY)) return store;
        throw new IllegalArgumentException("store '" + store + "' is not available (known: memory)");
    }

    static MemoryStore open(NodeSpec spec) {
        if (!spec.store().equals(MEMORY)) {
            throw new IllegalArgumentException(spec.node() + ": store '" + spec.store() + "' is not available in this build (known: memory)");
        }
        return new MemoryStore();
    }

    private NodeStores() {}
}
