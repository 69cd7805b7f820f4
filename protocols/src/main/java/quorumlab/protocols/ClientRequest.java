package quorumlab.protocols;

/**
 * A client's command. {@code (clientId, seq)} identifies it across retries, so a retried request is
 * applied once (DESIGN.md: exactly-once application).
 */
public record ClientRequest(long clientId, long seq, Operation operation) implements Command {
    @Override
    public String id() {
        return "c" + clientId + ":" + seq;
    }

    @Override
    public int sizeBytes() {
        return 16 + operation.sizeBytes();
    }
}
