package quorumlab.primarybackup;

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
 * Asynchronous primary-backup, found by the runner under the name {@code primary-backup}: a
 * deliberately unsafe baseline that shows what consensus prevents (README).
 */
public final class PrimaryBackupProtocol implements Protocol {
    /** Unsafe on purpose: it runs beside the consensus protocols only when asked for. */
    @Override
    public boolean unsafeBaseline() {
        return true;
    }

    @Override
    public String name() {
        return "primary-backup";
    }

    @Override
    public String description() {
        return "Primary-backup, UNSAFE on purpose: the primary acknowledges before the backups have a write;"
                + " a backup takes over without a quorum";
    }

    @Override
    public List<OptionSpec> options() {
        return PrimaryBackupOptions.SPECS;
    }

    /**
     * Like Raft, the primary resends what a backup lacks on its heartbeat, so the heartbeat interval
     * is also the retransmission interval. It waits for no reply, so {@code maxInFlight} has no knob.
     */
    @Override
    public Map<String, Object> matchedOptions(MatchedSettings m) {
        return Map.of(
                "electionTimeoutMinMs", m.electionTimeoutMinMs(),
                "electionTimeoutMaxMs", m.electionTimeoutMaxMs(),
                "heartbeatIntervalMs", Math.min(m.heartbeatIntervalMs(), m.retransmitMs()),
                "maxBatch", m.maxBatch());
    }

    /** Each node owns its (epoch, node) pairs; there is no vote to split. */
    @Override
    public Rounds rounds() {
        return Rounds.OWNED_BALLOTS;
    }

    /** Epochs only grow; nothing more can be promised (see the class it names). */
    @Override
    public List<Supplier<SafetyChecks.Checker>> invariants() {
        return List.of(PrimaryBackupInvariants::new);
    }

    /** Also checks what single options cannot: the timeout range must not be empty. */
    @Override
    public Options resolveOptions(Map<String, ?> values) {
        Options options = Options.resolve(name(), options(), values);
        PrimaryBackupOptions.from(options);
        return options;
    }

    @Override
    public Node createNode(NodeContext context, Options options) {
        return new PrimaryBackupNode(context, PrimaryBackupOptions.from(options != null ? options : resolveOptions(Map.of())));
    }
}
