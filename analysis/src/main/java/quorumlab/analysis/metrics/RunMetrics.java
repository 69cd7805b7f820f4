package quorumlab.analysis.metrics;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.trace.TraceReader;
import quorumlab.protocols.trace.TraceRecord;

/**
 * Everything measured about one protocol on one seed, computed only from the trace, so an old run
 * can be re-analysed. The definitions are DESIGN.md's "What is measured", the same for both
 * protocols; results/README.md states them for readers.
 *
 * <p>A run has three phases ({@link Phases}): the warm-up until the first leader serves a client
 * (and the workload's own warm-up, if longer), the measurement window until the workload ends, and
 * the drain. Every number here counts in the window only, unless its name says otherwise.
 */
public final class RunMetrics {
    /** A fault window, for the shaded bands of the charts: [start, end) in ms. */
    public record Window(String fault, double startMs, double endMs) {}

    /** One leader change: when leadership was lost, when a new leader stood, and why. */
    public record LeaderChange(double lostMs, double establishedMs, NodeId newLeader, String cause) {
        public double electionMs() {
            return establishedMs - lostMs;
        }
    }

    /** An interval with requests outstanding and no commit, longer than the outage threshold. */
    public record Outage(double startMs, double endMs, String cause) {
        public double lengthMs() {
            return endMs - startMs;
        }
    }

    /** A node back from a crash, a pause or a cut, catching up to what the cluster had committed. */
    public record CatchUp(NodeId node, String after, double startMs, double endMs, long entries) {}

    /**
     * Per node, over time: entries the node holds that still wait (Multi-Paxos: chosen but not
     * applied, because a lower slot is open; Raft: appended but not committed), sampled as the
     * maximum in each of {@code values.length} equal buckets from {@code startMs} to {@code endMs}.
     */
    public record Waiting(String what, double startMs, double endMs, Map<NodeId, long[]> values) {}

    /**
     * One membership change requested in the window: {@code outcome} is committed, refused, timed out
     * or pending; times in ms (NaN when undefined: not committed, not a new node, not caught up);
     * {@code entriesSent} is what the leader reported sending the new node ({@code LearnerCaughtUp}),
     * -1 when it did not report (or the change removes a node).
     */
    public record MembershipChange(long id, String kind, NodeId node, String outcome, double requestedMs, double committedMs,
            double longestNoCommitMs, double catchUpMs, long entriesSent) {
        public double requestToCommitMs() {
            return committedMs - requestedMs;
        }
    }

    public static final long HIGHEST_TRACKABLE = 3_600_000_000_000L;

    // phases
    public Phases phases = Phases.NONE;
    // client-side
    public final Histogram latency = new Histogram(HIGHEST_TRACKABLE, 3);
    public final Map<String, Histogram> latencyByType = new TreeMap<>();
    /** {completion ms, latency ms} of commands committed in the window: all of them, or a bounded sample. */
    public final LatencySample latencyOverTime = new LatencySample();
    /** Commands committed over the whole run, counted in time buckets, for throughput over time. */
    public final TimeBuckets commitsOverTime = new TimeBuckets();
    public long committed;
    public long clientTimeouts;
    public long clientRedirects;
    public long clientRejections;
    /** Attempts sent to a node that was down, refused at once (a reset connection). */
    public long clientRefusals;
    /** Operations invoked in the window that never committed (gave up, timed out for good, or refused). */
    public long clientFailures;
    // leadership
    public final List<LeaderChange> leaderChanges = new ArrayList<>();
    public final List<Double> unavailabilityMs = new ArrayList<>();
    public final List<Double> clientOutageMs = new ArrayList<>();
    public final List<Outage> outages = new ArrayList<>();
    public double outageThresholdMs = Double.NaN;
    public long termsTried;
    public long splitVotes;
    public long candidaciesFailed;
    // ordering
    public long outOfOrder;
    public long maxGapWidth;
    /** Gap lifetimes in ns (3 significant digits), for the CDF; the longest is kept exactly apart. */
    public final Histogram gapLifetimes = new Histogram(HIGHEST_TRACKABLE, 3);
    public double maxGapLifetimeMs;
    public final Histogram chooseToApply = new Histogram(HIGHEST_TRACKABLE, 3);
    public final Histogram appendToCommit = new Histogram(HIGHEST_TRACKABLE, 3);
    public final Histogram commitLag = new Histogram(HIGHEST_TRACKABLE, 3);
    public final List<CatchUp> catchUps = new ArrayList<>();
    public Waiting waiting;
    public long noOps;
    public long entriesTruncated;
    public long appendsRejected;
    // cost
    /** type -> {count, bytes} of peer messages sent in the window. */
    public final Map<String, long[]> messagesByType = new TreeMap<>();
    /** category label -> {count, bytes}. */
    public final Map<String, long[]> messagesByCategory = new TreeMap<>();
    /** node -> messages it sent in the window. */
    public final Map<NodeId, Long> messagesByNode = new TreeMap<>();
    public long messagesByLeader;
    /** False when the trace holds neither message counts nor sends (an old trace below level full). */
    public boolean messagesCounted;
    public final List<Window> faultWindows = new ArrayList<>();
    // membership
    public final List<MembershipChange> membershipChanges = new ArrayList<>();
    /** Leader changes in the window that a membership change caused (see {@link Membership}). */
    public long membershipLeaderChanges;
    /** Changes refused in the window: by the protocol, or because no leader took them. */
    public long membershipRefused;
    /** Changes with neither a commit nor a refusal within the injector's bound. */
    public long membershipTimedOut;

