package quorumlab.raft;

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

/** Raft (Ongaro and Ousterhout 2014), found by the runner under the name {@code raft}. */
public final class RaftProtocol implements Protocol {
    @Override
    public String name() {
        return "raft";
    }

    @Override
    public String description() {
        return "Raft: elected leader, replicated log, commit by current-term majority (Figure 2)";
    }

    @Override
    public List<OptionSpec> options() {
        return RaftOptions.SPECS;
    }

    /**
     * Raft resends an unanswered AppendEntries on the next heartbeat, so its retransmission interval
     * is the heartbeat interval; the matched profile keeps the two equal.
     */
    @Override
    public Map<String, Object> matchedOptions(MatchedSettings m) {
        return Map.of(
                "electionTimeoutMinMs", m.electionTimeoutMinMs(),
                "electionTimeoutMaxMs", m.electionTimeoutMaxMs(),
                "heartbeatIntervalMs", Math.min(m.heartbeatIntervalMs(), m.retransmitMs()),
                "maxEntriesPerAppend", m.maxBatch(),
                "pipelining", m.maxInFlight());
    }

    /** Also checks what single options cannot: the election timeout range must not be empty. */
    @Override
    public Options resolveOptions(Map<String, ?> values) {
        Options options = Options.resolve(name(), options(), values);
        RaftOptions.from(options);
        return options;
    }

    /** Figure 3's properties: election safety, log matching, leader completeness, state machine safety. */
    @Override
    public List<Supplier<SafetyChecks.Checker>> invariants() {
        return List.of(RaftInvariants::new);
    }

    /** Single-server changes (thesis ch. 4) or joint consensus (§6), as option {@code membership} says. */
    @Override
    public boolean supportsMembershipChange() {
        return true;
    }

    @Override
    public Node createNode(NodeContext context, Options options) {
        return new RaftNode(context, RaftOptions.from(options != null ? options : resolveOptions(Map.of())));
    }
}
