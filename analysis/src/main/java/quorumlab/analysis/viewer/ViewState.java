package quorumlab.analysis.viewer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.Role;
import quorumlab.protocols.trace.TraceRecord;

/**
 * What one protocol's cluster looked like at a virtual instant, folded from its trace: the page draws
 * exactly this. Everything comes from trace records (docs/trace-format.md), so a recorded run and a
 * live one are shown the same way; messages in flight need trace level {@code full}.
 */
final class ViewState {
    /** Log cells shown per node: the newest indexes. */
    static final int LOG_CELLS = 40;
    /** How long a client's reply stays on the page after it arrived. */
    static final long REPLY_SHOWN_NANOS = 150_000_000L;
    /** How far past the instant the fold looks for the arrival of a message in flight. */
    private static final long ARRIVAL_SEARCH_NANOS = 10_000_000_000L;

    // A log cell's state, in the order an entry goes through them.
    static final int ACCEPTED = 1;
    static final int COMMITTED = 2;
    static final int APPLIED = 3;

    record Timer(String name, long set, long due) {}

    record NodeView(String id, boolean up, boolean paused, String role, long term, List<Timer> timers) {}

    /** Indexes {@code from..to}; per node a letter per index: . none, a accepted, c committed/chosen, x applied (capitals: a no-op). */
    record LogView(long from, long to, Map<String, String> cells) {}

    /** {@code arrives}: when it was delivered or dropped (null: not yet known); {@code dropped}: why it was lost, or null. */
    record Message(long id, String type, String from, String to, long sent, Long arrives, String dropped) {}

    record Request(long client, long seq, String op, String key, String node, long t) {}

    record Reply(long client, long seq, String node, String outcome, long t) {}

    record State(String protocol, long t, String leader, List<NodeView> nodes, LogView log, List<Message> messages,
            List<Request> requests, List<Reply> replies, boolean hasMessages) {}

    private ViewState() {}

    /**
     * The state at {@code t}, with the messages in flight at any instant of {@code [t, t + window]} (so
     * a page drawing frames {@code window} apart misses none).
     */
    static State at(String protocol, List<TraceRecord> records, long t, long window) {
        Fold f = new Fold(records);
        f.advance(t);
        return f.state(protocol, t, window);
    }

    static String name(NodeId id) {
        return id == null ? null : id.toString();
    }

    /**
     * The running fold over one trace: every field is what the records before {@link #next} say. It
     * only moves forward, so a page playing forward (or an export, frame by frame) reads each record once.
     */
    static final class Fold {
        final List<TraceRecord> records;
        int next;
        long at = -1;
        final Map<NodeId, Node> nodes = new TreeMap<>((a, b) -> Integer.compare(a.id(), b.id()));
        final List<NodeId> leaders = new ArrayList<>();
        final Map<Long, Message> inFlight = new LinkedHashMap<>();
        /** Messages in flight whose arrival is not found yet. */
        final Map<Long, Boolean> pending = new HashMap<>();
        final Map<String, Request> requests = new LinkedHashMap<>();
        final List<Reply> replies = new ArrayList<>();
        boolean hasMessages;

        Fold(List<TraceRecord> records) {
            this.records = records;
        }

        /** Applies every record up to and including {@code t} (never backwards). */
        void advance(long t) {
            if (t < at) throw new IllegalArgumentException("a fold cannot go back from " + at + " to " + t);
            at = t;
            int n = records.size();
            while (next < n && records.get(next).t() <= t) apply(records.get(next++));
        }

