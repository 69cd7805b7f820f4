package quorumlab.protocols;

import java.util.HashMap;
import java.util.Map;

/**
 * The replicated key-value state machine (put, get, cas). Entries are applied strictly in index
 * order; a request whose {@code (clientId, seq)} was already applied returns the recorded result
 * instead of being applied twice (DESIGN.md: exactly-once application of retried requests).
 */
public final class KvStateMachine {
    /** The last request applied for one client, so a retry of it is answered, not applied again. */
    public record Applied(long seq, Result result) {}

    /**
     * The whole state as of {@code lastApplied}: what a snapshot holds so the log (Raft §7) or the
     * decided slots (Paxos) before it can be discarded. The client records belong in it, or a retry
     * that arrives after compaction would be applied twice. Immutable, so it can sit in a durable
     * store and travel in a message.
     */
    public record Snapshot(long lastApplied, Map<String, String> data, Map<Long, Applied> sessions) {
        public Snapshot {
            data = Map.copyOf(data);
            sessions = Map.copyOf(sessions);
        }

        /** A rough wire size, for the bytes-sent metrics. */
        public int sizeBytes() {
            int bytes = 16;
            for (Map.Entry<String, String> e : data.entrySet()) bytes += 8 + e.getKey().length() + e.getValue().length();
            return bytes + 24 * sessions.size();
        }
    }

    private final Map<String, String> data = new HashMap<>();
    private final Map<Long, Applied> lastByClient = new HashMap<>();
    private long lastApplied;

    public KvStateMachine() {}

    /** A state machine holding exactly what {@code snapshot} holds. */
    public KvStateMachine(Snapshot snapshot) {
        data.putAll(snapshot.data());
        lastByClient.putAll(snapshot.sessions());
        lastApplied = snapshot.lastApplied();
    }

    public Snapshot snapshot() {
        return new Snapshot(lastApplied, data, lastByClient);
    }

    public long lastApplied() {
        return lastApplied;
    }

    /**
     * Applies the entry at {@code index}, which must be the next one.
     *
     * @throws IllegalStateException if {@code index} is not {@code lastApplied() + 1}
     */
    public Result apply(long index, Command command) {
        if (index != lastApplied + 1) {
            throw new IllegalStateException("apply out of order: index " + index + " after " + lastApplied);
        }
        lastApplied = index;
        if (!(command instanceof ClientRequest request)) {
            return Result.OK;
        }
        Applied previous = lastByClient.get(request.clientId());
        if (previous != null && request.seq() <= previous.seq()) {
            // A retry of a request already applied: answer from the record, change nothing.
            return previous.seq() == request.seq() ? previous.result() : Result.OK;
        }
        Result result = execute(request.operation());
        lastByClient.put(request.clientId(), new Applied(request.seq(), result));
        return result;
    }

    /** The recorded result if this exact request was already applied, else null. */
    public Result resultIfApplied(ClientRequest request) {
        Applied previous = lastByClient.get(request.clientId());
        return previous != null && previous.seq() == request.seq() ? previous.result() : null;
    }

    public String get(String key) {
        return data.get(key);
    }

    private Result execute(Operation operation) {
        if (operation instanceof Operation.Put put) {
            data.put(put.key(), put.value());
            return Result.OK;
        }
        if (operation instanceof Operation.Get get) {
            return Result.read(data.get(get.key()));
        }
        Operation.Cas cas = (Operation.Cas) operation;
        String current = data.get(cas.key());
        if (cas.expected().equals(current)) {
            data.put(cas.key(), cas.value());
            return Result.OK;
        }
        return new Result(false, current);
    }
}
