package quorumlab.protocols.runtime;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import quorumlab.protocols.Message;
import quorumlab.protocols.MessageCategory;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.trace.TraceRecord;
import quorumlab.protocols.trace.TraceSink;

/**
 * Counts the peer messages each node hands to the network, by (type, category), with their bytes,
 * and writes what it counted as {@link TraceRecord.MessageCounts} records when flushed, so message
 * cost is known at every trace level. A message is counted once when it is sent, whatever the network
 * then does with it (a dropped message was still paid for; a duplicate the network makes was not sent).
 *
 * <p>Counting allocates nothing once a (type, category) pair has been seen: a pair gets a small id,
 * and each node has an array of counters indexed by it; the type name is found by reference first. Not thread-safe; the Pekko runtime locks.
 */
public final class MessageCounter {
    /** How often the runtimes write counts: every 100 ms of run time. */
    public static final long INTERVAL_NANOS = 100_000_000L;

    private static final MessageCategory[] CATEGORIES = MessageCategory.values();

    private NodeId[] nodes;
    /** Node id to the row of its counters, -1 for a non-member. */
    private int[] rowOf;
    /** Type name to the pair id for each category (by ordinal), -1 until the pair is first counted. */
    private final Map<String, int[]> pairIds = new HashMap<>();
    /** Type-name objects seen, and their entries in {@link #pairIds}, for lookup by reference. */
    private final String[] knownTypes = new String[32];
    private final int[][] knownPairs = new int[32][];
    private int known;
    private String[] pairType = new String[16];
    private MessageCategory[] pairCategory = new MessageCategory[16];
    private int pairs;
    private long[][] counts;
    private long[][] bytes;
    private boolean anyCounted;
    private long since;

    public MessageCounter(List<NodeId> members) {
        nodes = members.toArray(new NodeId[0]);
        int maxId = 0;
        for (NodeId n : nodes) maxId = Math.max(maxId, n.id());
        rowOf = new int[maxId + 1];
        Arrays.fill(rowOf, -1);
        for (int i = 0; i < nodes.length; i++) rowOf[nodes[i].id()] = i;
        counts = new long[nodes.length][16];
        bytes = new long[nodes.length][16];
    }

    /** Gives {@code node}, added to the cluster at run time, a row of its own (after the others). No effect if it has one. */
    public void add(NodeId node) {
        if (node.id() < rowOf.length && rowOf[node.id()] >= 0) return;
        if (node.id() >= rowOf.length) {
            int old = rowOf.length;
            rowOf = Arrays.copyOf(rowOf, node.id() + 1);
            Arrays.fill(rowOf, old, rowOf.length, -1);
        }
        rowOf[node.id()] = nodes.length;
        nodes = Arrays.copyOf(nodes, nodes.length + 1);
        nodes[nodes.length - 1] = node;
        counts = Arrays.copyOf(counts, nodes.length);
        bytes = Arrays.copyOf(bytes, nodes.length);
        counts[nodes.length - 1] = new long[pairType.length];
        bytes[nodes.length - 1] = new long[pairType.length];
    }

    /** Counts one message {@code from} sent. */
    public void count(NodeId from, Message message) {
        int row = from.id() < rowOf.length ? rowOf[from.id()] : -1;
        if (row < 0) throw new IllegalArgumentException(from + " is not a member: cannot count its " + message.typeName());
        int pair = pairId(message.typeName(), message.category());
        counts[row][pair]++;
        bytes[row][pair] += message.sizeBytes();
        anyCounted = true;
    }

    private int pairId(String type, MessageCategory category) {
        int[] byCategory = byIdentity(type);
        if (byCategory == null) {
            byCategory = pairIds.get(type);
            if (byCategory == null) {
                byCategory = new int[CATEGORIES.length];
                Arrays.fill(byCategory, -1);
                pairIds.put(type, byCategory);
            }
            remember(type, byCategory);
        }
        int id = byCategory[category.ordinal()];
        if (id < 0) {
            id = newPair(type, category);
            byCategory[category.ordinal()] = id;
        }
        return id;
    }

    /**
     * A type name is nearly always the same String object (a literal, or the class's cached simple
     * name), so a short scan by reference finds it without hashing the name for every message.
     */
    private int[] byIdentity(String type) {
        for (int i = 0; i < known; i++) {
            if (knownTypes[i] == type) return knownPairs[i];
        }
        return null;
    }

    private void remember(String type, int[] byCategory) {
        if (known == knownTypes.length) return;
        knownTypes[known] = type;
        knownPairs[known++] = byCategory;
    }

    private int newPair(String type, MessageCategory category) {
        if (pairs == pairType.length) {
            int size = pairs * 2;
            pairType = Arrays.copyOf(pairType, size);
            pairCategory = Arrays.copyOf(pairCategory, size);
            for (int i = 0; i < nodes.length; i++) {
                counts[i] = Arrays.copyOf(counts[i], size);
                bytes[i] = Arrays.copyOf(bytes[i], size);
            }
        }
        pairType[pairs] = type;
        pairCategory[pairs] = category;
        return pairs++;
    }

    /** The start of the interval being counted (the last flush, or 0). */
    public long since() {
        return since;
    }

    /**
     * Writes one record per node and (type, category) counted since the last flush, in member order
     * and then in the order the pairs were first seen, covering {@code (since(), t]}; then starts a new
     * interval at {@code t}. Writes nothing if nothing was counted.
     */
    public void flush(long t, TraceSink sink) {
        if (anyCounted) {
            for (int row = 0; row < nodes.length; row++) {
                long[] c = counts[row];
                long[] b = bytes[row];
                for (int pair = 0; pair < pairs; pair++) {
                    if (c[pair] == 0) continue;
                    sink.record(new TraceRecord.MessageCounts(t, since, nodes[row], pairType[pair], pairCategory[pair].label(), c[pair], b[pair]));
                    c[pair] = 0;
                    b[pair] = 0;
                }
            }
            anyCounted = false;
        }
        since = t;
    }
}