        /** The state at the instant advanced to, with a look past it for messages and their arrivals. */
        State state(String protocol, long t, long window) {
            Map<Long, Message> flying = new LinkedHashMap<>(inFlight);
            Map<Long, Boolean> unresolved = new HashMap<>(pending);
            List<Reply> seen = new ArrayList<>(replies);
            Map<String, Request> waiting = new LinkedHashMap<>(requests);
            int n = records.size();
            for (int i = next; i < n; i++) {
                TraceRecord r = records.get(i);
                if (r.t() > t + window && (unresolved.isEmpty() || r.t() > t + window + ARRIVAL_SEARCH_NANOS)) break;
                if (r instanceof TraceRecord.Send s && s.t() <= t + window) {
                    flying.put(s.id(), new Message(s.id(), s.type(), name(s.from()), name(s.to()), s.t(), null, null));
                    unresolved.put(s.id(), Boolean.TRUE);
                } else if (r instanceof TraceRecord.Deliver d) {
                    arrive(flying, unresolved, d.id(), d.t(), null);
                } else if (r instanceof TraceRecord.Drop d) {
                    arrive(flying, unresolved, d.id(), d.t(), d.reason());
                } else if (r instanceof TraceRecord.Complete c && c.t() <= t + window) {
                    waiting.remove(c.clientId() + ":" + c.seq());
                    seen.add(new Reply(c.clientId(), c.seq(), name(c.node()), c.outcome(), c.t()));
                }
            }
            return build(protocol, t, flying, seen, waiting);
        }

        Node node(NodeId id) {
            return nodes.computeIfAbsent(id, k -> new Node());
        }

        void apply(TraceRecord r) {
            if (r instanceof TraceRecord.Meta m) {
                for (int k = 1; k <= m.nodes(); k++) node(NodeId.of(k));
            } else if (r instanceof TraceRecord.Send s) {
                hasMessages = true;
                inFlight.put(s.id(), new Message(s.id(), s.type(), name(s.from()), name(s.to()), s.t(), null, null));
                pending.put(s.id(), Boolean.TRUE);
            } else if (r instanceof TraceRecord.Deliver d) {
                done(d.id());
            } else if (r instanceof TraceRecord.Drop d) {
                done(d.id());
            } else if (r instanceof TraceRecord.TimerSet s) {
                node(s.node()).timers.put(s.name(), new Timer(s.name(), s.t(), s.t() + s.delay()));
            } else if (r instanceof TraceRecord.TimerFire s) {
                node(s.node()).timers.remove(s.name());
            } else if (r instanceof TraceRecord.Event e) {
                event(e.node(), e.event());
            } else if (r instanceof TraceRecord.Invoke v) {
                String op = v.request().operation().getClass().getSimpleName().toLowerCase();
                requests.put(v.request().clientId() + ":" + v.request().seq(), new Request(v.request().clientId(),
                        v.request().seq(), op, v.request().operation().key(), name(v.node()), v.t()));
            } else if (r instanceof TraceRecord.Complete c) {
                complete(c);
            } else if (r instanceof TraceRecord.Fault f) {
                fault(f);
            }
            if (!replies.isEmpty() && replies.get(0).t() < r.t() - REPLY_SHOWN_NANOS) {
                replies.removeIf(x -> x.t() < r.t() - REPLY_SHOWN_NANOS);
            }
        }

        void done(long id) {
            inFlight.remove(id);
            pending.remove(id);
        }

        static void arrive(Map<Long, Message> flying, Map<Long, Boolean> unresolved, long id, long at, String reason) {
            Message m = flying.get(id);
            if (m == null || m.arrives() != null) return;
            flying.put(id, new Message(m.id(), m.type(), m.from(), m.to(), m.sent(), at, reason));
            unresolved.remove(id);
        }

        void complete(TraceRecord.Complete c) {
            requests.remove(c.clientId() + ":" + c.seq());
            replies.add(new Reply(c.clientId(), c.seq(), name(c.node()), c.outcome(), c.t()));
        }

