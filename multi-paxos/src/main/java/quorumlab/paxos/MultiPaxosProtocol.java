package quorumlab.paxos;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import quorumlab.protocols.MatchedSettings;
import quorumlab.protocols.Node;
import quorumlab.protocols.NodeContext;
import quorumlab.protocols.OptionSpec;
import quorumlab.protocols.Options;
import quorumlab.protocols.Protocol;
import quorumlab.protocols.check.SafetyChecks;

/**
 * Multi-Paxos ("Paxos Made Simple", Lamport 2001; "Paxos Made Moderately Complex", van Renesse and
 * Altinbuken 2015), found by the runner under the name {@code multi-paxos}.
 */
public final class MultiPaxosProtocol implements Protocol {
    @Override
    public String name() {
        return "multi-paxos";
    }

    @Override
    public String description() {
        return "Multi-Paxos: stable leader, one phase 1 per ballot for all slots, pipelined phase 2, no-op gap filling";
    }

    @Override
    public List<OptionSpec> options() {
        return PaxosOptions.SPECS;
    }

    /**
     * The window counts slots, so {@code maxInFlight} Accept messages of {@code maxBatch} commands
     * each are {@code maxInFlight * maxBatch} slots.
     */
    @Override
    public Map<String, Object> matchedOptions(MatchedSettings m) {
        return Map.of(
                "electionTimeoutMinMs", m.electionTimeoutMinMs(),
                "electionTimeoutMaxMs", m.electionTimeoutMaxMs(),
                "heartbeatIntervalMs", m.heartbeatIntervalMs(),
                "maxBatch", m.maxBatch(),
                "pipelineWindow", m.maxBatch() * m.maxInFlight(),
                "retransmitMs", m.retransmitMs());
    }

    @Override
    public Rounds rounds() {
        return Rounds.OWNED_BALLOTS;
    }

    /** Also checks what single options cannot: the election timeout range must not be empty. */
    @Override
    public Options resolveOptions(Map<String, ?> values) {
        Options options = Options.resolve(name(), options(), values);
        PaxosOptions.from(options);
        return options;
    }

    /** At most one value chosen per slot, the same command applied at each index, one leadership per ballot. */
    @Override
    public List<Supplier<SafetyChecks.Checker>> invariants() {
        return List.of(PaxosInvariants::new);
    }

    /** Reconfiguration through the log ("Paxos Made Moderately Complex" §3), see {@link Reconfiguration}. */
    @Override
    public boolean supportsMembershipChange() {
        return true;
    }

    @Override
    public Node createNode(NodeContext context, Options options) {
        return new PaxosNode(context, PaxosOptions.from(options != null ? options : resolveOptions(Map.of())));
    }
}
