package quorumlab.protocols;

import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import quorumlab.protocols.check.SafetyChecks;

/**
 * A replication protocol, found by name through {@link ServiceLoader}: a module registers its
 * implementation in {@code META-INF/services/quorumlab.protocols.Protocol}.
 */
public interface Protocol {
    /** The name used on the command line and in scenarios: say {@code raft}. */
    String name();

    /** One line for {@code --help} and reports. */
    String description();

    /** The options this protocol understands, with their defaults. */
    List<OptionSpec> options();

    /** A fresh node, for a first start or a restart. */
    Node createNode(NodeContext context, Options options);

    /**
     * This protocol's option values for the settings a fair comparison holds equal; options not
     * named stay at their defaults. A protocol maps every field it has a knob for; the default is
     * for test protocols that have none.
     */
    default Map<String, Object> matchedOptions(MatchedSettings settings) {
        return Map.of();
    }

    /**
     * This protocol's own safety invariants, checked on every trace it produces beside the checks
     * every protocol shares ({@link SafetyChecks}): one factory per checker, called once per trace.
     * A protocol that can promise nothing more lists none.
     */
    default List<Supplier<SafetyChecks.Checker>> invariants() {
        return List.of();
    }

    /** How attempts to lead are numbered, which decides what a split vote is. */
    enum Rounds {
        /**
         * Candidates share numbered terms (Raft): a split vote is a term in which two or more
         * candidates stood and nobody won.
         */
        SHARED_TERMS,
        /**
         * Each proposer owns its ballots (Paxos): a split vote is a phase 1 preempted by a competing
         * ballot that was itself started while this one was under way (dueling proposers).
         */
        OWNED_BALLOTS
    }

    default Rounds rounds() {
        return Rounds.SHARED_TERMS;
    }

    /** Resolves {@code values} against {@link #options()}; unknown names and wrong types are errors. */
    default Options resolveOptions(Map<String, ?> values) {
        return Options.resolve(name(), options(), values);
    }

    /**
     * True for a deliberately unsafe baseline (a protocol that shows what consensus prevents). Such
     * a protocol runs when asked for by name or with {@code --protocols all}, and is left out of a
     * default comparison, whose exit status would otherwise report its expected violations.
     */
    default boolean unsafeBaseline() {
        return false;
    }

    /**
     * True when the protocol's nodes take {@link MembershipChange}s (and a node added at run time
     * can join). Membership faults on any other protocol are refused before the run starts.
     */
    default boolean supportsMembershipChange() {
        return false;
    }

    /** Every protocol but the unsafe baselines: what a default comparison runs. */
    static List<Protocol> consensus() {
        return all().stream().filter(p -> !p.unsafeBaseline()).collect(Collectors.toList());
    }

    /**
     * The protocols a command line names: {@code consensus} (every protocol but the unsafe
     * baselines), {@code all}, or a comma-separated list of names.
     */
    static List<Protocol> select(String names) {
        if (names.equals("all")) return all();
        if (names.equals("consensus")) return consensus();
        List<Protocol> out = new java.util.ArrayList<>();
        for (String n : names.split(",")) out.add(byName(n.trim()));
        return out;
    }

    static List<Protocol> all() {
        return ServiceLoader.load(Protocol.class).stream()
                .map(ServiceLoader.Provider::get)
                .sorted((a, b) -> a.name().compareTo(b.name()))
                .collect(Collectors.toList());
    }

    /** @throws IllegalArgumentException naming the known protocols when {@code name} is not one */
    static Protocol byName(String name) {
        List<Protocol> all = all();
        return all.stream()
                .filter(p -> p.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown protocol '" + name + "' (known: "
                        + all.stream().map(Protocol::name).collect(Collectors.joining(", ")) + ")"));
    }
}
