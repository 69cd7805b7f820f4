package quorumlab.analysis.experiment;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
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
import quorumlab.protocols.runtime.MessageFilter;
import quorumlab.protocols.trace.InMemoryTrace;
import quorumlab.protocols.runtime.NetworkModel;
import quorumlab.protocols.trace.TraceLevel;
import quorumlab.protocols.sim.Simulation;
import quorumlab.protocols.trace.TraceRecord;
import quorumlab.protocols.trace.TraceSink;

/**
 * One trial of the Raft paper's leader-election experiment (§9.3): a cluster with a leader and a
 * little client load, then quiet; the leader broadcasts heartbeats and crashes at a uniformly random
 * instant within the heartbeat interval that follows; the result is the time until another node is
 * established as leader. The assumptions are argued in docs/leader-election-experiment.md.
 */
final class ElectionTrial {
    static final long MS = 1_000_000L;
    /**
     * A safety cap, far beyond the paper's longest trial (528 s at 150-150): a trial that elects no
     * leader within this much virtual time stops there and is reported as capped.
     */
    static final long CAP = 3_600_000 * MS;
    /**
     * How long the client writes before the crash, so the logs hold entries and the checkers have
     * client operations to check. Longer would not make followers' logs differ at the crash: the
     * broadcast before it carries whatever a follower lacks.
     */
    static final long LOAD = 100 * MS;
    /** Longer than a write's round trip (with the default delays, at most 3 + 11 + 3 ms). */
    static final long SETTLE = 50 * MS;
    /** Each server's timers run fast or slow by up to this many parts per million, drawn per trial. */
    static final double CLOCK_PPM = 20;
    /** The leader's heartbeat timer: Raft and Multi-Paxos both call it this. */
    static final String HEARTBEAT_TIMER = "heartbeat";
    /**
     * Replies sent once the sender's state is on stable storage (Raft's Figure 2: "updated on stable
     * storage before responding to RPCs"; a Paxos acceptor likewise). A pre-vote changes nothing, so
     * its reply does not wait.
     */
    static final Set<String> AFTER_WRITE = Set.of("RequestVoteReply", "AppendEntriesReply", "Promise", "Accepted");

    /**
     * The servers' logs at the crash. The paper: "the servers had different log lengths, so two of
     * the four servers were not eligible to become leader".
     */
    enum Logs {
        /** Every follower holds the leader's whole log. */
        EQUAL("equal"),
        /** Two followers missed the leader's last entry: Raft's §5.4.1 restriction bars them. */
        TWO_BEHIND("two-behind");

        final String label;

        Logs(String label) {
            this.label = label;
        }

