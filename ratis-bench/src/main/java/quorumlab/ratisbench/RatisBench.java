package quorumlab.ratisbench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.netty.NettyConfigKeys;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;

/**
 * Apache Ratis measured the way the cluster runtime is (issue 19): three servers on loopback with
 * Ratis's default configuration and its in-memory log, a state machine that only counts, and
 * closed-loop clients keeping 1, 64 and 256 writes of 100 bytes outstanding. After a warm-up, each
 * concurrency runs for a fixed number of seconds; the output is a table and one JSON line per
 * transport and concurrency on stdout (docs/cluster-runtime-bench.md).
 *
 * <p>Usage: {@code RatisBench [--transports grpc,netty] [--outstanding 1,64,256] [--warmup 2]
 * [--seconds 5] [--bytes 100]}; exit 2 with one line for a bad argument.
 */
public final class RatisBench {
    /**
     * Ratis's async client lets 100 requests be outstanding by default; one client per 64 keeps every
     * client under that without changing its configuration.
     */
    static final int OUTSTANDING_PER_CLIENT = 64;

    record Settings(List<String> transports, List<Integer> outstanding, double warmupSeconds, double seconds, int bytes) {
        static Settings parse(String[] args) {
            List<String> transports = List.of("grpc", "netty");
            List<Integer> outstanding = List.of(1, 64, 256);
            double warmup = 2;
            double seconds = 5;
            int bytes = 100;
            for (int i = 0; i < args.length; i++) {
                String name = args[i];
                if (name.equals("--help") || name.equals("-h")) throw new IllegalArgumentException(usage());
                if (i + 1 >= args.length) throw new IllegalArgumentException(name + ": a value must follow");
                String value = args[++i];
                switch (name) {
                    case "--transports" -> {
                        transports = List.of(value.split(","));
                        for (String t : transports) {
                            if (!t.equals("grpc") && !t.equals("netty")) throw new IllegalArgumentException("--transports: unknown transport '" + t + "' (known: grpc, netty)");
                        }
                    }
                    case "--outstanding" -> {
                        List<Integer> ks = new ArrayList<>();
                        for (String k : value.split(",")) ks.add(positive(name, k));
                        outstanding = List.copyOf(ks);
                    }
                    case "--warmup" -> warmup = seconds(name, value, true);
                    case "--seconds" -> seconds = seconds(name, value, false);
                    case "--bytes" -> bytes = positive(name, value);
                    default -> throw new IllegalArgumentException("unknown option " + name + "; " + usage());
                }
            }
            return new Settings(transports, outstanding, warmup, seconds, bytes);
        }

        static String usage() {
            return "usage: RatisBench [--transports grpc,netty] [--outstanding 1,64,256] [--warmup 2] [--seconds 5] [--bytes 100]";
        }

        private static int positive(String name, String value) {
            try {
                int n = Integer.parseInt(value.strip());
                if (n >= 1) return n;
            } catch (NumberFormatException e) {
                // the message below says what was wrong
            }
            throw new IllegalArgumentException(name + ": expected a positive whole number, got '" + value + "'");
        }

        private static double seconds(String name, String value, boolean zeroAllowed) {
            try {
                double s = Double.parseDouble(value);
                if (s > 0 || (zeroAllowed && s == 0)) return s;
            } catch (NumberFormatException e) {
                // the message below says what was wrong
            }
            throw new IllegalArgumentException(name + ": expected seconds (" + (zeroAllowed ? "0 or more" : "more than 0") + "), got '" + value + "'");
        }
    }

    /** One transport at one concurrency: what was committed in the measured window, and how fast. */
    record Result(String transport, int outstanding, int clients, double seconds, long ops, long failed, double p50Ms, double p99Ms,
            long elections) {
        double opsPerSecond() {
            return ops / seconds;
        }

        String json(Settings s) {
            return String.format(Locale.ROOT, "{\"bench\":\"ratis\",\"version\":\"3.3.0\",\"transport\":\"%s\",\"nodes\":3,\"outstanding\":%d,"
                    + "\"clients\":%d,\"bytes\":%d,\"warmupSeconds\":%s,\"seconds\":%.3f,\"ops\":%d,\"failed\":%d,"
                    + "\"opsPerSec\":%.1f,\"p50Ms\":%.3f,\"p99Ms\":%.3f,\"termChanges\":%d}",
                    transport, outstanding, clients, s.bytes(), s.warmupSeconds(), seconds, ops, failed, opsPerSecond(), p50Ms, p99Ms, elections);
        }
    }

