package quorumlab.workload;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.Protocol;

/**
 * Reads a scenario (YAML or JSON) strictly: an unknown field, a wrong type, an impossible value or a
 * bad reference is a {@link ScenarioException} naming the file, the field path and the reason.
 */
public final class ScenarioLoader {
    static final ObjectMapper YAML = strict(new ObjectMapper(YAMLFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build()));
    static final ObjectMapper JSON = strict(new ObjectMapper(JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build()));

    /**
     * No silent conversions: {@code nodes: 3.7} is not 3, {@code nodes: "3"} is not a number, and
     * an empty string is not a missing value.
     */
    private static ObjectMapper strict(ObjectMapper mapper) {
        mapper.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
        for (LogicalType number : List.of(LogicalType.Integer, LogicalType.Float)) {
            mapper.coercionConfigFor(number)
                    .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        }
        mapper.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
        return mapper;
    }

    /** Virtual time any duration of a scenario may span: a day. */
    static final long MAX_DURATION_NANOS = 24 * 3600 * 1_000_000_000L;
    /** Operations per second an open-loop workload may offer. */
    static final double MAX_RATE = 1_000_000;
    static final int MAX_CLIENTS = 10_000;
    /** Keys and bikes each take an array entry per client, a value a string per operation. */
    static final int MAX_KEYS = 1_000_000;
    static final int MAX_VALUE_SIZE = 1 << 20;
    static final long MAX_FILE_BYTES = 1 << 20;

    /** A library scenario by name, or a file by path. */
    public static Scenario load(String nameOrFile) {
        if (ScenarioLibrary.names().contains(nameOrFile)) {
            return ScenarioLibrary.load(nameOrFile);
        }
        Path path = Path.of(nameOrFile);
        if (!Files.exists(path)) {
            throw new ScenarioException(nameOrFile, "", "no such file, and no library scenario of that name (see 'quorumlab scenarios')");
        }
        return load(path);
    }

    public static Scenario load(Path path) {
        String text;
        try {
            if (Files.isDirectory(path)) throw new ScenarioException(path.toString(), "", "is a directory, not a scenario file");
            // Refused before parsing: the YAML parser takes minutes over a scalar of many megabytes.
            long size = Files.size(path);
            if (size > MAX_FILE_BYTES) {
                throw new ScenarioException(path.toString(), "", "the file is " + (size >> 10) + " KiB; a scenario may be at most "
                        + (MAX_FILE_BYTES >> 10) + " KiB");
            }
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ScenarioException(path.toString(), "", "no such file");
        } catch (MalformedInputException e) {
            throw new ScenarioException(path.toString(), "", "not a text file (it is not UTF-8)");
        } catch (IOException e) {
            throw new ScenarioException(path.toString(), "", "cannot read: " + e.getMessage());
        }
        boolean json = path.toString().endsWith(".json");
        return parse(path.toString(), text, json);
    }

    static Scenario load(String file, InputStream in) throws IOException {
        return parse(file, new String(in.readAllBytes(), StandardCharsets.UTF_8), file.endsWith(".json"));
    }

    /** Parses and validates; {@code file} is the name used in error messages. */
    public static Scenario parse(String file, String text, boolean json) {
        JsonNode tree = Syntax.read(file, text, json);
        if (tree == null || tree.isMissingNode() || tree.isNull()) throw new ScenarioException(file, "", "the file is empty");
        if (!tree.isObject()) {
            throw new ScenarioException(file, "", "a scenario is a mapping of fields (name: ..., nodes: ..., ...), got "
                    + Syntax.describe(tree));
        }
        Scenario scenario;
        try {
            scenario = JSON.treeToValue(tree, Scenario.class);
        } catch (UnrecognizedPropertyException e) {
            throw new ScenarioException(file, path(e), "unknown field '" + e.getPropertyName() + "' (known: "
                    + String.join(", ", e.getKnownPropertyIds().stream().map(String::valueOf).sorted().toList()) + ")");
        } catch (JsonMappingException e) {
            String where = path(e);
            throw new ScenarioException(file, where, Syntax.wrongValue(e, at(tree, e)));
        } catch (JsonProcessingException e) {
            // a number too large for its field, found while converting: no path from Jackson, so none here
            throw new ScenarioException(file, "", "a number is out of range");
        }
        new Validator(file, scenario).validate();
        return scenario;
    }

