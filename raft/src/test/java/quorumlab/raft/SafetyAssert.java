package quorumlab.raft;

import java.util.List;
import quorumlab.protocols.check.SafetyChecks;

/** Runs every trace-level safety checker for Raft on a test cluster's trace. */
final class SafetyAssert {
    static List<String> violations(RaftCluster c) {
        return SafetyChecks.violations("raft", c.trace.records());
    }
}