        void event(NodeId id, ProtocolEvent event) {
            Node n = node(id);
            if (event instanceof ProtocolEvent.RoleChanged rc) {
                n.role = rc.to();
                n.term = Math.max(n.term, rc.term());
                if (rc.to() != Role.LEADER) leaders.remove(id);
            } else if (event instanceof ProtocolEvent.ElectionStarted es) {
                n.term = Math.max(n.term, es.term());
            } else if (event instanceof ProtocolEvent.LeaderEstablished le) {
                n.term = Math.max(n.term, le.term());
                n.role = Role.LEADER;
                leaders.remove(id);
                leaders.add(id);
            } else if (event instanceof ProtocolEvent.VoteGranted vg) {
                if (!vg.preVote()) n.term = Math.max(n.term, vg.term());
            } else if (event instanceof ProtocolEvent.EntryAppended a) {
                n.mark(a.index(), ACCEPTED, a.command());
            } else if (event instanceof ProtocolEvent.LogTruncated lt) {
                n.log.tailMap(lt.fromIndex(), true).clear();
            } else if (event instanceof ProtocolEvent.ValueAccepted a) {
                // a Paxos acceptor announces no ballot of its own: the ballot it last accepted in is the one it follows
                n.term = Math.max(n.term, a.term());
                n.mark(a.slot(), ACCEPTED, a.command());
            } else if (event instanceof ProtocolEvent.SlotChosen c) {
                n.mark(c.slot(), COMMITTED, c.command());
            } else if (event instanceof ProtocolEvent.EntryCommitted c) {
                n.mark(c.index(), COMMITTED, c.command());
            } else if (event instanceof ProtocolEvent.EntryApplied a) {
                n.mark(a.index(), APPLIED, a.command());
            }
        }

        void fault(TraceRecord.Fault f) {
            switch (f.fault()) {
                case "crash" -> f.nodes().forEach(id -> {
                    Node n = node(id);
                    n.up = false;
                    n.paused = false;
                    n.timers.clear();
                    leaders.remove(id);
                });
                case "restart" -> f.nodes().forEach(id -> {
                    Node n = node(id);
                    n.up = true;
                    n.role = Role.FOLLOWER;
                });
                case "pause" -> f.nodes().forEach(id -> node(id).paused = true);
                case "resume" -> f.nodes().forEach(id -> node(id).paused = false);
                default -> { }
            }
        }

        private State build(String protocol, long t, Map<Long, Message> flying, List<Reply> seen, Map<String, Request> waiting) {
            List<NodeView> views = new ArrayList<>();
            long hi = 0;
            for (Node n : nodes.values()) if (!n.log.isEmpty()) hi = Math.max(hi, n.log.lastKey());
            long lo = Math.max(1, hi - LOG_CELLS + 1);
            Map<String, String> cells = new LinkedHashMap<>();
            for (Map.Entry<NodeId, Node> e : nodes.entrySet()) {
                Node n = e.getValue();
                List<Timer> timers = new ArrayList<>();
                for (Timer tm : n.timers.values()) if (tm.due() >= t) timers.add(tm);
                views.add(new NodeView(e.getKey().toString(), n.up, n.paused, n.up ? n.role.name() : "DOWN", n.term, timers));
                StringBuilder sb = new StringBuilder();
                for (long k = lo; k <= hi; k++) sb.append(n.cell(k));
                cells.put(e.getKey().toString(), sb.toString());
            }
            List<Message> messages = new ArrayList<>();
            for (Message m : flying.values()) if (m.arrives() == null || m.arrives() > t) messages.add(m);
            List<Reply> shown = new ArrayList<>();
            for (Reply r : seen) if (r.t() >= t - REPLY_SHOWN_NANOS) shown.add(r);
            String leader = leaders.isEmpty() ? null : leaders.get(leaders.size() - 1).toString();
            return new State(protocol, t, leader, views, new LogView(lo, hi, cells), messages, new ArrayList<>(waiting.values()),
                    shown, hasMessages || !messages.isEmpty());
        }
    }

    private static final class Node {
        boolean up = true;
        boolean paused;
        Role role = Role.FOLLOWER;
        long term;
        final Map<String, Timer> timers = new TreeMap<>();
        /** Index to cell state, with bit 4 set for a no-op. */
        final TreeMap<Long, Integer> log = new TreeMap<>();

        void mark(long index, int state, String command) {
            int noop = "noop".equals(command) ? 4 : 0;
            Integer old = log.get(index);
            int before = old == null ? 0 : old & 3;
            log.put(index, Math.max(before, state) | noop);
        }

        char cell(long index) {
            Integer c = log.get(index);
            if (c == null) return '.';
            char ch = switch (c & 3) {
                case ACCEPTED -> 'a';
                case COMMITTED -> 'c';
                default -> 'x';
            };
            return (c & 4) != 0 ? Character.toUpperCase(ch) : ch;
        }
    }
}
