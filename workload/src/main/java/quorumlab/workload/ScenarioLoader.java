package quorumlab.workload;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
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
    static final ObjectMapper YAML = strict(new ObjectMapper(new YAMLFactory()));
    static final ObjectMapper JSON = strict(new ObjectMapper());

    private static ObjectMapper strict(ObjectMapper mapper) {
        return mapper.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    /** A library scenario by name, or a file by path. */
    /** Virtual time any duration of a scenario may span: a day. */
    static final long MAX_DURATION_NANOS = 24 * 3600 * 1_000_000_000L;
    /** Operations per second an open-loop workload may offer. */
    static final double MAX_RATE = 1_000_000;
    static final int MAX_CLIENTS = 10_000;
    static final long MAX_FILE_BYTES = 1 << 20;

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
            // Refused before parsing: the YAML parser takes minutes over a scalar of many megabytes.
            long size = Files.size(path);
            if (size > MAX_FILE_BYTES) {
                throw new ScenarioException(path.toString(), "", "the file is " + (size >> 10) + " KiB; a scenario may be at most "
                        + (MAX_FILE_BYTES >> 10) + " KiB");
            }
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ScenarioException(path.toString(), "", "no such file");
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
        Scenario scenario;
        try {
            scenario = (json ? JSON : YAML).readValue(text, Scenario.class);
        } catch (UnrecognizedPropertyException e) {
            throw new ScenarioException(file, path(e), "unknown field '" + e.getPropertyName() + "' (known: "
                    + e.getKnownPropertyIds() + ")");
        } catch (JsonMappingException e) {
            String where = path(e);
            throw new ScenarioException(file, where, where.isEmpty() ? "not a scenario: " + firstLine(e.getOriginalMessage())
                    : "wrong type: " + firstLine(e.getOriginalMessage()));
        } catch (JsonProcessingException e) {
            String at = e.getLocation() != null ? "line " + e.getLocation().getLineNr() : "";
            throw new ScenarioException(file, at, "malformed " + (json ? "JSON" : "YAML") + ": " + firstLine(e.getOriginalMessage()));
        }
        if (scenario == null) throw new ScenarioException(file, "", "the file is empty");
        new Validator(file, scenario).validate();
        return scenario;
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).trim();
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

        Validator(String file, Scenario s) {
            this.file = file;
            this.s = s;
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
            if (id.id() > s.nodeCount()) {
                throw error(field, "node " + name + " does not exist (the cluster has n1 .. n" + s.nodeCount() + ")");
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
            if (n.regions() != null) regions("network.regions", n.regions());
        }

        private void regions(String prefix, Scenario.Regions r) {
            if (r.placement() == null || r.placement().isEmpty()) throw error(prefix + ".placement", "place every node in a region");
            Set<NodeId> placed = new HashSet<>();
            for (Map.Entry<String, List<String>> e : r.placement().entrySet()) {
                String field = prefix + ".placement." + e.getKey();
                if (e.getValue() == null || e.getValue().isEmpty()) throw error(field, "a region needs at least one node");
                for (String name : e.getValue()) {
                    if (!placed.add(node(field, name))) throw error(field, "node " + name + " is placed twice");
                }
            }
            delay(prefix + ".within", r.within());
            if (r.between() != null) {
                for (Map.Entry<String, String> e : r.between().entrySet()) {
                    String field = prefix + ".between." + e.getKey();
                    String[] pair = e.getKey().split("-", 2);
                    if (pair.length != 2 || !r.placement().containsKey(pair[0]) || !r.placement().containsKey(pair[1])) {
                        throw error(field, "write REGION-REGION with regions from the placement " + r.placement().keySet());
                    }
                    delay(field, e.getValue());
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
            if (w.bikes() != null && w.bikes() < 1) throw error("workload.bikes", "must be at least 1, got " + w.bikes());
            if (w.bikes() != null && "open".equals(w.mode())) throw error("workload.bikes", "bookings need closed-loop clients (mode: closed)");
            if (w.keys() != null && w.keys() < 1) throw error("workload.keys", "must be at least 1, got " + w.keys());
            if (w.keyDistribution() != null && !List.of("uniform", "zipfian", "hotspot").contains(w.keyDistribution())) {
                throw error("workload.keyDistribution", "must be uniform, zipfian or hotspot, got '" + w.keyDistribution() + "'");
            }
            if (w.zipfTheta() != null && !(w.zipfTheta() > 0)) throw error("workload.zipfTheta", "must be positive, got " + w.zipfTheta());
            probability("workload.hotFraction", w.hotFraction());
            if (w.valueSize() != null && w.valueSize() < 1) throw error("workload.valueSize", "must be at least 1, got " + w.valueSize());
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
            for (int i = 0; i < faults.size(); i++) {
                Scenario.Fault f = faults.get(i);
                String at = "faults[" + i + "]";
                if (f == null) throw error(at, "an empty fault");
                if (f.at() == null) throw error(at + ".at", "when the fault fires is required (for example 1s)");
                long when = duration(at + ".at", f.at());
                if (when > end) throw error(at + ".at", "the fault at " + f.at() + " comes after the end of the run (" + Durations.format(end) + ")");
                if (f.type() == null) throw error(at + ".type", "required: one of " + FaultInjector.TYPES);
                if (!FaultInjector.TYPES.contains(f.type())) throw error(at + ".type", "unknown fault '" + f.type() + "' (known: " + FaultInjector.TYPES + ")");
                if (f.duration() != null && duration(at + ".duration", f.duration()) <= 0) throw error(at + ".duration", "must be positive");
                switch (f.type()) {
                    case "crash", "restart", "isolate", "pause", "resume", "drift" -> target(at, f);
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
                        regions(at + ".regions", f.regions());
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
            if (members > s.nodeCount()) {
                throw error(at + ".groups", "the groups name " + members + " members, more than the " + s.nodeCount() + " nodes");
            }
        }
    }

    private ScenarioLoader() {}
}
