package quorumlab.workload;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import quorumlab.protocols.MembershipChange;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.runtime.ClusterRuntime;

/**
 * The membership faults of a timeline ({@code add}, {@code remove}, {@code replace}), as an
 * operator would carry them out: start the new server, then ask the server that leads to change
 * the configuration, and watch what becomes of the request (docs/scenario-format.md).
 *
 * <p>Each request has a change id (1, 2, ... in the order the faults fire). A request waits, polling
 * every {@link #POLL_NANOS}, for a leader for at most {@link #LEADER_WAIT_NANOS}; then it goes to
 * that leader, and its outcome is awaited for at most {@link #OUTCOME_WAIT_NANOS}. Every step is a
 * fault record: {@code add} / {@code remove} when a request is submitted, {@code replace} when a
 * replacement begins, {@code membership-refused} when the protocol refuses a request (or no leader
 * was found to take it), {@code membership-timeout} when no outcome came in time. Nothing is retried
 * once a leader has answered: a refusal is the experiment's result, not noise.
 */
final class MembershipFaults {
    static final long POLL_NANOS = 10_000_000L;
    static final long LEADER_WAIT_NANOS = 10_000_000_000L;
    static final long OUTCOME_WAIT_NANOS = 30_000_000_000L;

    private final ClusterRuntime runtime;
    private final Supplier<Optional<NodeId>> randomFollower;
    /** Every node that exists: the bootstrap members, then each added node in the order added. */
    private final List<NodeId> existing;
    /** The voters as the injector last learned them: the bootstrap members, then each committed change's. */
    private List<NodeId> voters;
    private long nextChangeId = 1;

    MembershipFaults(ClusterRuntime runtime, Supplier<Optional<NodeId>> randomFollower) {
        this.runtime = runtime;
        this.randomFollower = randomFollower;
        this.existing = new ArrayList<>(runtime.cluster().members());
        this.voters = List.copyOf(runtime.cluster().members());
    }

    List<NodeId> existing() {
        return existing;
    }

    List<NodeId> voters() {
        return voters;
    }

    /** Starts {@code node} empty, now, and asks the leader to add it. */
    void add(NodeId node) {
        long id = nextChangeId++;
        start(node);
        whenLeader(id, "add " + node, leader -> submit(new MembershipChange(id, MembershipChange.Kind.ADD, node), leader, "", null));
    }

    /** Asks the leader to remove {@code target}: a node, {@code leader} (itself) or {@code random-follower}, resolved when a leader is known. */
    void remove(String target) {
        long id = nextChangeId++;
        whenLeader(id, "remove " + target, leader -> {
            Optional<NodeId> node = switch (target) {
                case "leader" -> Optional.of(leader);
                case "random-follower" -> randomFollower.get();
                default -> Optional.of(NodeId.parse(target));
            };
            if (node.isEmpty()) {
                runtime.recordFault("membership-refused", List.of(), "change " + id + ": remove " + target + ": no follower to remove");
                return;
            }
            submit(new MembershipChange(id, MembershipChange.Kind.REMOVE, node.get()), leader, " (target " + target + ")", null);
        });
    }

    /**
     * Starts {@code with}, asks the leader to add it, and once that change is committed asks the
     * leader of that moment to remove {@code target} ({@code leader}: the node that led when the
     * replacement began).
     */
    void replace(String target, NodeId with) {
        long addId = nextChangeId++;
        long removeId = nextChangeId++;
        start(with);
        whenLeader(addId, "add " + with + " to replace " + target, leader -> {
            NodeId old = target.equals("leader") ? leader : NodeId.parse(target);
            runtime.recordFault("replace", List.of(old, with), "replace " + old + " (target " + target + ") with " + with
                    + ": change " + addId + " adds " + with + ", change " + removeId + " removes " + old + " once the add commits");
            submit(new MembershipChange(addId, MembershipChange.Kind.ADD, with), leader, " to replace " + old, () ->
                    whenLeader(removeId, "remove " + old + " replaced by " + with, now ->
                            submit(new MembershipChange(removeId, MembershipChange.Kind.REMOVE, old), now, " replaced by " + with, null)));
        });
    }

    private void start(NodeId node) {
        runtime.addNode(node);
        existing.add(node);
    }

    /** Runs {@code action} with the leader as soon as one is known; records a refusal if none is within the bound. */
    private void whenLeader(long changeId, String what, Consumer<NodeId> action) {
        long deadline = runtime.now() + LEADER_WAIT_NANOS;
        Runnable attempt = new Runnable() {
            @Override
            public void run() {
                Optional<NodeId> leader = runtime.leader();
                if (leader.isPresent()) {
                    action.accept(leader.get());
                } else if (runtime.now() >= deadline) {
                    runtime.recordFault("membership-refused", List.of(), "change " + changeId + ": " + what + ": no leader within "
                            + Durations.format(LEADER_WAIT_NANOS));
                } else {
                    runtime.schedule(runtime.now() + POLL_NANOS, this);
                }
            }
        };
        attempt.run();
    }

    /**
     * Hands {@code change} to {@code leader}, recording it, and watches its outcome; {@code then} runs
     * once it is committed. A node added through a leader joins that leader's side of every open
     * partition that does not name it.
     */
    private void submit(MembershipChange change, NodeId leader, String why, Runnable then) {
        String kind = change.kind() == MembershipChange.Kind.ADD ? "add" : "remove";
        if (change.kind() == MembershipChange.Kind.ADD) runtime.network().placeLike(change.node(), leader);
        String what = "change " + change.id() + ": " + kind + " " + change.node() + why;
        runtime.recordFault(kind, List.of(change.node()), what + ", asked of leader " + leader);
        runtime.requestMembershipChange(leader, change);
        long deadline = runtime.now() + OUTCOME_WAIT_NANOS;
        Runnable watch = new Runnable() {
            @Override
            public void run() {
                Optional<ProtocolEvent> outcome = runtime.membershipOutcome(change.id());
                if (outcome.isPresent() && outcome.get() instanceof ProtocolEvent.MembershipChangeCommitted c) {
                    voters = List.copyOf(c.voters());
                    if (then != null) then.run();
                } else if (outcome.isPresent() && outcome.get() instanceof ProtocolEvent.MembershipChangeRefused r) {
                    runtime.recordFault("membership-refused", List.of(change.node()), what + ": refused by " + leader + ": " + r.reason()
                            + (then != null ? "; the replacement stops here" : ""));
                } else if (runtime.now() >= deadline) {
                    runtime.recordFault("membership-timeout", List.of(change.node()), what + ": not committed within "
                            + Durations.format(OUTCOME_WAIT_NANOS) + (then != null ? "; the replacement stops here" : ""));
                } else {
                    runtime.schedule(runtime.now() + POLL_NANOS, this);
                }
            }
        };
        watch.run();
    }
}
