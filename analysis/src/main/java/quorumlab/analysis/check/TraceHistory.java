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
 * Rebuilds the client history from a trace's {@code invoke} and {@code complete} records, as the
 * trace streams by ({@link Builder}), for a trace with no history file beside it (or a trace kept
 * in memory by a test, {@link #fromTrace}).
 *
 * <p>A request {@code (clientId, seq)} is one operation from its first invocation to its first
 * definitive reply, however many times it was retried: {@code Committed} is {@code ok} (a cas
 * whose expected value did not match is {@code fail}), {@code Rejected} is {@code fail}. A request
 * that never got one ({@code NotLeader} replies and time-outs only) completes {@code info} at its
 * last time-out, or never. A client works on one request at a time, so when it invokes a later
 * one, its earlier ones that have no definitive reply are over: that is when they end {@code info}.
 * Processes are numbered afresh: a client gets a new process whenever its earlier ones are still
 * busy, and never reuses one whose operation ended {@code info}, as Jepsen's clients do.
 *
 * <p>Memory: the requests still open, and per client its processes and highest sequence number.
 */
public final class TraceHistory {
    private TraceHistory() {}

    /** Where a {@link Builder} sends the operations: positions are the records' places in the trace. */
    public interface Sink {
        void invoke(long id, long process, Fn f, Object key, Object argument, int position, long time);

        /** An {@code info} completion may name an earlier position (the last time-out), or -1 (none). */
        void complete(long id, Type outcome, Object result, int position, long time);
    }

    /** Turns trace records, fed in order, into operations for a {@link Sink}. */
    public static final class Builder {
        private final class Request {
            final long id;
            final long clientId;
            final long seq;
            final Fn f;
            final Object argument;
            int lastTimeout = -1;
            long lastTimeoutTime = HistoryEvent.NO_TIME;
            long[] lane;

            Request(long id, long clientId, long seq, Fn f, Object argument) {
                this.id = id;
                this.clientId = clientId;
                this.seq = seq;
                this.f = f;
                this.argument = argument;
            }
        }

        private final Sink sink;
        /** A request as the client numbers it, across its retries. */
        private record RequestId(long clientId, long seq) {}

        private final Map<RequestId, Request> open = new LinkedHashMap<>();
        private final Map<Long, List<long[]>> lanes = new HashMap<>(); // client -> [process, busy until position]
        private final Map<Long, Long> highestSeq = new HashMap<>();
        private long nextProcess;
        private long nextId;
        private int position = -1;
        private boolean sawClients;

        public Builder(Sink sink) {
            this.sink = sink;
        }

        public void accept(TraceRecord r) {
            position++;
            if (r instanceof TraceRecord.Invoke inv) {
                onInvoke(inv);
            } else if (r instanceof TraceRecord.Complete c) {
                onComplete(c);
            }
        }

        /** True when the trace held any client invocation, so that there is a history to check. */
        public boolean sawClients() {
            return sawClients;
        }

        /** Every request still without a definitive reply ends {@code info}. */
        public void finish() {
            for (Request req : new ArrayList<>(open.values())) giveUp(req);
        }

        private void onInvoke(TraceRecord.Invoke inv) {
            sawClients = true;
            long clientId = inv.request().clientId();
            long seq = inv.request().seq();
            RequestId id = new RequestId(clientId, seq);
            if (open.containsKey(id)) return; // a retry
            Long highest = highestSeq.get(clientId);
            if (highest != null && seq <= highest) return; // a late retry of a request that is over
            highestSeq.put(clientId, seq);
            List<Request> earlier = null;
            for (Request r : open.values()) {
                if (r.clientId == clientId) {
                    if (earlier == null) earlier = new ArrayList<>();
                    earlier.add(r);
                }
            }
            if (earlier != null) earlier.forEach(this::giveUp);
            Operation op = inv.request().operation();
            Fn f = op instanceof Operation.Get ? Fn.READ : op instanceof Operation.Put ? Fn.WRITE : Fn.CAS;
            Object argument = switch (f) {
                case READ -> null;
                case WRITE -> ((Operation.Put) op).value();
                case CAS -> Arrays.asList(((Operation.Cas) op).expected(), ((Operation.Cas) op).value());
                case APPEND -> throw new IllegalStateException("the replicated store has no append");
            };
            Request req = new Request(nextId++, clientId, seq, f, argument);
            List<long[]> mine = lanes.computeIfAbsent(clientId, k -> new ArrayList<>());
            for (long[] l : mine) {
                if (l[1] < position) {
                    req.lane = l;
                    break;
                }
            }
            if (req.lane == null) {
                req.lane = new long[] {nextProcess++, 0};
                mine.add(req.lane);
            }
            req.lane[1] = Long.MAX_VALUE; // busy until a definitive reply
            open.put(id, req);
            sink.invoke(req.id, req.lane[0], f, op.key(), argument, position, inv.t());
        }

        private void onComplete(TraceRecord.Complete c) {
            RequestId id = new RequestId(c.clientId(), c.seq());
            Request req = open.get(id);
            if (req == null) return;
            Type outcome;
            Object result = null;
            if (c.reply() instanceof ClientReply.Committed committed) {
                boolean matched = committed.result() == null || committed.result().ok();
                outcome = matched ? Type.OK : Type.FAIL;
                result = req.f == Fn.READ && committed.result() != null ? committed.result().value() : null;
            } else if (c.reply() instanceof ClientReply.Rejected) {
                outcome = Type.FAIL;
            } else if (c.reply() == null) {
                req.lastTimeout = position; // a time-out; a later reply to a retry may still settle it
                req.lastTimeoutTime = c.t();
                return;
            } else {
                return; // NotLeader: the client tries elsewhere
            }
            open.remove(id);
            req.lane[1] = position;
            sink.complete(req.id, outcome, result, position, c.t());
        }

        private void giveUp(Request req) {
            open.remove(new RequestId(req.clientId, req.seq));
            sink.complete(req.id, Type.INFO, null, req.lastTimeout, req.lastTimeoutTime);
        }
    }

    /** The whole history of a trace held in memory, its events in trace order. */
    public static History fromTrace(String source, List<TraceRecord> trace) {
        record Placed(int at, HistoryEvent event) {}
        List<Placed> placed = new ArrayList<>();
        Map<Long, HistoryEvent> invoked = new HashMap<>();
        Builder builder = new Builder(new Sink() {
            @Override
            public void invoke(long id, long process, Fn f, Object key, Object argument, int position, long time) {
                HistoryEvent e = new HistoryEvent(process, Type.INVOKE, f, key, argument, time);
                invoked.put(id, e);
                placed.add(new Placed(position, e));
            }

            @Override
            public void complete(long id, Type outcome, Object result, int position, long time) {
                HistoryEvent inv = invoked.remove(id);
                if (position < 0) return; // never completed
                Object value = inv.f() == Fn.READ ? (outcome == Type.OK ? result : null) : inv.value();
                placed.add(new Placed(position, new HistoryEvent(inv.process(), outcome, inv.f(), inv.key(), value, time)));
            }
        });
        for (TraceRecord r : trace) builder.accept(r);
        builder.finish();
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