    public double throughputOpsPerSecond() {
        double w = phases.windowMs();
        return w <= 0 ? Double.NaN : committed / (w / 1000.0);
    }

    public long messagesSent() {
        return messagesByType.values().stream().mapToLong(v -> v[0]).sum();
    }

    /** Peer messages sent in the window per command committed in it; NaN when nothing committed. */
    public double messagesPerCommit() {
        return !messagesCounted || committed == 0 ? Double.NaN : messagesSent() / (double) committed;
    }

    public double bytesPerCommit() {
        return !messagesCounted || committed == 0 ? Double.NaN
                : messagesByType.values().stream().mapToLong(v -> v[1]).sum() / (double) committed;
    }

    public double messagesPerCommit(String category) {
        if (!messagesCounted || committed == 0) return Double.NaN;
        long[] v = messagesByCategory.get(category);
        return (v == null ? 0 : v[0]) / (double) committed;
    }

    /** The share of all messages the leader of the moment sent: the leader bottleneck. */
    public double leaderMessageShare() {
        long all = messagesSent();
        return !messagesCounted || all == 0 ? Double.NaN : messagesByLeader / (double) all;
    }

    /** Messages per second sent by the busiest node. */
    public double busiestNodeMessagesPerSecond() {
        double w = phases.windowMs();
        if (!messagesCounted || messagesByNode.isEmpty() || w <= 0) return Double.NaN;
        return messagesByNode.values().stream().mapToLong(Long::longValue).max().getAsLong() / (w / 1000.0);
    }

    public List<Double> electionMs() {
        return leaderChanges.stream().map(LeaderChange::electionMs).toList();
    }

    static double ms(long nanos) {
        return nanos / 1e6;
    }

    /** Something that replays a trace from its start, in file order, each time it is asked. */
    @FunctionalInterface
    public interface TraceSource {
        void forEach(Consumer<TraceRecord> sink);
    }

    public static RunMetrics of(List<TraceRecord> trace) {
        return of(trace::forEach);
    }

    /** Reads the trace file once (twice or three times only in the cases {@link Pass} names), record by record. */
    public static RunMetrics of(Path trace) {
        return of(sink -> TraceReader.forEach(trace, sink));
    }

    /**
     * One pass over the trace, each concern fed every record in order, then finished. A pass that
     * cannot decide exactly in bounded memory says what it learned, and the next pass starts with it
     * (see {@link Pass}); the third pass always decides.
     */
    public static RunMetrics of(TraceSource source) {
        return of(source, Pass.Hints.NONE, 3);
    }

    private static RunMetrics of(TraceSource source, Pass.Hints hints, int passes) {
        for (int i = 0; i < passes; i++) {
            Pass pass = new Pass(hints);
            source.forEach(pass);
            RunMetrics m = pass.finish();
            if (m != null) return m;
            hints = pass.hints();
        }
        throw new IllegalStateException("the metrics did not settle in three passes");
    }

    /**
     * The metrics of a trace that someone else reads: fed, in file order, the records of a pass
     * that also serves other readers (the checkers), so that checking and analysing a run read its
     * trace once. Only when that first pass cannot decide (see {@link Pass}) does {@link #finish}
     * read the trace again.
     */
    public static final class Builder implements Consumer<TraceRecord> {
        private final Pass first = new Pass(Pass.Hints.NONE);
        private boolean fed;

        @Override
        public void accept(TraceRecord r) {
            fed = true;
            first.accept(r);
        }

        /** Whether any record came: false when the pass that was to feed this never read the trace. */
        public boolean fed() {
            return fed;
        }

        /** The metrics; {@code again} replays the trace for the rare further pass. */
        public RunMetrics finish(TraceSource again) {
            RunMetrics m = first.finish();
            return m != null ? m : of(again, first.hints(), 2);
        }
    }
}
