package quorumlab.analysis.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.HdrHistogram.Histogram;
import quorumlab.protocols.ClientReply;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.trace.TraceRecord;

/**
 * Everything measured about one protocol on one seed, computed only from the trace, so an old run
 * can be re-analysed. The definitions are DESIGN.md's "What is measured", the same for both
 * protocols; results/README.md states them for readers.
 */
public final class RunMetrics {
    /** Faults that take the leader away when they name it. */
    private static final java.util.Set<String> LEADER_LOSING =
            java.util.Set.of("crash", "isolate", "pause", "one-way", "partition");

    public static final long BUCKET_NANOS = 1_000_000_000L;

    /** A fault window, for the shaded bands of the charts: [start, end) in ms. */
    public record Window(String fault, double startMs, double endMs) {}

    /** A point of the gaps-over-time chart. */
    public record GapPoint(double tMs, long highestChosen, long highestApplied) {}

    public final Histogram latency = new Histogram(3_600_000_000_000L, 3);
    public final List<double[]> latencyOverTime = new ArrayList<>(); // {completion ms, latency ms}
    public final TreeMap<Long, Long> completionsPerBucket = new TreeMap<>();
    public long committed;
    public double durationMs;
    public final List<Double> electionMs = new ArrayList<>();
    public final List<Double> unavailabilityMs = new ArrayList<>();
    public long termsTried;
    public long splitVotes;
    public long outOfOrder;
    public long maxGapWidth;
    public final List<Double> gapLifetimesMs = new ArrayList<>();
    public final Histogram chooseToApply = new Histogram(3_600_000_000_000L, 3);
    public long noOps;
    public long entriesTruncated;
    public long appendsRejected;
    /** Null when the trace holds no Send records (trace level below FULL). */
    public Map<String, long[]> messagesByType; // type -> {count, bytes}
    public final List<Window> faultWindows = new ArrayList<>();
    public final List<GapPoint> gapsOverTime = new ArrayList<>();

    public double throughputOpsPerSecond() {
        return durationMs <= 0 ? 0 : committed / (durationMs / 1000.0);
    }

    /** Messages per committed command, or null when not traced. */
    public Double messagesPerCommit() {
        if (messagesByType == null || committed == 0) return null;
        return messagesByType.values().stream().mapToLong(v -> v[0]).sum() / (double) committed;
    }

