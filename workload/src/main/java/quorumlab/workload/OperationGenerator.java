package quorumlab.workload;

import java.util.SplittableRandom;
import quorumlab.protocols.Operation;

/**
 * One client's operations, drawn from a stream of its own that depends only on the run's seed and
 * the client's number, never on the protocol: both protocols see the same requests.
 */
final class OperationGenerator {
    private final WorkloadSettings settings;
    private final SplittableRandom random;
    private final long clientId;
    private final double[] zipfCdf;
    private final String[] lastValue;
    /** Key names, made once each rather than once per operation (an allocation and a string hash each). */
    private final String[] keyNames;
    private long written;
    /** Bookings: the bikes in the order every user tries them, and where this client is in it. */
    private final int[] bikeOrder;
    private final boolean setup;
    private int step;

    OperationGenerator(WorkloadSettings settings, long seed, long clientId) {
        this.settings = settings;
        this.clientId = clientId;
        this.random = new SplittableRandom(mix(seed, clientId));
        this.zipfCdf = settings.keyDistribution().equals("zipfian") ? zipfCdf(settings.keys(), settings.zipfTheta()) : null;
        this.lastValue = new String[settings.keys()];
        this.keyNames = new String[settings.keys()];
        this.bikeOrder = settings.bikes() > 0 ? bikeOrder(settings.bikes(), seed) : null;
        this.setup = false;
    }

    /** The client that puts every bike {@value #FREE} before the users start booking. */
    private OperationGenerator(WorkloadSettings settings, long seed) {
        this.settings = settings;
        this.clientId = 0;
        this.random = new SplittableRandom(mix(seed, 0));
        this.zipfCdf = null;
        this.lastValue = new String[0];
        this.keyNames = new String[0];
        this.bikeOrder = bikeOrder(settings.bikes(), seed);
        this.setup = true;
    }

    static final String FREE = "free";

    static OperationGenerator bikeSetup(WorkloadSettings settings, long seed) {
        return new OperationGenerator(settings, seed);
    }

    static String bike(int b) {
        return "bike-" + b;
    }

    static String user(long clientId) {
        return "user-" + clientId;
    }

    /** One order for all users, from the seed, so two users go for the same bike at about the same time. */
    private static int[] bikeOrder(int bikes, long seed) {
        SplittableRandom r = new SplittableRandom(mix(seed, 0xB1CEL));
        int[] order = new int[bikes];
        for (int i = 0; i < bikes; i++) order[i] = i;
        for (int i = bikes - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /**
     * Bookings: a user tries each bike once (cas {@value #FREE} to its name) and then reads who has
     * it; a value is written at most once per key, as the history convention wants. Null when done.
     */
    private Operation nextBooking() {
        if (setup) return step < bikeOrder.length ? new Operation.Put(bike(step++), FREE) : null;
        if (step >= 2 * bikeOrder.length) return null;
        String key = bike(bikeOrder[step / 2]);
        return step++ % 2 == 0 ? new Operation.Cas(key, FREE, user(clientId)) : new Operation.Get(key);
    }

    static long mix(long seed, long salt) {
        long z = seed * 0x9E3779B97F4A7C15L + salt * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The next operation, or null when this client has nothing more to do. */
    Operation next() {
        if (bikeOrder != null) return nextBooking();
        int k = key();
        String key = keyNames[k];
        if (key == null) key = keyNames[k] = "k" + k;
        double total = settings.readShare() + settings.writeShare() + settings.casShare();
        double r = random.nextDouble() * total;
        if (r < settings.readShare()) return new Operation.Get(key);
        String value = freshValue();
        if (r < settings.readShare() + settings.writeShare() || lastValue[k] == null) {
            lastValue[k] = value;
            return new Operation.Put(key, value);
        }
        // A cas expects the value this client last wrote under the key: drawn from the seed alone,
        // never from replies, so every protocol receives the same requests.
        Operation.Cas cas = new Operation.Cas(key, lastValue[k], value);
        lastValue[k] = value;
        return cas;
    }

    /** Values are unique per key (client and count), so a checker can tell writes apart. */
    private String freshValue() {
        StringBuilder b = new StringBuilder().append('c').append(clientId).append('-').append(++written);
        while (b.length() < settings.valueSize()) b.append('.');
        return b.toString();
    }

    private int key() {
        int n = settings.keys();
        switch (settings.keyDistribution()) {
            case "zipfian": {
                double u = random.nextDouble();
                int lo = 0, hi = n - 1;
                while (lo < hi) {
                    int mid = (lo + hi) >>> 1;
                    if (zipfCdf[mid] < u) lo = mid + 1; else hi = mid;
                }
                return lo;
            }
            case "hotspot":
                return random.nextDouble() < settings.hotFraction() ? 0 : random.nextInt(n);
            default:
                return random.nextInt(n);
        }
    }

    private static double[] zipfCdf(int n, double theta) {
        double[] cdf = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += 1 / Math.pow(i + 1, theta);
            cdf[i] = sum;
        }
        for (int i = 0; i < n; i++) cdf[i] /= sum;
        return cdf;
    }
}