        static Logs parse(String text) {
            for (Logs l : values()) if (l.label.equals(text)) return l;
            throw new IllegalArgumentException("--logs must be equal or two-behind, got '" + text + "'");
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /**
     * What one trial runs: {@code writeNanos}, how long a durable write takes (a reply that
     * acknowledges one leaves only after it); {@code failures}, how many servers fail at the crash
     * instant (the leader, then followers that are not behind); {@code capNanos}, the virtual time
     * after which a trial that has elected no leader stops, reported as capped.
     */
    record Spec(Protocol protocol, Setting setting, int nodes, Delay delay, long writeNanos, boolean preVote, Logs logs,
            int failures, long capNanos) {}

    /**
     * {@code winnerLagged}: the new leader was one of the followers that missed the last entry;
     * {@code learned}: entries the new leader did not hold and learned from phase 1's promises
     * (Raft: always 0, a candidate that lacks them cannot win); {@code firstCommitMs}: from the crash
     * until a write, sent to the new leader when it is established, is applied (NaN if it never was).
     */
    record Outcome(double electionMs, int termsOrBallots, boolean censored, List<String> violations, boolean winnerLagged,
            int learned, double firstCommitMs) {
        Outcome(double electionMs, int termsOrBallots, boolean censored, List<String> violations) {
            this(electionMs, termsOrBallots, censored, violations, false, 0, Double.NaN);
        }
    }

    static Map<String, Object> options(Protocol protocol, Setting setting, boolean preVote) {
        Map<String, Object> options = new HashMap<>();
        options.put("electionTimeoutMinMs", setting.minMs());
        options.put("electionTimeoutMaxMs", setting.maxMs());
        // The paper: heartbeat interval half the minimum election timeout (25-50 gives 12 ms, not 12.5).
        options.put("heartbeatIntervalMs", Math.max(1, setting.minMs() / 2));
        if (protocol.name().equals("raft")) {
            if (preVote) options.put("preVote", true);
            // A second append may leave before the first is answered, so the last entry leaves with
            // the broadcast (with one, it would wait a round trip for the heartbeat's reply).
            options.put("pipelining", 2);
        }
        return options;
    }

    static Outcome run(Protocol protocol, Setting setting, int nodes, Delay delay, long writeNanos, boolean preVote, long seed) {
        return run(new Spec(protocol, setting, nodes, delay, writeNanos, preVote, Logs.TWO_BEHIND, 1, CAP), seed, new InMemoryTrace());
    }

    static Outcome run(Spec spec, long seed) {
        return run(spec, seed, new InMemoryTrace());
    }

    /** One trial, its events recorded in {@code trace}. */
    static Outcome run(Spec spec, long seed, InMemoryTrace trace) {
        Protocol protocol = spec.protocol();
        Setting setting = spec.setting();
        long cap = spec.capNanos();
        Watch watch = new Watch(trace);
        Simulation sim = Simulation.builder().seed(seed).cluster(ClusterConfig.ofSize(spec.nodes()))
                .protocol(protocol, protocol.resolveOptions(options(protocol, setting, spec.preVote())))
                .network(new NetworkModel().setDelay(spec.delay())).trace(watch, TraceLevel.EVENTS)
                .sendDelay(m -> AFTER_WRITE.contains(m.typeName()) ? spec.writeNanos() : 0)
                .scenario("leader-election").build();
        long heartbeat = Math.max(1, setting.minMs() / 2) * MS;
        // Real servers' clocks tick at slightly different rates (a quartz oscillator: about 20 ppm). Without it,
        // equal timeouts (150-150) restart in exact lock step after every split vote and never end.
        SplittableRandom clocks = new SplittableRandom(seed ^ 0xC10CL);
        for (NodeId n : sim.cluster().members()) sim.setTimerDrift(n, 1 + (clocks.nextDouble() * 2 - 1) * CLOCK_PPM * 1e-6);
        bootStaggered(sim, heartbeat);
        // The first election, with these timeouts, may itself take long: that is not what is measured.
        if (!sim.runUntil(() -> sim.leader().isPresent(), cap)) {
            return new Outcome(cap / 1e6, 0, true, SafetyChecks.violations(protocol, trace.records()));
        }
        BooleanSupplier writerIdle = writer(sim, sim.now() + LOAD);
        // The paper's leader was idle between its broadcast and the crash. An append or its reply
        // still in flight at the broadcast would spread followers' timers apart (and Raft's leader
        // skips a follower whose append is unanswered), so the broadcast waits for the last write to
        // commit and for the slower followers' replies.
        sim.runUntil(writerIdle, sim.now() + cap);
        sim.runFor(SETTLE);
        SplittableRandom random = new SplittableRandom(seed ^ 0x16L);
        long crashIn = random.nextLong(heartbeat);
        LastEntry last = broadcastThenLastEntry(sim, watch, spec.logs(), random, cap);
        NodeId old = last.leader();
        List<NodeId> lagging = last.lagging();
        List<NodeId> failed = new ArrayList<>(List.of(old));
        for (NodeId f : last.others()) {
            if (failed.size() >= spec.failures()) break;
            if (!lagging.contains(f)) failed.add(f);
        }
        // The paper's script had the leader broadcast heartbeats just before the crash, so followers'
        // timers start together and split votes are likelier; the crash then comes at a uniformly
        // random instant within that heartbeat interval, before the next beat (and after the last
        // entry, a microsecond after the broadcast).
        sim.runUntil(last.broadcastAt() + Math.max(crashIn, 2_000));
        long crashAt = sim.now();
        int before = trace.records().size();
        for (NodeId n : failed) sim.crash(n);
        sim.network().setFilter(MessageFilter.ALLOW_ALL);
        sim.recordFault("crash", failed, failed.size() == 1 ? "the leader, at a uniformly random instant within its heartbeat interval"
                : "the leader and " + (failed.size() - 1) + " follower(s), at a uniformly random instant within its heartbeat interval");
        boolean elected = sim.runUntil(() -> sim.leader().isPresent() && !failed.contains(sim.leader().get()), crashAt + cap);
        double ms = (sim.now() - crashAt) / 1e6;
        int electedAt = trace.records().size();
        double firstCommitMs = Double.NaN;
        boolean winnerLagged = false;
        int learned = 0;
        if (elected) {
            NodeId winner = sim.leader().get();
            winnerLagged = lagging.contains(winner);
            Long applied = firstWrite(sim, watch, winner, sim.now() + FIRST_WRITE_CAP);
            if (applied != null) firstCommitMs = (applied - crashAt) / 1e6;
            learned = learnedInPhase1(trace.records(), before, winner);
        }
        int tried = 0;
        Set<String> seen = new HashSet<>();
        List<TraceRecord> records = trace.records();
        for (TraceRecord r : records.subList(before, electedAt)) {
            if (r instanceof TraceRecord.Event e && e.event() instanceof ProtocolEvent.ElectionStarted es && !es.preVote()) {
                // Raft: one term however many candidates stand in it; Paxos: each ballot (round, node).
                if (seen.add(protocol.name().equals("raft") ? String.valueOf(es.term()) : es.term() + "/" + e.node())) tried++;
            }
        }
        return new Outcome(elected ? ms : cap / 1e6, tried, !elected, SafetyChecks.violations(protocol, records), winnerLagged,
                learned, firstCommitMs);
    }

    /** How long the first write after the election may take before the trial gives up on it. */
    static final long FIRST_WRITE_CAP = 60_000 * MS;
    private static final long LAST_ENTRY_CLIENT = 2;
    private static final long FIRST_WRITE_CLIENT = 3;

    /** Who led when the last entry was appended, which followers missed it, and the others. */
    record LastEntry(NodeId leader, List<NodeId> lagging, List<NodeId> others, long broadcastAt) {}

    /** The simulator's default client link (RuntimeBuilder): a write reaches a node this much later. */
    private static final long CLIENT_DELAY = 500_000;

    /**
     * The synchronized broadcast, then the leader's last entry. The heartbeat timer is fired twice:
     * the first firing marks every follower unheard, the second makes the leader stop waiting on
     * any append still unanswered, so every follower is sent a heartbeat at this instant. A write
     * arrives a microsecond later; the leader appends it and sends it at once (Raft pipelines two
     * appends here, see {@link #options}). With {@code two-behind}, from that append on every
     * message of the leader to two followers is lost: they heard the broadcast, like the others, but
     * miss the entry. A write that reaches a node no longer leading is tried again.
     */
    private static LastEntry broadcastThenLastEntry(Simulation sim, Watch watch, Logs logs, SplittableRandom random, long cap) {
        ClientPort port = sim.addClient(LAST_ENTRY_CLIENT, (from, reply) -> { });
        for (int attempt = 1; attempt <= 20; attempt++) {
            if (!sim.runUntil(() -> sim.leader().isPresent(), sim.now() + cap)) break;
            NodeId leader = sim.leader().get();
            List<NodeId> followers = new ArrayList<>(sim.cluster().peersOf(leader));
            shuffle(followers, random);
            List<NodeId> lagging = logs == Logs.TWO_BEHIND ? List.copyOf(followers.subList(0, 2)) : List.of();
            List<NodeId> others = followers.subList(lagging.size(), followers.size());
            ClientRequest request = new ClientRequest(LAST_ENTRY_CLIENT, attempt, new Operation.Put("k", "last"));
            // The links fail the instant the write arrives, so the entry itself is lost too.
            long arrives = sim.now() + CLIENT_DELAY;
            sim.network().setFilter((from, to, message, now) -> !(now >= arrives && from.equals(leader) && lagging.contains(to)));
            watch.awaitEvent(e -> e.node().equals(leader) && request.id().equals(appendedCommand(e.event())));
            port.submit(leader, request, port.now());
            sim.runUntil(sim.now() + CLIENT_DELAY - 1_000);
            long broadcastAt = sim.now();
            if (sim.leader().equals(java.util.Optional.of(leader)) && sim.fireTimerNow(leader, HEARTBEAT_TIMER)
                    && sim.fireTimerNow(leader, HEARTBEAT_TIMER) && sim.runUntil(watch::seen, sim.now() + 10 * MS)) {
                return new LastEntry(leader, lagging, List.copyOf(others), broadcastAt);
            }
            sim.network().setFilter(MessageFilter.ALLOW_ALL);
            sim.runFor(SETTLE);
        }
        throw new IllegalStateException("no leader appended the last entry in 20 attempts");
    }

    private static String appendedCommand(ProtocolEvent event) {
        if (event instanceof ProtocolEvent.EntryAppended a) return a.command();
        if (event instanceof ProtocolEvent.ValueAccepted v) return v.command();
        return null;
    }

    /**
     * A write sent to the new leader the instant it is established (following NotLeader hints if it
     * has lost the lead meanwhile); returns when a node applied it, or null if none did by
     * {@code deadline}. A Paxos leader applies it only after the slots below it are chosen again.
     */
    private static Long firstWrite(Simulation sim, Watch watch, NodeId leader, long deadline) {
        ClientRequest request = new ClientRequest(FIRST_WRITE_CLIENT, 1, new Operation.Put("k", "first"));
        ClientPort port = sim.addClient(FIRST_WRITE_CLIENT, (from, reply) -> { });
        watch.awaitEvent(e -> e.event() instanceof ProtocolEvent.EntryApplied a && a.command().equals(request.id()));
        NodeId target = leader;
        // A request that reaches a node no longer leading is lost or refused; the same request (the
        // same sequence number, so it is applied once) goes again to whoever leads a moment later.
        while (sim.now() < deadline) {
            port.submit(target, request, port.now());
            if (sim.runUntil(watch::seen, Math.min(deadline, sim.now() + 1_000 * MS))) return watch.seenAt;
            sim.runUntil(() -> sim.leader().isPresent(), deadline);
            if (sim.leader().isPresent()) target = sim.leader().get();
        }
        return null;
    }

    /**
     * The trial's trace, watched for one awaited event as it is recorded, so waiting for it costs
     * nothing per simulated event.
     */
    private static final class Watch implements TraceSink {
        private final InMemoryTrace trace;
        private Predicate<TraceRecord.Event> awaited;
        private long seenAt = -1;

        Watch(InMemoryTrace trace) {
            this.trace = trace;
        }

        void awaitEvent(Predicate<TraceRecord.Event> event) {
            awaited = event;
            seenAt = -1;
        }

        boolean seen() {
            return seenAt >= 0;
        }

        @Override
        public void record(TraceRecord record) {
            trace.record(record);
            if (awaited != null && record instanceof TraceRecord.Event e && awaited.test(e)) {
                seenAt = e.t();
                awaited = null;
            }
        }
    }

    /**
     * Entries the new leader lacked when it was established and obtained right after its election,
     * up to the first new commit: in Multi-Paxos, values it learned from phase 1's promises (P2c)
     * and re-proposed, or learned as chosen from a peer; in Raft always 0, since a candidate that
     * lacks an entry of the latest term cannot win (§5.4.1). No-ops are not counted.
     */
    static int learnedInPhase1(List<TraceRecord> records, int crashIndex, NodeId winner) {
        int established = crashIndex;
        while (established < records.size() && !(records.get(established) instanceof TraceRecord.Event e && e.node().equals(winner)
                && e.event() instanceof ProtocolEvent.LeaderEstablished)) {
            established++;
        }
        Set<String> known = new HashSet<>();
        Set<String> held = new HashSet<>();
        for (int i = 0; i < established; i++) {
            if (!(records.get(i) instanceof TraceRecord.Event e)) continue;
            String command = commandHeld(e.event());
            if (command == null) continue;
            if (i < crashIndex) known.add(command);
            if (e.node().equals(winner)) held.add(command);
        }
        Set<String> learned = new HashSet<>();
        for (TraceRecord r : records.subList(established, records.size())) {
            if (r instanceof TraceRecord.Event e && e.node().equals(winner)) {
                String command = commandHeld(e.event());
                if (command != null && known.contains(command) && !held.contains(command)) learned.add(command);
            }
        }
        return learned.size();
    }

    /** The client command an event shows the node holding (appended, accepted or chosen); null otherwise. */
    private static String commandHeld(ProtocolEvent event) {
        String command = null;
        if (event instanceof ProtocolEvent.EntryAppended a) command = a.command();
        if (event instanceof ProtocolEvent.ValueAccepted v) command = v.command();
        if (event instanceof ProtocolEvent.SlotChosen c) command = c.command();
        return command == null || command.equals("noop") ? null : command;
    }

    private static void shuffle(List<NodeId> list, SplittableRandom random) {
        for (int i = list.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            NodeId t = list.get(i);
            list.set(i, list.get(j));
            list.set(j, t);
        }
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