    /** The node of {@code tree} that a mapping error's path leads to (missing when the path leaves the tree). */
    private static JsonNode at(JsonNode tree, JsonMappingException e) {
        JsonNode node = tree;
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) node = node.path(ref.getFieldName());
            else if (ref.getIndex() >= 0) node = node.path(ref.getIndex());
        }
        return node;
    }

    private static String path(JsonMappingException e) {
        StringBuilder b = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (b.length() > 0) b.append('.');
                b.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                b.append('[').append(ref.getIndex()).append(']');
            }
        }
        return b.toString();
    }

    /** Every rule that a scenario must meet, each failing with the field it concerns. */
    private static final class Validator {
        private final String file;
        private final Scenario s;
        /** The nodes that exist at the point of the timeline being checked: the bootstrap members, then each one added. */
        private final Set<NodeId> existing = new java.util.TreeSet<>();

        Validator(String file, Scenario s) {
            this.file = file;
            this.s = s;
            for (int i = 1; i <= Math.max(0, Math.min(s.nodeCount(), 99)); i++) existing.add(NodeId.of(i));
        }

        private ScenarioException error(String field, String reason) {
            return new ScenarioException(file, field, reason);
        }

        private long duration(String field, String text) {
            long nanos;
            try {
                nanos = Durations.parse(text);
            } catch (IllegalArgumentException e) {
                throw error(field, e.getMessage());
            }
            // A huge value would saturate or overflow the simulator's clock into an empty run.
            if (nanos > MAX_DURATION_NANOS) throw error(field, "'" + text.strip() + "' is too long: at most 24h of virtual time");
            return nanos;
        }

        private void range(String field, Integer value, int min, int max) {
            if (value != null && (value < min || value > max)) throw error(field, "must be between " + min + " and " + max + ", got " + value);
        }

        private void probability(String field, Double p) {
            if (p != null && !(p >= 0 && p <= 1)) throw error(field, "must be a probability between 0 and 1, got " + p);
        }

        private void delay(String field, String text) {
            if (text == null) return;
            try {
                DelaySpec.parse(text);
            } catch (IllegalArgumentException e) {
                throw error(field, e.getMessage());
            }
        }

        private NodeId node(String field, String name) {
            NodeId id;
            try {
                id = NodeId.parse(name);
            } catch (IllegalArgumentException e) {
                throw error(field, "'" + name + "' is not a node name (n1 .. n" + s.nodeCount() + ")");
            }
            if (!existing.contains(id)) {
                String added = existing.size() > s.nodeCount() ? ", and the timeline adds "
                        + String.join(", ", existing.stream().skip(s.nodeCount()).map(NodeId::toString).toList()) + " before this point" : "";
                throw error(field, "node " + name + " does not exist (the cluster has n1 .. n" + s.nodeCount() + added + ")");
            }
            return id;
        }

        void validate() {
            if (s.name() == null || s.name().isBlank()) throw error("name", "a scenario needs a name");
            if (!s.name().matches("[A-Za-z0-9._-]+")) throw error("name", "use letters, digits, '.', '_' and '-' only");
            if (s.nodeCount() < 1 || s.nodeCount() > 99) throw error("nodes", "must be between 1 and 99, got " + s.nodeCount());
            long end = duration("duration", s.duration() != null ? s.duration() : Scenario.DEFAULT_DURATION);
            if (end <= 0) throw error("duration", "must be positive");
            if (s.seedCount() < 1) throw error("seeds", "must be at least 1, got " + s.seedCount());
            if (s.seedCount() > Runner.MAX_SEEDS) throw error("seeds", "at most " + Runner.MAX_SEEDS + ", got " + s.seedCount());
            if (!List.of("full", "events", "none").contains(s.traceLevelName())) {
                throw error("traceLevel", "must be full, events or none, got '" + s.traceLevel() + "'");
            }
            if (!List.of("matched", "defaults").contains(s.profileName())) {
                throw error("profile", "must be matched or defaults, got '" + s.profile() + "'");
            }
            validateOptions();
            validateNetwork();
            validateWorkload();
            validateFaults(end);
        }

        private void validateOptions() {
            Map<String, Protocol> protocols = new HashMap<>();
            Protocol.all().forEach(p -> protocols.put(p.name(), p));
            for (Map.Entry<String, Map<String, Object>> e : s.optionsOrEmpty().entrySet()) {
                String section = e.getKey();
                if (!section.equals("common") && !protocols.containsKey(section)) {
                    throw error("options." + section, "unknown protocol (known: common, " + String.join(", ", protocols.keySet()) + ")");
                }
            }
            for (String name : s.optionsOrEmpty().getOrDefault("common", Map.of()).keySet()) {
                boolean known = protocols.values().stream().anyMatch(p -> p.options().stream().anyMatch(o -> o.name().equals(name)));
                if (!known) throw error("options.common." + name, "no protocol has an option of that name (see 'quorumlab protocols')");
            }
            for (Protocol p : protocols.values()) {
                try {
                    ScenarioOptions.forProtocol(s, p);
                } catch (IllegalArgumentException e) {
                    boolean own = s.optionsOrEmpty().containsKey(p.name());
                    throw error("options." + (own ? p.name() : "common"), e.getMessage());
                }
            }
        }

        private void validateNetwork() {
            Scenario.Network n = s.networkOrDefault();
            delay("network.delay", n.delay());
            delay("network.clientDelay", n.clientDelay());
            probability("network.loss", n.loss());
            probability("network.duplicate", n.duplicate());
            probability("network.reorder", n.reorder());
            if (n.regions() != null) regions("network.regions", n.regions(), true);
        }

        /**
         * A region matrix. The scenario's network must place every node; a latency-matrix fault may
         * place only some, and sets the links between those (docs/scenario-format.md).
         */
        private void regions(String prefix, Scenario.Regions r, boolean everyNode) {
            if (r.placement() == null || r.placement().isEmpty()) throw error(prefix + ".placement", "place every node in a region");
            Set<NodeId> placed = new HashSet<>();
            for (Map.Entry<String, List<String>> e : r.placement().entrySet()) {
                String field = prefix + ".placement." + e.getKey();
                if (e.getValue() == null || e.getValue().isEmpty()) throw error(field, "a region needs at least one node");
                for (String name : e.getValue()) {
                    if (!placed.add(node(field, name))) throw error(field, "node " + name + " is placed twice");
                }
            }
            for (int i = 1; i <= s.nodeCount() && everyNode; i++) {
                if (!placed.contains(new NodeId(i))) {
                    throw error(prefix + ".placement", "node n" + i + " is in no region (place every node n1 .. n" + s.nodeCount() + ")");
                }
            }
            delay(prefix + ".within", r.within());
            Set<String> given = new HashSet<>();
            if (r.between() != null) {
                for (Map.Entry<String, String> e : r.between().entrySet()) {
                    String field = prefix + ".between." + e.getKey();
                    String[] pair = r.pair(e.getKey());
                    if (pair == null) throw error(field, "write REGION-REGION with regions from the placement " + r.placement().keySet());
                    if (pair[0].equals(pair[1])) throw error(field, "the delay within a region is '" + prefix + ".within'");
                    if (!given.add(pair[0] + "\u0000" + pair[1]) || !given.add(pair[1] + "\u0000" + pair[0])) {
                        throw error(field, "the pair " + pair[0] + ", " + pair[1] + " is given twice");
                    }
                    delay(field, e.getValue());
                }
            }
            // Every message between two regions needs a delay: a pair left out would fail mid-run.
            List<String> names = List.copyOf(r.placement().keySet());
            for (int i = 0; i < names.size(); i++) {
                for (int j = i + 1; j < names.size(); j++) {
                    if (!given.contains(names.get(i) + "\u0000" + names.get(j))) {
                        throw error(prefix + ".between." + names.get(i) + "-" + names.get(j),
                                "missing: every pair of regions needs a delay (for example " + names.get(i) + "-" + names.get(j) + ": 40ms)");
                    }
                }
            }
        }

        private void validateWorkload() {
            Scenario.Workload w = s.workloadOrDefault();
            if (w.mode() != null && !List.of("closed", "open").contains(w.mode())) {
                throw error("workload.mode", "must be closed or open, got '" + w.mode() + "'");
            }
            if (w.clients() != null && w.clients() < 1) throw error("workload.clients", "must be at least 1, got " + w.clients());
            if (w.clients() != null && w.clients() > MAX_CLIENTS) {
                throw error("workload.clients", "at most " + MAX_CLIENTS + " clients, got " + w.clients());
            }
            if (w.rate() != null && !(w.rate() > 0)) throw error("workload.rate", "must be positive, got " + w.rate());
            if (w.rate() != null && w.rate() > MAX_RATE) {
                throw error("workload.rate", "at most " + (long) MAX_RATE + " operations per second, got " + w.rate());
            }
            if (w.arrivals() != null && !List.of("constant", "poisson").contains(w.arrivals())) {
                throw error("workload.arrivals", "must be constant or poisson, got '" + w.arrivals() + "'");
            }
            range("workload.bikes", w.bikes(), 1, MAX_KEYS);
            if (w.bikes() != null && "open".equals(w.mode())) throw error("workload.bikes", "bookings need closed-loop clients (mode: closed)");
            range("workload.keys", w.keys(), 1, MAX_KEYS);
            if (w.keyDistribution() != null && !List.of("uniform", "zipfian", "hotspot").contains(w.keyDistribution())) {
                throw error("workload.keyDistribution", "must be uniform, zipfian or hotspot, got '" + w.keyDistribution() + "'");
            }
            if (w.zipfTheta() != null && !(w.zipfTheta() > 0 && w.zipfTheta() < 100)) {
                throw error("workload.zipfTheta", "must be above 0 and below 100, got " + w.zipfTheta());
            }
            probability("workload.hotFraction", w.hotFraction());
            range("workload.valueSize", w.valueSize(), 1, MAX_VALUE_SIZE);
            if (w.thinkTime() != null) duration("workload.thinkTime", w.thinkTime());
            if (w.warmup() != null) duration("workload.warmup", w.warmup());
            if (w.timeout() != null && duration("workload.timeout", w.timeout()) <= 0) throw error("workload.timeout", "must be positive");
            if (w.giveUpAfter() != null && duration("workload.giveUpAfter", w.giveUpAfter()) <= 0) {
                throw error("workload.giveUpAfter", "must be positive");
            }
            if (w.mix() != null) {
                Scenario.Mix m = w.mix();
                for (Map.Entry<String, Double> e : mixEntries(m).entrySet()) {
                    if (e.getValue() != null && !(e.getValue() >= 0)) {
                        throw error("workload.mix." + e.getKey(), "must not be negative, got " + e.getValue());
                    }
                    if (e.getValue() != null && !Double.isFinite(e.getValue())) {
                        throw error("workload.mix." + e.getKey(), "must be a finite share, got " + e.getValue());
                    }
                }
                WorkloadSettings ws = WorkloadSettings.of(w);
                if (ws.readShare() + ws.writeShare() + ws.casShare() <= 0) throw error("workload.mix", "the shares add up to zero");
            }
        }

        private Map<String, Double> mixEntries(Scenario.Mix m) {
            Map<String, Double> out = new LinkedHashMap<>();
            out.put("read", m.read());
            out.put("write", m.write());
            out.put("cas", m.cas());
            return out;
        }

        private void validateFaults(long end) {
            List<Scenario.Fault> faults = s.faultList();
            // In the order they fire (ties in file order), so a node exists from the fault that adds it on.
            List<Integer> order = new java.util.ArrayList<>();
            for (int i = 0; i < faults.size(); i++) {
                if (faults.get(i) == null) throw error("faults[" + i + "]", "an empty fault");
                if (faults.get(i).at() == null) throw error("faults[" + i + "].at", "when the fault fires is required (for example 1s)");
                order.add(i);
            }
            long[] when = new long[faults.size()];
            for (int i : order) when[i] = duration("faults[" + i + "].at", faults.get(i).at());
            order.sort(java.util.Comparator.comparingLong(i -> when[i]));
            for (int i : order) {
                Scenario.Fault f = faults.get(i);
                String at = "faults[" + i + "]";
                validateFault(f, at, when[i], end);
            }
        }

        private void validateFault(Scenario.Fault f, String at, long when, long end) {
            if (when > end) throw error(at + ".at", "the fault at " + f.at() + " comes after the end of the run (" + Durations.format(end) + ")");
            if (f.type() == null) throw error(at + ".type", "required: one of " + FaultInjector.TYPES);
            if (!FaultInjector.TYPES.contains(f.type())) throw error(at + ".type", "unknown fault '" + f.type() + "' (known: " + FaultInjector.TYPES + ")");
            if (f.duration() != null && duration(at + ".duration", f.duration()) <= 0) throw error(at + ".duration", "must be positive");
            if (f.with() != null && !f.type().equals("replace")) throw error(at + ".with", "'with' belongs to a replace only");
            if (f.count() != null && !f.type().equals("client-burst")) throw error(at + ".count", "'count' belongs to a client-burst only");
            switch (f.type()) {
                case "crash", "restart", "isolate", "pause", "resume", "drift" -> target(at, f);
                case "expire-timer" -> {
                    target(at, f);
                    if (f.duration() != null) throw error(at + ".duration", "an expire-timer happens at one instant; it has no duration");
                }
                case "client-burst" -> {
                    if (f.count() == null) throw error(at + ".count", "required: how many writes (1 to " + FaultInjector.MAX_BURST + ")");
                    if (f.count() < 1 || f.count() > FaultInjector.MAX_BURST) {
                        throw error(at + ".count", "must be 1 to " + FaultInjector.MAX_BURST + ", got " + f.count());
                    }
                    if (f.target() != null) throw error(at + ".target", "a client-burst has no target: its writes go where clients send");
                    if (f.duration() != null) throw error(at + ".duration", "a client-burst happens at one instant; it has no duration");
                }
                case "add" -> existing.add(newNode(at + ".target", f.target(), when));
                case "remove" -> {
                    if (f.target() == null) throw error(at + ".target", "required: a node (n1 ..), leader or random-follower");
                    if (!List.of("leader", "random-follower").contains(f.target())) node(at + ".target", f.target());
                }
                case "replace" -> {
                    if (f.target() == null) throw error(at + ".target", "required: a node (n1 ..) or leader");
                    if (!f.target().equals("leader")) node(at + ".target", f.target());
                    if (f.with() == null) throw error(at + ".with", "required: the new node that replaces the target (for example n6)");
                    existing.add(newNode(at + ".with", f.with(), when));
                }
                case "partition" -> groups(at, f);
                case "one-way" -> {
                    if (f.from() == null || f.to() == null) throw error(at, "a one-way cut needs 'from' and 'to'");
                    node(at + ".from", f.from());
                    node(at + ".to", f.to());
                }
                case "loss", "duplicate", "reorder" -> {
                    if (f.value() == null) throw error(at + ".value", "the probability is required");
                    probability(at + ".value", f.value());
                }
                case "latency-matrix" -> {
                    if (f.regions() == null) throw error(at + ".regions", "the region matrix is required (placement, within, between)");
                    regions(at + ".regions", f.regions(), false);
                }
                case "delay" -> {
                    if (f.delay() == null) throw error(at + ".delay", "the delay is required (for example uniform(50ms,100ms))");
                    delay(at + ".delay", f.delay());
                }
                default -> { }
            }
            if (f.type().equals("drift") && (f.value() == null || !(f.value() > 0))) {
                throw error(at + ".value", "a timer drift rate must be positive (1.0 = exact)");
            }
        }

        /** A node an add or replace starts: a node name that no node has yet. */
        private NodeId newNode(String field, String name, long when) {
            if (name == null) throw error(field, "required: the new node (for example n" + (existing.size() + 1) + ")");
            NodeId id;
            try {
                id = NodeId.parse(name);
            } catch (IllegalArgumentException e) {
                throw error(field, "'" + name + "' is not a node name (n1, n2, ...)");
            }
            if (id.id() > 99) throw error(field, "node numbers go up to n99, got " + name);
            if (existing.contains(id)) {
                throw error(field, "node " + name + " already exists at " + Durations.format(when) + "; add a new node (for example n"
                        + (existing.stream().mapToInt(NodeId::id).max().orElse(0) + 1) + ")");
            }
            return id;
        }

        private void target(String at, Scenario.Fault f) {
            if (f.target() == null) throw error(at + ".target", "required: a node (n1 ..), leader or random-follower");
            if (!FaultInjector.SYMBOLIC_TARGETS.contains(f.target())) node(at + ".target", f.target());
        }

        private void groups(String at, Scenario.Fault f) {
            if (f.groups() == null || f.groups().size() < 2) throw error(at + ".groups", "a partition needs at least two groups");
            Set<NodeId> seen = new HashSet<>();
            Set<String> once = new HashSet<>();
            int members = 0;
            for (int g = 0; g < f.groups().size(); g++) {
                List<String> group = f.groups().get(g);
                String field = at + ".groups[" + g + "]";
                if (group == null || group.isEmpty()) throw error(field, "a partition group must not be empty");
                for (String name : group) {
                    if (name == null) throw error(field, "a group member must not be empty");
                    if (!name.equals("others")) members++;
                    if (name.equals("leader") || name.equals("others")) {
                        if (!once.add(name)) throw error(field, "'" + name + "' may appear in one group only, once");
                    } else if (!name.equals("random-follower")) {
                        if (!FaultInjector.SYMBOLIC_MEMBERS.contains(name) && !name.matches("n[0-9]+")) {
                            throw error(field, "'" + name + "' is not a node name (n1 .. n" + s.nodeCount() + "), leader, random-follower or others");
                        }
                        if (!seen.add(node(field, name))) throw error(field, "node " + name + " is in two groups");
                    }
                }
            }
            if (members > existing.size()) {
                throw error(at + ".groups", "the groups name " + members + " members, more than the " + existing.size() + " nodes");
            }
        }
    }

    private ScenarioLoader() {}
}
