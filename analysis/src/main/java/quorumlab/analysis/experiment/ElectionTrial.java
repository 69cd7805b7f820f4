package quorumlab.analysis.experiment;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;
import quorumlab.protocols.ClientReply;
import quorumlab.protocols.ClientRequest;
import quorumlab.protocols.ClusterConfig;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.Operation;
import quorumlab.protocols.Protocol;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.check.SafetyChecks;
import quorumlab.protocols.runtime.ClientPort;
import quorumlab.protocols.runtime.Delay;
import quorumlab.protocols.trace.InMemoryTrace;
import quorumlab.protocols.runtime.NetworkModel;
import quorumlab.protocols.trace.TraceLevel;
import quorumlab.protocols.sim.Simulation;
import quorumlab.protocols.trace.TraceRecord;

/**
 * One trial of the Raft paper's leader-election experiment (§9.3): a cluster with a leader and a
 * little client load, then quiet; the leader broadcasts heartbeats and crashes at a uniformly random
 * instant within the heartbeat interval that follows; the result is the time until another node is
 * established as leader. The assumptions are argued in docs/leader-election-experiment.md.
 */
final class ElectionTrial {
    static final long MS = 1_000_000L;
    /** A trial that elects no leader within this much virtual time is reported censored at it. */
    static final long CAP = 12_000 * MS;
    /**
     * How long the client writes before the crash, so the logs hold entries and the checkers have
     * client operations to check. Longer would not make followers' logs differ at the crash: the
     * broadcast before it carries whatever a follower lacks.
     */
    static final long LOAD = 100 * MS;
    /** Longer than a write's round trip (with the default delays, at most 3 + 11 + 3 ms). */
    static final long SETTLE = 50 * MS;
    /** The leader's heartbeat timer: Raft and Multi-Paxos both call it this. */
    static final String HEARTBEAT_TIMER = "heartbeat";
    /**
     * Replies sent once the sender's state is on stable storage (Raft's Figure 2: "updated on stable
     * storage before responding to RPCs"; a Paxos acceptor likewise). A pre-vote changes nothing, so
     * its reply does not wait.
     */
    static final Set<String> AFTER_WRITE = Set.of("RequestVoteReply", "AppendEntriesReply", "Promise", "Accepted");

    record Outcome(double electionMs, int termsOrBallots, boolean censored, List<String> violations) {}

    static Map<String, Object> options(Protocol protocol, Setting setting, boolean preVote) {
        Map<String, Object> options = new HashMap<>();
        options.put("electionTimeoutMinMs", setting.minMs());
        options.put("electionTimeoutMaxMs", setting.maxMs());
        // The paper: heartbeat interval half the minimum election timeout (25-50 gives 12 ms, not 12.5).
        options.put("heartbeatIntervalMs", Math.max(1, setting.minMs() / 2));
        if (preVote && protocol.name().equals("raft")) options.put("preVote", true);
        return options;
    }

    static Outcome run(Protocol protocol, Setting setting, int nodes, Delay delay, long writeNanos, boolean preVote, long seed) {
        return run(protocol, setting, nodes, delay, writeNanos, preVote, seed, new InMemoryTrace());
    }

