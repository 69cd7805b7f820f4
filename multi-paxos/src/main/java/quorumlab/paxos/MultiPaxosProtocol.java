package quorumlab.paxos;

import java.util.List;
import quorumlab.protocols.Node;
import quorumlab.protocols.NodeContext;
import quorumlab.protocols.OptionSpec;
import quorumlab.protocols.Options;
import quorumlab.protocols.Protocol;

/** Multi-Paxos ("Paxos Made Simple" §3, "Paxos Made Moderately Complex") with a stable leader. */
public final class MultiPaxosProtocol implements Protocol {
    private static final long MS = 1_000_000L;

    @Override
    public String name() {
        return "multi-paxos";
    }

    @Override
    public String description() {
        return "Multi-Paxos: stable leader, phase 1 once for all slots, pipelined phase 2";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of(
                OptionSpec.ofLong("electionTimeoutMinMs", 150, 1, "least time without a heartbeat before preparing a ballot"),
                OptionSpec.ofLong("electionTimeoutMaxMs", 300, 1, "most time without a heartbeat before preparing a ballot"),
                OptionSpec.ofLong("heartbeatIntervalMs", 50, 1, "leader heartbeat interval"),
                OptionSpec.ofLong("pipelineWindow", 32, 1, "most slots a leader keeps unchosen at once"),
                OptionSpec.ofLong("maxBatch", 8, 1, "most slots carried by one Accept message"),
                OptionSpec.ofLong("retransmitMs", 60, 1, "resend an unanswered Accept after this long"));
    }

    @Override
    public Node createNode(NodeContext context, Options options) {
        if (options == null) options = resolveOptions(java.util.Map.of());
        long min = options.getLong("electionTimeoutMinMs");
        long max = options.getLong("electionTimeoutMaxMs");
        if (max < min) {
            throw new IllegalArgumentException("option 'electionTimeoutMaxMs' of multi-paxos must be at least electionTimeoutMinMs (" + min + "), got " + max);
        }
        return new PaxosNode(context, min * MS, max * MS, options.getLong("heartbeatIntervalMs") * MS,
                (int) options.getLong("pipelineWindow"), (int) options.getLong("maxBatch"), options.getLong("retransmitMs") * MS);
    }
}
