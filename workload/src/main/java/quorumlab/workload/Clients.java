package quorumlab.workload;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import quorumlab.protocols.ClientReply;
import quorumlab.protocols.ClientRequest;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.Operation;
import quorumlab.protocols.runtime.ClientHandler;
import quorumlab.protocols.runtime.ClientPort;
import quorumlab.protocols.runtime.ClusterRuntime;

/**
 * The clients of one run. A client sends one request at a time to the node it believes leads,
 * follows {@code NotLeader} hints, retries a timed-out request with the same {@code (clientId, seq)}
 * at another node, and gives up after a deadline (recording {@code info}: the operation may or may
 * not have taken effect; the client then continues as a new process, as Jepsen's clients do).
 */
final class Clients {
    /** How long a client waits before trying another node when no one leads. */
    private static final long NO_LEADER_BACKOFF = 10_000_000L;

    private final ClusterRuntime runtime;
    private final WorkloadSettings settings;
    private final HistoryWriter history;
    private final long seed;
    private final long end;
    /** The nodes clients know of: {@link ClusterRuntime#nodes()}, refreshed when a client moves on or hears of a node it does not know. */
    private List<NodeId> members;
    private long nextProcess;
    /** Open loop: connections with nothing outstanding. */
    private final java.util.ArrayDeque<Request> idle = new java.util.ArrayDeque<>();
    private long completed;
    /** Client-burst faults so far: burst {@code b} writes key {@code burst<b>}. */
    private int bursts;
    /** A burst's clients: far above the closed loop's ids (1 ..) and the open loop's (1,000,000 ..). */
    static final long BURST_IDS = 2_000_000_000L;

    Clients(ClusterRuntime runtime, WorkloadSettings settings, HistoryWriter history, long seed, long end) {
        this.runtime = runtime;
        this.settings = settings;
        this.history = history;
        this.seed = seed;
        this.end = end;
        this.members = runtime.nodes();
    }

    /** The position of {@code node}, learning of nodes added since (the list only grows). */
    private int indexOf(NodeId node) {
        int i = members.indexOf(node);
        if (i < 0) {
            members = runtime.nodes();
            i = members.indexOf(node);
        }
        return i;
    }

    /** The node after position {@code i}, among every node that exists now. */
    private int after(int i) {
        members = runtime.nodes();
        return (i + 1) % members.size();
    }

    long completed() {
        return completed;
    }