    public Double bytesPerCommit() {
        if (messagesByType == null || committed == 0) return null;
        return messagesByType.values().stream().mapToLong(v -> v[1]).sum() / (double) committed;
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    public static RunMetrics of(List<TraceRecord> trace) {
        RunMetrics m = new RunMetrics();
        m.compute(trace);
        return m;
    }

    private record Op(long clientId, long seq) {}

    private void compute(List<TraceRecord> trace) {
        Map<Op, TraceRecord.Invoke> firstInvoke = new HashMap<>();
        Map<Op, Long> committedAt = new HashMap<>();
        long start = Long.MAX_VALUE;
        long end = 0;
        for (TraceRecord r : trace) {
            if (r instanceof TraceRecord.Meta) continue;
            start = Math.min(start, r.t());
            end = Math.max(end, r.t());
            if (r instanceof TraceRecord.Invoke i) {
                firstInvoke.putIfAbsent(new Op(i.request().clientId(), i.request().seq()), i);
            } else if (r instanceof TraceRecord.Complete c && c.reply() instanceof ClientReply.Committed) {
                Op op = new Op(c.clientId(), c.seq());
                TraceRecord.Invoke i = firstInvoke.get(op);
                if (i == null || committedAt.containsKey(op)) continue;
                committedAt.put(op, c.t());
                // Open loop: from the instant the client meant to send, so a stalled system is not flattered.
                long latency = Math.max(1, c.t() - i.intended());
                this.latency.recordValue(latency);
                latencyOverTime.add(new double[] {ms(c.t()), ms(latency)});
                completionsPerBucket.merge(c.t() / BUCKET_NANOS, 1L, Long::sum);
            }
        }
        committed = committedAt.size();
        durationMs = start == Long.MAX_VALUE ? 0 : ms(end - start);
        elections(trace, firstInvoke, committedAt);
        gaps(trace);
        messages(trace);
        windows(trace, end);
    }

    /**
     * Election time: from a fault that takes the current leader away (crash, pause, isolate, or a
     * cut naming it) to the next LeaderEstablished by another node. Unavailability: from the same
     * fault to the commit of the first command submitted after it.
     */
    private void elections(List<TraceRecord> trace, Map<Op, TraceRecord.Invoke> invokes, Map<Op, Long> committedAt) {
        NodeId leader = null;
        Map<Long, Boolean> termHadLeader = new TreeMap<>();
        java.util.Set<String> started = new java.util.HashSet<>();
        for (int k = 0; k < trace.size(); k++) {
            TraceRecord r = trace.get(k);
            if (r instanceof TraceRecord.Event e) {
                if (e.event() instanceof ProtocolEvent.LeaderEstablished le) {
                    leader = e.node();
                    termHadLeader.put(le.term(), true);
                } else if (e.event() instanceof ProtocolEvent.ElectionStarted es && !es.preVote()) {
                    if (started.add(e.node() + "/" + es.term())) termsTried++;
                    termHadLeader.putIfAbsent(es.term(), false);
                }
            } else if (r instanceof TraceRecord.Fault f && leader != null && LEADER_LOSING.contains(f.fault())
                    && (f.nodes().contains(leader) || (f.fault().equals("partition")))) {
                NodeId old = leader;
                for (int j = k + 1; j < trace.size(); j++) {
                    if (trace.get(j) instanceof TraceRecord.Event e2 && e2.event() instanceof ProtocolEvent.LeaderEstablished
                            && !e2.node().equals(old)) {
                        electionMs.add(ms(e2.t() - f.t()));
                        break;
                    }
                }
                long firstCommit = Long.MAX_VALUE;
                for (Map.Entry<Op, TraceRecord.Invoke> i : invokes.entrySet()) {
                    Long c = committedAt.get(i.getKey());
                    if (i.getValue().t() >= f.t() && c != null) firstCommit = Math.min(firstCommit, c);
                }
                if (firstCommit != Long.MAX_VALUE) unavailabilityMs.add(ms(firstCommit - f.t()));
                if (f.fault().equals("partition") && !f.nodes().contains(old)) {
                    // A partition naming no nodes may not cut the leader off; count it only if a new leader came.
                    if (electionMs.size() > unavailabilityMs.size()) unavailabilityMs.add(Double.NaN);
                }
            }
        }
        unavailabilityMs.removeIf(d -> d.isNaN());
        splitVotes = termHadLeader.values().stream().filter(b -> !b).count();
    }

    /** Per node: a slot chosen while a lower one is not is out of order; the gap lives until the holes fill. */
    private void gaps(List<TraceRecord> trace) {
        Map<NodeId, TreeSet<Long>> chosenAbovePrefix = new HashMap<>();
        Map<NodeId, Long> prefix = new HashMap<>();
        Map<NodeId, Long> gapSince = new HashMap<>();
        Map<String, Long> chosenAt = new HashMap<>();
        java.util.Set<Long> noOpSlots = new java.util.HashSet<>();
        long highestChosen = 0;
        long highestApplied = 0;
        for (TraceRecord r : trace) {
            if (!(r instanceof TraceRecord.Event e)) continue;
            NodeId n = e.node();
            long index = -1;
            if (e.event() instanceof ProtocolEvent.SlotChosen s) index = s.slot();
            else if (e.event() instanceof ProtocolEvent.EntryCommitted c) index = c.index();
            else if (e.event() instanceof ProtocolEvent.EntryApplied a) {
                Long at = chosenAt.get(n + "/" + a.index());
                if (at != null) chooseToApply.recordValue(Math.max(1, e.t() - at));
                if (a.index() > highestApplied) {
                    highestApplied = a.index();
                    gapsOverTime.add(new GapPoint(ms(e.t()), highestChosen, highestApplied));
                }
            } else if (e.event() instanceof ProtocolEvent.NoOpProposed np) noOpSlots.add(np.slot());
            else if (e.event() instanceof ProtocolEvent.EntryAppended ap && "noop".equals(ap.command()) && n != null) {
                noOpSlots.add(ap.index());
            } else if (e.event() instanceof ProtocolEvent.LogTruncated t) entriesTruncated += t.count();
            else if (e.event() instanceof ProtocolEvent.AppendRejected) appendsRejected++;
            if (index < 0) continue;
            long p = prefix.getOrDefault(n, 0L);
            if (index <= p) continue;
            TreeSet<Long> above = chosenAbovePrefix.computeIfAbsent(n, x -> new TreeSet<>());
            if (!above.add(index)) continue;
            chosenAt.put(n + "/" + index, e.t());
            if (index > highestChosen) {
                highestChosen = index;
                gapsOverTime.add(new GapPoint(ms(e.t()), highestChosen, highestApplied));
            }
            if (index > p + 1) {
                outOfOrder++;
                long width = index - p - 1 - above.subSet(p + 1, index).size();
                maxGapWidth = Math.max(maxGapWidth, width);
                gapSince.putIfAbsent(n, e.t());
            }
            while (above.contains(p + 1)) above.remove(++p);
            prefix.put(n, p);
            if (above.isEmpty() && gapSince.containsKey(n)) gapLifetimesMs.add(ms(e.t() - gapSince.remove(n)));
        }
        noOps = noOpSlots.size();
    }

    private void messages(List<TraceRecord> trace) {
        Map<String, long[]> byType = new TreeMap<>();
        boolean any = false;
        for (TraceRecord r : trace) {
            if (r instanceof TraceRecord.Send s) {
                any = true;
                long[] v = byType.computeIfAbsent(s.type(), x -> new long[2]);
                v[0]++;
                v[1] += s.bytes();
            }
        }
        messagesByType = any ? byType : null;
    }

    /** Fault windows: a fault until the record that undoes it (restart, heal, resume, X-end), else to the end. */
    private void windows(List<TraceRecord> trace, long end) {
        List<TraceRecord.Fault> open = new ArrayList<>();
        for (TraceRecord r : trace) {
            if (!(r instanceof TraceRecord.Fault f)) continue;
            String undoes = switch (f.fault()) {
                case "restart" -> "crash";
                case "resume" -> "pause";
                case "heal" -> "*cut";
                default -> f.fault().endsWith("-end") ? f.fault().substring(0, f.fault().length() - 4) : null;
            };
            if (undoes == null) {
                if (!f.fault().equals("drift")) open.add(f);
                continue;
            }
            for (var it = open.iterator(); it.hasNext(); ) {
                TraceRecord.Fault o = it.next();
                boolean match = undoes.equals("*cut")
                        ? java.util.Set.of("partition", "isolate", "one-way").contains(o.fault())
                        : o.fault().equals(undoes) && (f.nodes().isEmpty() || o.nodes().equals(f.nodes()));
                if (match) {
                    faultWindows.add(new Window(o.fault(), ms(o.t()), ms(f.t())));
                    it.remove();
                }
            }
        }
        for (TraceRecord.Fault o : open) faultWindows.add(new Window(o.fault(), ms(o.t()), ms(end)));
    }
}
