package quorumlab.analysis.experiment;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import quorumlab.protocols.ClientRequest;
import quorumlab.protocols.ClusterConfig;
import quorumlab.protocols.MatchedSettings;
import quorumlab.protocols.Message;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.Operation;
import quorumlab.protocols.Protocol;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.runtime.ClientPort;
import quorumlab.protocols.runtime.Delay;
import quorumlab.protocols.runtime.NetworkModel;
import quorumlab.protocols.sim.Simulation;
import quorumlab.protocols.trace.InMemoryTrace;
import quorumlab.protocols.trace.TraceLevel;
import quorumlab.protocols.trace.TraceRecord;

/**
 * One trial of the election-cost experiment (Howard & Mortier 2020): a five-node cluster whose
 * leader has appended or proposed {@code divergence} entries that the survivors hold unevenly and
 * that the leader never learned were committed, because the followers' replies to it were cut; then
 * the leader crashes, and the trial measures what the next election and the first commit after it
 * cost. Model choices: docs/election-cost-experiment.md.
 */
final class ElectionCostTrial {
    static final long MS = 1_000_000L;
    static final int NODES = 5;
    static final Delay DELAY = Delay.uniform(MS, 3 * MS);
    /**
     * Matched for both protocols, with two changes from the matched profile: a replication message
     * carries up to 1,024 entries, one in flight, so a resend (Raft's heartbeat, Paxos's retransmit)
     * carries every uncommitted entry, and Paxos's window (batch x in flight) admits 1,000 slots;
     * resending every 20 ms (Raft's heartbeat too), so the four quarters of the uncommitted entries
     * reach their followers within 120 ms, before any follower's election timeout (150 ms) can fire.
     */
    static final MatchedSettings SETTINGS = new MatchedSettings(150, 300, 50, 1024, 1, 20);
    static final long WARM_UP = 300 * MS;
    /** Long enough for a resend (every 20 ms) and its delivery after each quarter is submitted. */
    static final long QUARTER = 30 * MS;
    static final long CAP = 10_000 * MS;
    static final long PROBE_ID = 1_000_001L;

    /** How the survivors hold the uncommitted entries: how many of the four quarters each has. */
    enum Spread {
        ONE("one", new int[] {4, 0, 0, 0}),
        STAIRCASE("staircase", new int[] {4, 3, 2, 1}),
        ALL("all", new int[] {4, 4, 4, 4});

        final String label;
        final int[] quarters;

        Spread(String label, int[] quarters) {
            this.label = label;
            this.quarters = quarters;
        }
    }

    record Outcome(double electMs, double firstCommitMs, long messages, long bytes, long entriesDuringElection,
            long entriesAfterElection, long promiseEntries, List<Integer> heldBySurvivor, String newLeader, int newLeaderHeld,
            boolean leaderLogCoversVoters, boolean censored, List<String> violations, boolean unknown, boolean electedBeforeCrash) {}

    static Map<String, Object> options(Protocol protocol) {
        return new HashMap<>(protocol.matchedOptions(SETTINGS));
    }

