package quorumlab.analysis.check;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import quorumlab.analysis.check.HistoryEvent.Fn;
import quorumlab.analysis.check.HistoryEvent.Type;
import quorumlab.protocols.ClientReply;
import quorumlab.protocols.Operation;
import quorumlab.protocols.trace.TraceRecord;

/**
 * Rebuilds the client history from a trace's {@code invoke} and {@code complete} records, for a
 * trace with no history file beside it (or a trace kept in memory by a test).
 *
 * <p>A request {@code (clientId, seq)} is one operation from its first invocation to its first
 * definitive reply, however many times it was retried: {@code Committed} is {@code ok} (a cas
 * whose expected value did not match is {@code fail}), {@code Rejected} is {@code fail}. A request
 * that never got one ({@code NotLeader} replies and time-outs only) completes {@code info} at its
 * last time-out, or never. Processes are numbered afresh: a client gets a new process whenever its
 * earlier ones are still busy, and never reuses one whose operation ended {@code info}, as Jepsen's
 * clients do.
 */
final class LegacyTraceHistory {
    private LegacyTraceHistory() {}

    public static History fromTrace(String source, List<TraceRecord> trace) {
        final class Request {
            final long clientId;
            final Operation operation;
            final int invokedAt;
            final long invokeTime;
            int completedAt = -1;
            long completeTime;
            Type outcome;
            Object result;

            Request(long clientId, Operation operation, int invokedAt, long invokeTime) {
                this.clientId = clientId;
                this.operation = operation;
                this.invokedAt = invokedAt;
                this.invokeTime = invokeTime;
            }

            boolean definitive() {
                return outcome == Type.OK || outcome == Type.FAIL;
            }
        }
        Map<String, Request> requests = new LinkedHashMap<>();
        for (int i = 0; i < trace.size(); i++) {
            TraceRecord r = trace.get(i);
            if (r instanceof TraceRecord.Invoke inv) {
                String id = inv.request().id();
                if (!requests.containsKey(id)) {
                    requests.put(id, new Request(inv.request().clientId(), inv.request().operation(), i, inv.t()));
                }
            } else if (r instanceof TraceRecord.Complete c) {
                Request req = requests.get("c" + c.clientId() + ":" + c.seq());
                if (req == null || req.definitive()) continue;
                if (c.reply() instanceof ClientReply.Committed committed) {
                    boolean matched = committed.result() == null || committed.result().ok();
                    req.outcome = matched ? Type.OK : Type.FAIL;
                    req.result = req.operation instanceof Operation.Get && committed.result() != null
                            ? committed.result().value() : null;
                } else if (c.reply() instanceof ClientReply.Rejected) {
                    req.outcome = Type.FAIL;
                } else if (c.reply() == null) {
                    req.outcome = Type.INFO; // a time-out; a later reply to a retry may still settle it
                } else {
                    continue; // NotLeader: the client tries elsewhere
                }
                req.completedAt = i;
                req.completeTime = c.t();
            }
        }

        // Events at their positions in the trace, each request's process chosen in invocation order.
        record Placed(int at, HistoryEvent event) {}
        List<Placed> placed = new ArrayList<>();
        Map<Long, List<long[]>> lanes = new HashMap<>(); // client -> [process, busy until position]
        long nextProcess = 0;
        for (Request req : requests.values()) {
            List<long[]> mine = lanes.computeIfAbsent(req.clientId, k -> new ArrayList<>());
            long[] lane = null;
            for (long[] l : mine) {
                if (l[1] < req.invokedAt) {
                    lane = l;
                    break;
                }
            }
            if (lane == null) {
                lane = new long[] {nextProcess++, 0};
                mine.add(lane);
            }
            lane[1] = req.definitive() ? req.completedAt : Long.MAX_VALUE;
            Operation op = req.operation;
            Fn f = op instanceof Operation.Get ? Fn.READ : op instanceof Operation.Put ? Fn.WRITE : Fn.CAS;
            Object argument = switch (f) {
                case READ -> null;
                case WRITE -> ((Operation.Put) op).value();
                case CAS -> Arrays.asList(((Operation.Cas) op).expected(), ((Operation.Cas) op).value());
            };
            placed.add(new Placed(req.invokedAt,
                    new HistoryEvent(lane[0], Type.INVOKE, f, op.key(), argument, req.invokeTime)));
            if (req.completedAt >= 0) {
                Object value = f == Fn.READ ? (req.outcome == Type.OK ? req.result : null) : argument;
                placed.add(new Placed(req.completedAt,
                        new HistoryEvent(lane[0], req.outcome, f, op.key(), value, req.completeTime)));
            }
        }
        placed.sort((x, y) -> Integer.compare(x.at(), y.at()));
        List<HistoryEvent> events = new ArrayList<>(placed.size());
        for (Placed p : placed) events.add(p.event());
        return History.of(source, events);
    }

    /** True when the trace holds any client invocation, so that there is a history to check. */
    public static boolean hasClients(List<TraceRecord> trace) {
        for (TraceRecord r : trace) {
            if (r instanceof TraceRecord.Invoke) return true;
        }
        return false;
    }
}
