package quorumlab.protocols.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import quorumlab.analysis.cluster.Burst;
import quorumlab.protocols.ClusterConfig;
import quorumlab.protocols.MembershipChange;
import quorumlab.protocols.Message;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.Operation;
import quorumlab.protocols.Protocol;
import quorumlab.protocols.runtime.Delay;
import quorumlab.protocols.runtime.NetworkModel;
import quorumlab.protocols.sim.Simulation;
import quorumlab.protocols.trace.TraceLevel;
import quorumlab.protocols.trace.TraceSink;

/**
 * Every message type of every protocol crosses the cluster runtime's wire intact: a simulated run
 * that makes each protocol send all of its types (elections, replication, a lagging node caught up
 * from a snapshot, a membership change where the protocol has one) hands each message, inside the
 * {@link Wire.Deliver} a node sends, to the serializer the node processes use (Pekko's Jackson CBOR
 * with {@link WireMapper}, configured by {@link ClusterPekko}), and what comes back equals what went
 * in. {@code ClusterRuntimeTest} runs the protocols across real processes; this covers every type,
 * not only those its scenario happens to send.
 */
class WireRoundTripTest {
    private static final long MS = 1_000_000L;
    private static ActorSystem<Void> system;
    private static Serialization serialization;

    @BeforeAll
    static void theNodesSerializer() {
        // the node processes' configuration, on a local actor system: serialization needs no network
        system = ClusterPekko.start(Behaviors.empty(), ConfigFactory.parseString("pekko.actor.provider = local")
                .withFallback(ClusterPekko.config("127.0.0.1", 0, List.of(), ClusterPekko.roleOf(NodeId.of(1)))));
        serialization = SerializationExtension.get(system.classicSystem());
    }

    @AfterAll
    static void stop() {
        system.terminate();
    }

    static List<String> protocols() {
        return Protocol.all().stream().map(Protocol::name).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("protocols")
    void everyMessageTypeComesBackEqual(String name) {
        Map<Class<?>, List<Message>> sent = messagesOfARun(Protocol.byName(name));
        Set<String> missing = new TreeSet<>();
        for (Class<?> type : messageTypes(sent.keySet())) {
            if (!sent.containsKey(type)) missing.add(type.getSimpleName());
        }
        assertEquals(Set.of(), missing, name + ": the run sent no message of these types");
        int checked = 0;
        for (List<Message> messages : sent.values()) {
            for (Message m : messages) {
                Wire.Deliver wire = new Wire.Deliver(NodeId.of(2), m, 17, false);
                assertEquals(wire, roundTrip(wire), name + ": " + m);
                checked++;
            }
        }
        assertTrue(checked > sent.size(), name + ": " + checked + " messages");
    }

    private static Object roundTrip(Wire wire) {
        Serializer serializer = serialization.findSerializerFor(wire);
        assertTrue(serializer.getClass().getName().contains("Jackson"), "serialized by " + serializer.getClass().getName());
        String manifest = Serializers.manifestFor(serializer, wire);
        byte[] bytes = serializer.toBinary(wire);
        return serialization.deserialize(bytes, serializer.identifier(), manifest).get();
    }

    /** Every record type of the sealed message interfaces that the sent messages implement. */
    private static Set<Class<?>> messageTypes(Set<Class<?>> seen) {
        Set<Class<?>> types = new java.util.HashSet<>();
        for (Class<?> c : seen) {
            for (Class<?> i : c.getInterfaces()) {
                if (i.isSealed() && Message.class.isAssignableFrom(i)) collect(i, types);
            }
        }
        return types;
    }

    private static void collect(Class<?> sealed, Set<Class<?>> into) {
        for (Class<?> sub : sealed.getPermittedSubclasses()) {
            if (sub.isSealed()) collect(sub, into);
            else into.add(sub);
        }
    }

    /** Writes, compare-and-sets and reads of a few keys, more than the run's clients get through. */
    private static List<Operation> operations() {
        List<Operation> ops = new ArrayList<>();
        for (int i = 0; i < 50_000; i++) {
            String key = "k" + (i % 7);
            ops.add(i % 9 == 8 ? new Operation.Get(key) : i % 5 == 0 ? new Operation.Cas(key, "v" + (i - 5), "v" + i) : new Operation.Put(key, "v" + i));
        }
        return ops;
    }

    /**
     * Five nodes and nine closed-loop clients ({@link Burst}: writes, compare-and-sets, reads) on a
     * lossy network, snapshots every 5 entries where the protocol takes them; a follower is down while
     * 2 s of writes go by (it is caught up from a snapshot), the leader and one follower are cut off
     * from the majority for a while and come back to its later round, a follower's election timer runs
     * out under a serving leader, a sixth node is added where the protocol changes membership. At most 20 messages of each type are kept.
     */
    private static Map<Class<?>, List<Message>> messagesOfARun(Protocol protocol) {
        Map<Class<?>, List<Message>> sent = new LinkedHashMap<>();
        Map<String, Object> options = new HashMap<>();
        if (protocol.options().stream().anyMatch(o -> o.name().equals("snapshotEveryEntries"))) options.put("snapshotEveryEntries", 5);
        try (Simulation sim = Simulation.builder().seed(3).cluster(ClusterConfig.ofSize(5))
                .protocol(protocol, protocol.resolveOptions(options))
                .network(new NetworkModel().setDelay(Delay.uniform(MS, 3 * MS)).setDropProbability(0.02))
                .trace(TraceSink.NONE, TraceLevel.NONE)
                .sendDelay(m -> {
                    List<Message> some = sent.computeIfAbsent(m.getClass(), c -> new ArrayList<>());
                    if (some.size() < 20) some.add(m);
                    return 0;
                }).build()) {
            List<NodeId> members = sim.cluster().members();
            new Burst(sim, 100 * MS).start(1, 9, operations());
            sim.start();
            sim.runFor(1_000 * MS);
            NodeId lagging = members.get(4);
            sim.crash(lagging);
            sim.runFor(2_000 * MS);
            sim.restart(lagging);
            sim.runFor(1_000 * MS);
            NodeId leader = sim.leader().orElse(members.get(0));
            // the old leader keeps one follower: it goes on proposing in its round, and its proposals
            // meet the majority's later round when the partition heals
            NodeId kept = members.get(members.get(0).equals(leader) ? 1 : 0);
            Set<NodeId> minority = Set.of(leader, kept);
            Set<NodeId> majority = new java.util.HashSet<>(members);
            majority.removeAll(minority);
            sim.network().partition(List.of(minority, majority));
            sim.runFor(1_500 * MS);
            sim.network().heal();
            sim.runFor(1_000 * MS);
            // a follower's election timer runs out under a serving leader (the expire-timer fault): its
            // later round meets the leader's proposals in flight
            NodeId now = sim.leader().orElse(members.get(0));
            sim.fireTimerNow(members.get(members.get(0).equals(now) ? 1 : 0), "election");
            sim.runFor(1_000 * MS);
            if (protocol.supportsMembershipChange()) {
                NodeId added = NodeId.of(members.size() + 1);
                sim.addNode(added);
                sim.requestMembershipChange(sim.leader().orElse(members.get(0)), new MembershipChange(1, MembershipChange.Kind.ADD, added));
                sim.runFor(2_000 * MS);
            }
        }
        return sent;
    }
}