    static Outcome run(Protocol protocol, int divergence, Spread spread, long seed) {
        InMemoryTrace trace = new InMemoryTrace();
        NetworkModel network = new NetworkModel().setDelay(DELAY);
        Simulation sim = Simulation.builder().seed(seed).cluster(ClusterConfig.ofSize(NODES))
                .protocol(protocol, protocol.resolveOptions(options(protocol))).network(network)
                .trace(trace, TraceLevel.EVENTS).scenario("election-cost").build();
        List<NodeId> members = sim.cluster().members();
        NodeId old = members.get(0);
        List<NodeId> survivors = members.subList(1, NODES);
        // Every message between survivors, as sent: when, its entries, whether a Promise, its bytes.
        // The old leader's are left out: one it sends in the instant it crashes is not the election's.
        List<long[]> carried = new ArrayList<>();
        network.setFilter((from, to, message, now) -> {
            if (!from.equals(old)) carried.add(new long[] {now, entriesIn(message), message.typeName().equals("Promise") ? 1 : 0, message.sizeBytes()});
            return true;
        });
        sim.start();
        sim.fireTimerNow(old, "election");
        ClosedLoopWriter warm = new ClosedLoopWriter(sim, 1, 4, 50 * MS, MS, WARM_UP);
        warm.start();
        sim.runUntil(WARM_UP + 50 * MS);

        long cutAt = sim.now();
        for (NodeId s : survivors) sim.network().cutOneWay(s, old);
        sim.recordFault("cut", survivors, "one-way: every follower's replies to the leader are lost");
        long nextClient = 1_000;
        for (int q = 0; q < 4; q++) {
            for (int i = 0; i < survivors.size(); i++) {
                if (spread.quarters[i] == q) {
                    sim.network().cutOneWay(old, survivors.get(i));
                    sim.recordFault("cut", List.of(old, survivors.get(i)), "one-way: the leader's messages to this follower are lost");
                }
            }
            int count = divergence * (q + 1) / 4 - divergence * q / 4;
            for (int i = 0; i < count; i++) {
                long id = nextClient++;
                ClientPort port = sim.addClient(id, (from, reply) -> { });
                port.submit(old, new ClientRequest(id, 1, new Operation.Put("d" + id, "x")), port.now());
            }
            sim.runFor(QUARTER);
        }

        long crashAt = sim.now();
        int before = trace.records().size();
        sim.crash(old);
        sim.network().heal();
        sim.recordFault("crash", List.of(old), "the leader, with the uncommitted entries");
        ClosedLoopWriter probe = new ClosedLoopWriter(sim, PROBE_ID, 1, 50 * MS, MS, crashAt + CAP);
        probe.start();
        boolean committed = sim.runUntil(() -> !probe.commits().isEmpty(), crashAt + CAP);
        long firstCommit = committed ? probe.commits().get(0) : crashAt + CAP;

        List<TraceRecord> records = trace.records();
        Map<NodeId, TreeSet<Long>> held = new HashMap<>();
        long commitPoint = 0;
        for (TraceRecord r : records.subList(0, before)) {
            if (!(r instanceof TraceRecord.Event e)) continue;
            TreeSet<Long> mine = held.computeIfAbsent(e.node(), k -> new TreeSet<>());
            if (e.event() instanceof ProtocolEvent.EntryAppended a) mine.add(a.index());
            else if (e.event() instanceof ProtocolEvent.ValueAccepted a) mine.add(a.slot());
            else if (e.event() instanceof ProtocolEvent.LogTruncated t) mine.tailSet(t.fromIndex(), true).clear();
            else if (e.event() instanceof ProtocolEvent.EntryCommitted c) commitPoint = Math.max(commitPoint, c.index());
            else if (e.event() instanceof ProtocolEvent.SlotChosen c) commitPoint = Math.max(commitPoint, c.slot());
        }
        long point = commitPoint;
        Map<NodeId, Integer> above = new HashMap<>();
        for (NodeId s : survivors) above.put(s, held.getOrDefault(s, new TreeSet<>()).tailSet(point, false).size());

        long electedAt = -1;
        NodeId leader = null;
        long leaderTerm = -1;
        for (TraceRecord r : records.subList(before, records.size())) {
            if (r instanceof TraceRecord.Event e && e.event() instanceof ProtocolEvent.LeaderEstablished le && !e.node().equals(old)) {
                electedAt = e.t();
                leader = e.node();
                leaderTerm = le.term();
                break;
            }
        }
        // Survivors the leader no longer reaches may have elected one of them before it crashed: then no
        // election follows the crash, and the trial has no election time (not the cap's 10 s).
        boolean electedBeforeCrash = false;
        if (leader == null) {
            for (TraceRecord r : records.subList(0, before)) {
                if (r instanceof TraceRecord.Event e && e.event() instanceof ProtocolEvent.LeaderEstablished le && !e.node().equals(old)
                        && e.t() >= cutAt) {
                    electedBeforeCrash = true;
                    leader = e.node();
                    leaderTerm = le.term();
                }
            }
        }
        boolean covers = true;
        if (leader != null) {
            for (TraceRecord r : records.subList(before, records.size())) {
                if (r instanceof TraceRecord.Event e && e.event() instanceof ProtocolEvent.VoteGranted v && !v.preVote()
                        && v.candidate().equals(leader) && v.term() == leaderTerm && above.get(e.node()) != null
                        && above.get(e.node()) > above.get(leader)) {
                    covers = false;
                }
            }
        }
        long messages = 0;
        long bytes = 0;
        long during = 0;
        long after = 0;
        long promises = 0;
        long elected = electedBeforeCrash ? crashAt : electedAt < 0 ? Long.MAX_VALUE : electedAt;
        for (long[] c : carried) {
            if (c[0] < crashAt || c[0] > firstCommit) continue;
            messages++;
            bytes += c[3];
            // What the new leader sends in the instant it is elected (its first Accepts) already follows the election.
            if (c[0] < elected) during += c[1];
            else after += c[1];
            if (c[2] == 1) promises += c[1];
        }
        TrialChecks.Result checked = TrialChecks.run(records);
        List<Integer> heldList = survivors.stream().map(above::get).toList();
        double electMs = electedBeforeCrash ? Double.NaN : electedAt < 0 ? CAP / 1e6 : (electedAt - crashAt) / 1e6;
        return new Outcome(electMs, (firstCommit - crashAt) / 1e6, messages, bytes,
                during, after, promises, heldList, leader == null ? "" : leader.toString(), leader == null ? 0 : above.get(leader),
                covers, !committed, checked.violations(), checked.unknown(), electedBeforeCrash);
    }

    /**
     * The log entries or values a message carries: the elements of its list components that are not
     * numbers (an AppendEntries' entries, a Promise's accepted values, an Accept's or a Chosen's
     * values; an Accepted lists slot numbers only). Read from the record, so no protocol is named.
     */
    static int entriesIn(Message message) {
        int n = 0;
        for (java.lang.reflect.Method accessor : LISTS.get(message.getClass())) {
            try {
                for (Object o : (List<?>) accessor.invoke(message)) if (!(o instanceof Number)) n++;
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read " + accessor.getName() + " of " + message.typeName(), e);
            }
        }
        return n;
    }

    /** Per message class, the accessors of its list components (found once: messages are many). */
    private static final ClassValue<List<java.lang.reflect.Method>> LISTS = new ClassValue<>() {
        @Override
        protected List<java.lang.reflect.Method> computeValue(Class<?> type) {
            if (!type.isRecord()) return List.of();
            List<java.lang.reflect.Method> accessors = new ArrayList<>();
            for (RecordComponent c : type.getRecordComponents()) {
                if (!List.class.isAssignableFrom(c.getType())) continue;
                java.lang.reflect.Method accessor = c.getAccessor();
                accessor.setAccessible(true);
                accessors.add(accessor);
            }
            return List.copyOf(accessors);
        }
    };

    private ElectionCostTrial() {}
}