    /**
     * One trial, its events recorded in {@code trace}. {@code writeNanos}: how long a durable write
     * takes; a reply that acknowledges one (a vote, appended entries, a promise, an accept) leaves
     * only after it.
     */
    static Outcome run(Protocol protocol, Setting setting, int nodes, Delay delay, long writeNanos, boolean preVote, long seed,
            InMemoryTrace trace) {
        Simulation sim = Simulation.builder().seed(seed).cluster(ClusterConfig.ofSize(nodes))
                .protocol(protocol, protocol.resolveOptions(options(protocol, setting, preVote)))
                .network(new NetworkModel().setDelay(delay)).trace(trace, TraceLevel.EVENTS)
                .sendDelay(m -> AFTER_WRITE.contains(m.typeName()) ? writeNanos : 0)
                .scenario("leader-election").build();
        long heartbeat = Math.max(1, setting.minMs() / 2) * MS;
        bootStaggered(sim, heartbeat);
        // The first election, with these timeouts, may itself take long: that is not what is measured.
        if (!sim.runUntil(() -> sim.leader().isPresent(), CAP)) {
            return new Outcome(CAP / 1e6, 0, true, SafetyChecks.violations(protocol, trace.records()));
        }
        BooleanSupplier writerIdle = writer(sim, sim.now() + LOAD);
        // The paper's leader was idle between its broadcast and the crash. An append or its reply
        // still in flight at the broadcast would spread followers' timers apart (and Raft's leader
        // skips a follower whose append is unanswered), so the broadcast waits for the last write to
        // commit and for the slower followers' replies.
        sim.runUntil(writerIdle, sim.now() + CAP);
        sim.runFor(SETTLE);
        Optional<NodeId> leader = sim.leader();
        if (leader.isEmpty()) {
            sim.runUntil(() -> sim.leader().isPresent(), sim.now() + CAP);
            leader = sim.leader();
        }
        NodeId old = leader.orElseThrow();
        // The paper's script had the leader broadcast heartbeats just before the crash, so followers'
        // timers start together and split votes are likelier; the crash then comes at a uniformly
        // random instant within that heartbeat interval, before the next beat.
        if (!sim.fireTimerNow(old, HEARTBEAT_TIMER)) {
            throw new IllegalStateException(protocol.name() + " leader " + old + " has no '" + HEARTBEAT_TIMER + "' timer pending");
        }
        sim.runFor(new SplittableRandom(seed ^ 0x16L).nextLong(heartbeat));
        long crashAt = sim.now();
        int before = trace.records().size();
        sim.crash(old);
        sim.recordFault("crash", List.of(old), "the leader, at a uniformly random instant within its heartbeat interval");
        boolean elected = sim.runUntil(() -> sim.leader().isPresent() && !sim.leader().get().equals(old), crashAt + CAP);
        double ms = (sim.now() - crashAt) / 1e6;
        int tried = 0;
        Set<String> seen = new HashSet<>();
        List<TraceRecord> records = trace.records();
        for (TraceRecord r : records.subList(before, records.size())) {
            if (r instanceof TraceRecord.Event e && e.event() instanceof ProtocolEvent.ElectionStarted es && !es.preVote()) {
                // Raft: one term however many candidates stand in it; Paxos: each ballot (round, node).
                if (seen.add(protocol.name().equals("raft") ? String.valueOf(es.term()) : es.term() + "/" + e.node())) tried++;
            }
        }
        return new Outcome(elected ? ms : CAP / 1e6, tried, !elected, SafetyChecks.violations(protocol, records));
    }

    /**
     * Starts the first member, and the others {@code later} afterwards. Real servers do not boot in the
     * same nanosecond; booted together with no randomness in their timeouts (150-150) they would split
     * the first vote forever, leaving no leader to crash.
     */
    private static void bootStaggered(Simulation sim, long later) {
        sim.start();
        List<NodeId> rest = sim.cluster().members().subList(1, sim.cluster().size());
        for (NodeId n : rest) {
            sim.crash(n);
            sim.schedule(sim.now() + later, () -> sim.restart(n));
        }
    }

    /**
     * One client writing unique values, following NotLeader hints, until {@code until}. Returns
     * whether it is done: past {@code until} with no write outstanding.
     */
    private static BooleanSupplier writer(Simulation sim, long until) {
        List<NodeId> members = sim.cluster().members();
        long[] seq = {1};
        int[] target = {0};
        boolean[] waiting = {false};
        ClientPort[] port = new ClientPort[1];
        Runnable[] send = new Runnable[1];
        send[0] = () -> {
            if (port[0].now() >= until) return;
            waiting[0] = true;
            port[0].submit(members.get(target[0]), new ClientRequest(1, seq[0], new Operation.Put("k", "v" + seq[0])), port[0].now());
        };
        port[0] = sim.addClient(1, (from, reply) -> {
            if (reply.seq() != seq[0]) return;
            waiting[0] = false;
            if (reply instanceof ClientReply.Committed) {
                seq[0]++;
                port[0].schedule(2 * MS, send[0]);
            } else if (reply instanceof ClientReply.NotLeader nl) {
                target[0] = nl.hint().map(members::indexOf).orElse((target[0] + 1) % members.size());
                port[0].schedule(5 * MS, send[0]);
            }
        });
        sim.schedule(sim.now(), send[0]);
        return () -> port[0].now() >= until && !waiting[0];
    }

    private ElectionTrial() {}
}
