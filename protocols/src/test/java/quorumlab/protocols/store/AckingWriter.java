package quorumlab.protocols.store;

import java.nio.file.Path;
import quorumlab.protocols.ClientRequest;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.Operation;

/**
 * The child process of {@link KillNineTest}: writes as a node does (a log entry and a term per
 * step, then one sync), and prints {@code ack <i> .} for each step only after its sync returned, as
 * a node answers only after its store synced. It stops by itself after {@code args[1]} steps.
 */
public final class AckingWriter {
    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        long steps = Long.parseLong(args[1]);
        try (DiskStore store = DiskStore.open(NodeId.of(1), dir)) {
            for (long i = store.lastIndex("log") + 1; steps-- > 0; i++) {
                store.putAt("log", i, entry(i));
                store.put("term", i);
                store.sync();
                System.out.println("ack " + i + " .");
            }
        }
    }

    static ClientRequest entry(long i) {
        return new ClientRequest(1, i, new Operation.Put("k" + (i % 7), "v" + i));
    }
}
