package quorumlab.protocols.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import quorumlab.protocols.ClientReply;
import quorumlab.protocols.ClientRequest;
import quorumlab.protocols.ClusterConfig;
import quorumlab.protocols.Message;
import quorumlab.protocols.Node;
import quorumlab.protocols.NodeContext;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.OptionSpec;
import quorumlab.protocols.Options;
import quorumlab.protocols.Protocol;
import quorumlab.protocols.runtime.Delay;
import quorumlab.protocols.runtime.NetworkModel;

/**
 * How fast the simulator runs: message deliveries and events per wall-clock second, tracing off.
 * The default workload keeps a fixed number of messages bouncing between every pair of nodes
 * (each delivery sends one message back), so it measures the simulator, not a protocol. Each
 * figure is the median of several measured runs after warm-up runs.
 */
public final class SimBenchmark {
    private SimBenchmark() {}

    /** The figures of one benchmark: medians over the measured runs. */
    public record Result(String workload, int nodes, long virtualMillis, int runs, long deliveriesPerRun,
            long eventsPerRun, double deliveriesPerSecond, double eventsPerSecond) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT,
                    "%s, %d nodes, %d ms virtual: %,.0f deliveries/s, %,.0f events/s (median of %d runs; %,d deliveries and %,d events per run)",
                    workload, nodes, virtualMillis, deliveriesPerSecond, eventsPerSecond, runs, deliveriesPerRun, eventsPerRun);
        }
    }

    /**
     * The default workload: 5 nodes, 16 messages in flight per ordered pair, 0.5-1.5 ms delays, a
     * 1 ms timer per node, 10 s of virtual time per run, 3 warm-up runs, median of 7.
     */
    public static Result run() {
        return runBounce(5, 16, 10_000, 3, 7);
    }

    /**
     * Runs the bounce workload: {@code nodes} nodes, {@code inFlight} messages per ordered pair,
     * {@code virtualMillis} of simulated time per run, {@code warmups} unmeasured runs, then
     * {@code runs} measured ones.
     */
    public static Result runBounce(int nodes, int inFlight, long virtualMillis, int warmups, int runs) {
        Bounce bounce = new Bounce();
        Options options = bounce.resolveOptions(Map.of("inFlight", inFlight));
        return run("bounce (" + inFlight + " in flight per link, 1 ms timers)", bounce, options, ClusterConfig.ofSize(nodes), virtualMillis, warmups, runs);
    }

    /** Runs any protocol (no clients) at trace level NONE, on a network of 0.5-1.5 ms delays. */
    public static Result run(String workload, Protocol protocol, Options options, ClusterConfig cluster,
            long virtualMillis, int warmups, int runs) {
        if (runs < 1) throw new IllegalArgumentException("a benchmark needs at least one measured run");
        List<double[]> measured = new ArrayList<>();
        long deliveries = 0;
        long events = 0;
        for (int i = 0; i < warmups + runs; i++) {
            Simulation sim = Simulation.builder().seed(1000 + i).cluster(cluster).protocol(protocol, options)
                    .network(new NetworkModel().setDelay(Delay.uniform(500_000, 1_500_000))).build();
            sim.runUntil(virtualMillis * 1_000_000L);
            if (i >= warmups) {
                double seconds = sim.wallNanos() / 1e9;
                measured.add(new double[] {sim.messagesDelivered() / seconds, sim.eventsProcessed() / seconds});
                deliveries = sim.messagesDelivered();
                events = sim.eventsProcessed();
            }
        }
        return new Result(workload, cluster.size(), virtualMillis, runs, deliveries, events,
                median(measured, 0), median(measured, 1));
    }

    /**
     * The ceiling for the simulator: events per wall second of the plainest discrete-event loop, a
     * {@link PriorityQueue} of (time, sequence) events in which each event handled schedules one
     * more 0.5-1.5 ms later, with {@code pending} events always waiting (the bounce workload's
     * messages and timers). It does no work per event, so no simulator of the same queue discipline
     * can beat it. The median of {@code runs} measured runs of {@code events} events each, after
     * {@code warmups} unmeasured ones.
     */
    public static double bareEventLoop(int pending, long events, int warmups, int runs) {
        if (pending < 1 || events < 1 || runs < 1) throw new IllegalArgumentException("a bare event loop needs pending, events and runs of at least 1");
        List<double[]> measured = new ArrayList<>();
        for (int i = 0; i < warmups + runs; i++) {
            SplittableRandom random = new SplittableRandom(1000 + i);
            PriorityQueue<BareEvent> queue = new PriorityQueue<>();
            long seq = 0;
            for (int k = 0; k < pending; k++) queue.add(new BareEvent(random.nextLong(500_000, 1_500_000), seq++));
            long start = System.nanoTime();
            for (long n = 0; n < events; n++) {
                BareEvent e = queue.poll();
                queue.add(new BareEvent(e.time + random.nextLong(500_000, 1_500_000), seq++));
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            if (i >= warmups) measured.add(new double[] {events / seconds});
        }
        return median(measured, 0);
    }

    private record BareEvent(long time, long seq) implements Comparable<BareEvent> {
        @Override
        public int compareTo(BareEvent o) {
            return time != o.time ? Long.compare(time, o.time) : Long.compare(seq, o.seq);
        }
    }

    private static double median(List<double[]> values, int column) {
        double[] v = values.stream().mapToDouble(a -> a[column]).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** Prints the default benchmark's figures; {@code args}: [nodes [inFlight [virtualMillis]]]. */
    public static void main(String[] args) {
        int nodes = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int inFlight = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        long millis = args.length > 2 ? Long.parseLong(args[2]) : 10_000;
        System.out.println(runBounce(nodes, inFlight, millis, 3, 7));
    }

    /**
     * Every node starts {@code inFlight} messages to each peer; whoever receives one sends it back.
     * Each node also restarts a timer every {@code timerMs}, as a protocol's heartbeat would.
     */
    static final class Bounce implements Protocol {
        record Ball(long hops) implements Message {}

        @Override
        public String name() {
            return "bounce";
        }

        @Override
        public String description() {
            return "benchmark workload: messages bouncing between every pair of nodes";
        }

        @Override
        public List<OptionSpec> options() {
            return List.of(OptionSpec.ofLong("inFlight", 16, 1, "messages in flight per ordered pair of nodes"),
                    OptionSpec.ofLong("timerMs", 1, 1, "interval of each node's idle timer"));
        }

        @Override
        public Node createNode(NodeContext ctx, Options options) {
            long inFlight = options.getLong("inFlight");
            long timerNanos = options.getLong("timerMs") * 1_000_000L;
            return new Node() {
                @Override
                public void onStart() {
                    for (long i = 0; i < inFlight; i++) ctx.broadcast(new Ball(0));
                    ctx.startTimer("tick", timerNanos);
                }

                @Override
                public void onMessage(NodeId from, Message message) {
                    ctx.send(from, new Ball(((Ball) message).hops() + 1));
                }

                @Override
                public void onClientRequest(ClientRequest request) {
                    ctx.reply(new ClientReply.Rejected(request.clientId(), request.seq(), "bounce keeps no log"));
                }

                @Override
                public void onTimer(String name) {
                    ctx.startTimer("tick", timerNanos);
                }
            };
        }
    }
}