    /** The client policy in words and numbers, for run.json: the same for every protocol. */
    static Map<String, Object> policy(WorkloadSettings s) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("loop", s.openLoop() ? "open" : "closed");
        if (s.openLoop()) {
            p.put("rate", s.rate());
            p.put("arrivals", s.poisson() ? "poisson" : "constant");
        } else {
            p.put("clients", s.clients());
            p.put("thinkTime", Durations.format(s.thinkTime()));
        }
        p.put("warmup", Durations.format(s.warmup()));
        p.put("timeout", Durations.format(s.timeout()));
        p.put("giveUpAfter", Durations.format(s.giveUpAfter()));
        p.put("notLeader", "follow the hint at once; with no hint, try the next node after " + Durations.format(NO_LEADER_BACKOFF));
        p.put("onRefused", "the node is down (connection refused or broken, as a reset TCP connection tells at once): retry the"
                + " same (clientId, seq) at the next node after " + Durations.format(NO_LEADER_BACKOFF));
        p.put("onTimeout", "retry the same (clientId, seq) at the next node; after giveUpAfter record info and go on as a new process");
        return p;
    }

    void start() {
        if (settings.openLoop()) {
            startOpenLoop();
        } else {
            nextProcess = settings.clients();
            if (settings.bikes() > 0) {
                Request setup = new Request(settings.clients() + 1, nextProcess++, OperationGenerator.bikeSetup(settings, seed), true);
                runtime.schedule(0, setup::next);
            }
            for (int c = 0; c < settings.clients(); c++) {
                Request client = new Request(c + 1, c, new OperationGenerator(settings, seed, c + 1), true);
                // Stagger starts a little, from the seed, so clients do not move in lock step.
                long start = settings.warmup() + new SplittableRandom(OperationGenerator.mix(seed, 7919 + c)).nextLong(1_000_000L);
                runtime.schedule(start, client::next);
            }
        }
    }

    /**
     * Open loop: arrivals at the scenario's rate (constant or Poisson), from the seed alone, with
     * their operations in arrival order from one stream, so every protocol gets the same requests at
     * the same instants. An arrival takes an idle connection, or opens one when all are busy, so a
     * slow reply never delays the next send (no coordinated omission) and an hour-long run reuses a
     * few connections instead of registering millions of clients.
     */
    private void startOpenLoop() {
        SplittableRandom arrivals = new SplittableRandom(OperationGenerator.mix(seed, 0x0A11L));
        OperationGenerator generator = new OperationGenerator(settings, seed, 0);
        double meanGapNanos = 1e9 / settings.rate();
        long[] next = {settings.warmup()};
        long[] count = {0};
        Runnable[] arrive = new Runnable[1];
        arrive[0] = () -> {
            long intended = next[0];
            if (intended >= end) return;
            Request r = idle.poll();
            if (r == null) r = new Request(1_000_000L + count[0]++, nextProcess++, generator, false);
            r.intended = intended;
            r.next();
            double gap = settings.poisson() ? -Math.log(1 - arrivals.nextDouble()) * meanGapNanos : meanGapNanos;
            next[0] = intended + Math.max(1, Math.round(gap));
            runtime.schedule(next[0], arrive[0]);
        };
        runtime.schedule(next[0], arrive[0]);
    }

    /**
     * A {@code client-burst} fault: {@code count} new clients each write once, now, to this burst's
     * key (so the writes race each other), under every client's policy (hints, time-outs, giving up),
     * in the history and the trace like any client's.
     */
    void burst(int count) {
        int b = bursts++;
        for (int k = 0; k < count; k++) {
            Operation write = new Operation.Put("burst" + b, "w" + k);
            boolean[] sent = {false};
            Request r = new Request(BURST_IDS + b * 1000L + k, nextProcess++, () -> {
                if (sent[0]) return null;
                sent[0] = true;
                return write;
            }, false, true);
            r.next();
        }
    }

    /** One client's request loop (closed loop), a single open-loop request, or a burst's one write. */
    private final class Request implements ClientHandler {
        private final long clientId;
        private final java.util.function.Supplier<Operation> generator;
        private final boolean closedLoop;
        /** A burst's client: its one write goes now, and it is done after it. */
        private final boolean oneShot;
        private final ClientPort port;
        private long process;
        private long seq;
        private Operation op;
        private long invokedAt;
        private long intended = -1;
        private int target;
        private int attempt;
        private boolean outstanding;

        Request(long clientId, long process, OperationGenerator generator, boolean closedLoop) {
            this(clientId, process, generator::next, closedLoop, false);
        }

        Request(long clientId, long process, java.util.function.Supplier<Operation> generator, boolean closedLoop, boolean oneShot) {
            this.clientId = clientId;
            this.process = process;
            this.generator = generator;
            this.closedLoop = closedLoop;
            this.oneShot = oneShot;
            this.port = runtime.addClient(clientId, this);
            this.target = (int) (clientId % members.size());
        }

        void next() {
            long now = port.now();
            if (closedLoop && now >= end) return;
            seq++;
            op = generator.get();
            if (op == null) return;
            invokedAt = closedLoop || oneShot ? now : intended;
            outstanding = true;
            history.invoke(process, op, invokedAt);
            send();
        }

        private void send() {
            ClientRequest request = new ClientRequest(clientId, seq, op);
            port.submit(members.get(target), request, invokedAt);
            int thisAttempt = ++attempt;
            port.schedule(settings.timeout(), () -> onTimeout(thisAttempt));
        }

        private void onTimeout(int whichAttempt) {
            if (!outstanding || whichAttempt != attempt) return;
            port.timedOut(clientId, seq);
            if (port.now() - invokedAt >= settings.giveUpAfter()) {
                giveUp();
                return;
            }
            target = after(target);
            send();
        }

        private void giveUp() {
            outstanding = false;
            history.complete(process, "info", op, null, port.now());
            // The abandoned operation may still take effect: Jepsen's convention is a new process.
            process = nextProcess++;
            done();
        }

        private void done() {
            if (oneShot) return;
            if (closedLoop) port.schedule(settings.thinkTime(), this::next);
            else idle.push(this);
        }

        /**
         * The node is down (its connection refused or broke): the request's effect is unknown, as after
         * a timeout, so the same {@code (clientId, seq)} goes to the next node, after the same short
         * back-off as when no node leads, so a client of a cluster that is all down does not spin.
         */
        @Override
        public void onRefused(NodeId node, long refusedSeq) {
            if (!outstanding || refusedSeq != seq) return;
            int thisAttempt = ++attempt;
            if (port.now() - invokedAt >= settings.giveUpAfter()) {
                giveUp();
                return;
            }
            target = after(indexOf(node));
            port.schedule(NO_LEADER_BACKOFF, () -> {
                if (outstanding && thisAttempt == attempt) send();
            });
        }

        @Override
        public void onReply(NodeId from, ClientReply reply) {
            if (!outstanding || reply.seq() != seq) return;
            if (reply instanceof ClientReply.Committed c) {
                outstanding = false;
                completed++;
                String type = c.result().ok() ? "ok" : "fail";
                history.complete(process, type, op, c.result().value(), port.now());
                done();
            } else if (reply instanceof ClientReply.NotLeader n) {
                attempt++;
                if (n.hint().isPresent() && !n.hint().get().equals(from) && indexOf(n.hint().get()) >= 0) {
                    target = indexOf(n.hint().get());
                    send();
                } else {
                    target = after(target);
                    int thisAttempt = attempt;
                    port.schedule(NO_LEADER_BACKOFF, () -> {
                        if (outstanding && thisAttempt == attempt) send();
                    });
                }
            } else if (reply instanceof ClientReply.Rejected) {
                outstanding = false;
                history.complete(process, "fail", op, null, port.now());
                done();
            }
        }
    }

}
