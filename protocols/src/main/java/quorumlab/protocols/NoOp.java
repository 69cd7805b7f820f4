package quorumlab.protocols;

/**
 * An entry that changes nothing. Multi-Paxos writes one into every hole a new leader finds
 * below its highest recovered slot; Raft leaders may append one at the start of their term.
 */
public record NoOp() implements Command {
    public static final NoOp INSTANCE = new NoOp();

    @Override
    public String id() {
        return "noop";
    }

    @Override
    public int sizeBytes() {
        return 1;
    }
}