    public static void main(String[] args) {
        Settings settings;
        try {
            settings = Settings.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("ratis-bench: " + e.getMessage());
            System.exit(2);
            return;
        }
        List<Result> results = new ArrayList<>();
        try {
            for (String transport : settings.transports()) {
                try (Cluster cluster = Cluster.start(transport)) {
                    for (int k : settings.outstanding()) {
                        Result r = measure(cluster, k, settings);
                        results.add(r);
                        System.out.println(r.json(settings));
                        System.out.flush();
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("ratis-bench: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            if (System.getenv("RATIS_BENCH_TRACE") != null) e.printStackTrace();
            System.exit(1);
        }
        System.out.println();
        System.out.print(table(results));
        // Ratis leaves non-daemon threads behind its closed servers; the benchmark is over
        System.exit(0);
    }

    static String table(List<Result> results) {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%-8s %-6s %11s %10s %9s %9s %9s %9s%n",
                "system", "rpc", "outstanding", "ops/s", "p50 ms", "p99 ms", "ops", "elections"));
        for (Result r : results) {
            out.append(String.format(Locale.ROOT, "%-8s %-6s %11d %10.0f %9.2f %9.2f %9d %9d%n",
                    "ratis", r.transport(), r.outstanding(), r.opsPerSecond(), r.p50Ms(), r.p99Ms(), r.ops(), r.elections()));
        }
        return out.toString();
    }

    /**
     * Keeps {@code k} writes outstanding, each new one sent when one completes (closed loop), for the
     * warm-up and then the measured window; only writes that complete inside the window count.
     */
    static Result measure(Cluster cluster, int k, Settings s) throws IOException {
        int clientCount = (k + OUTSTANDING_PER_CLIENT - 1) / OUTSTANDING_PER_CLIENT;
        List<RaftClient> clients = new ArrayList<>();
        for (int i = 0; i < clientCount; i++) clients.add(cluster.newClient());
        Recorder latencies = new Recorder(3);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicBoolean counting = new AtomicBoolean(false);
        AtomicLong failed = new AtomicLong();
        AtomicLong inFlight = new AtomicLong();
        Message payload = Message.valueOf(ByteString.copyFrom(new byte[s.bytes()]));
        try {
            for (int i = 0; i < k; i++) {
                loop(clients.get(i % clientCount), payload, latencies, running, counting, failed, inFlight);
            }
            sleep(s.warmupSeconds());
            latencies.reset();
            failed.set(0);
            counting.set(true);
            long termBefore = cluster.term();
            long start = System.nanoTime();
            sleep(s.seconds());
            Histogram window = latencies.getIntervalHistogram();
            double seconds = (System.nanoTime() - start) / 1e9;
            counting.set(false);
            running.set(false);
            long drainUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (inFlight.get() > 0 && System.nanoTime() < drainUntil) sleep(0.01);
            return new Result(cluster.transport, k, clientCount, seconds, window.getTotalCount(), failed.get(),
                    window.getValueAtPercentile(50) / 1e6, window.getValueAtPercentile(99) / 1e6, cluster.term() - termBefore);
        } finally {
            running.set(false);
            for (RaftClient c : clients) c.close();
        }
    }

    private static void loop(RaftClient client, Message payload, Recorder latencies, AtomicBoolean running,
            AtomicBoolean counting, AtomicLong failed, AtomicLong inFlight) {
        if (!running.get()) return;
        long sent = System.nanoTime();
        inFlight.incrementAndGet();
        CompletableFuture<RaftClientReply> reply = client.async().send(payload);
        reply.whenComplete((r, e) -> {
            long took = System.nanoTime() - sent;
            inFlight.decrementAndGet();
            boolean ok = e == null && r.isSuccess();
            if (counting.get()) {
                if (ok) latencies.recordValue(took);
                else failed.incrementAndGet();
            }
            loop(client, payload, latencies, running, counting, failed, inFlight);
        });
    }

    private static void sleep(double seconds) {
        try {
            Thread.sleep((long) (seconds * 1000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }

    /** Counts what it applies: all the benchmark needs from a state machine. */
    static final class CountingStateMachine extends BaseStateMachine {
        private final AtomicLong applied = new AtomicLong();

        @Override
        public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
            LogEntryProto entry = trx.getLogEntry();
            updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
            applied.incrementAndGet();
            return CompletableFuture.completedFuture(Message.EMPTY);
        }
    }

    /** Three Ratis servers on 127.0.0.1, each on a free port, with the default configuration and the memory log. */
    static final class Cluster implements AutoCloseable {
        final String transport;
        private final RaftGroup group;
        private final RaftProperties clientProperties;
        private final List<RaftServer> servers = new ArrayList<>();
        private final Path storage;

        private Cluster(String transport, RaftGroup group, RaftProperties clientProperties, Path storage) {
            this.transport = transport;
            this.group = group;
            this.clientProperties = clientProperties;
            this.storage = storage;
        }

        static Cluster start(String transport) throws IOException {
            List<RaftPeer> peers = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                peers.add(RaftPeer.newBuilder().setId("s" + i).setAddress("127.0.0.1:" + freePort()).build());
            }
            RaftGroup group = RaftGroup.valueOf(RaftGroupId.randomId(), peers);
            Path storage = Files.createTempDirectory("ratis-bench-");
            Cluster cluster = new Cluster(transport, group, properties(transport, -1, storage), storage);
            try {
                for (RaftPeer peer : peers) {
                    int port = Integer.parseInt(peer.getAddress().substring(peer.getAddress().lastIndexOf(':') + 1));
                    RaftServer server = RaftServer.newBuilder().setServerId(peer.getId()).setGroup(group)
                            .setProperties(properties(transport, port, storage.resolve(peer.getId().toString())))
                            .setStateMachine(new CountingStateMachine())
                            .setOption(RaftStorage.StartupOption.FORMAT)
                            .build();
                    cluster.servers.add(server);
                    server.start();
                }
                cluster.awaitLeader();
            } catch (IOException | RuntimeException e) {
                cluster.close();
                throw e;
            }
            return cluster;
        }

        /** Ratis's defaults, except the transport, the port, where its metadata goes, and the memory log. */
        private static RaftProperties properties(String transport, int port, Path dir) {
            RaftProperties p = new RaftProperties();
            RaftConfigKeys.Rpc.setType(p, transport.equals("grpc") ? SupportedRpcType.GRPC : SupportedRpcType.NETTY);
            if (port > 0) {
                if (transport.equals("grpc")) GrpcConfigKeys.Server.setPort(p, port);
                else NettyConfigKeys.Server.setPort(p, port);
            }
            RaftServerConfigKeys.setStorageDir(p, List.of(dir.toFile()));
            RaftServerConfigKeys.Log.setUseMemory(p, true);
            return p;
        }

        private static int freePort() throws IOException {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            }
        }

        /**
         * The highest term any server is in: a change during a window means an election happened
         * (spurious, on a loaded machine, when heartbeats come later than the election timeout).
         */
        long term() throws IOException {
            long term = 0;
            for (RaftServer s : servers) term = Math.max(term, s.getDivision(group.getGroupId()).getInfo().getCurrentTerm());
            return term;
        }

        RaftClient newClient() {
            return RaftClient.newBuilder().setProperties(clientProperties).setRaftGroup(group).build();
        }

        /** The first write commits once a leader is elected (the client retries until then). */
        private void awaitLeader() throws IOException {
            try (RaftClient client = newClient()) {
                RaftClientReply reply = client.io().send(Message.valueOf("hello"));
                if (!reply.isSuccess()) throw new IOException("the first write failed: " + reply);
            }
        }

        @Override
        public void close() {
            for (RaftServer s : servers) {
                try {
                    s.close();
                } catch (IOException e) {
                    // the next server still closes; the temporary directory goes either way
                }
            }
            try (Stream<Path> files = Files.walk(storage)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remove " + storage, e);
            }
        }
    }
}
