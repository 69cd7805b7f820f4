package quorumlab.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A library scenario's description says what its timeline does: every fault by its kind, its time
 * ("at 1.5 s") and its duration ("for 2 s"), and no kind of fault that the timeline does not have.
 */
class ScenarioDescriptionsTest {
    /** The words that name each fault kind in a description (lower case). */
    static final Map<String, List<String>> WORDS = new LinkedHashMap<>();

    static {
        WORDS.put("crash", List.of("crash"));
        WORDS.put("restart", List.of("restart"));
        WORDS.put("partition", List.of("split", "partition", "cut off"));
        WORDS.put("isolate", List.of("isolat"));
        WORDS.put("one-way", List.of("one-way"));
        WORDS.put("heal", List.of("heal"));
        WORDS.put("loss", List.of("lost", "loss"));
        WORDS.put("duplicate", List.of("duplicat"));
        WORDS.put("reorder", List.of("reorder"));
        WORDS.put("delay", List.of("slow"));
        WORDS.put("latency-matrix", List.of("slow"));
        WORDS.put("pause", List.of("pause"));
        WORDS.put("resume", List.of("resume"));
        WORDS.put("drift", List.of("drift"));
        WORDS.put("add", List.of("add", "grow"));
        WORDS.put("remove", List.of("remov", "shrink"));
        WORDS.put("replace", List.of("replac"));
    }

    static List<String> library() {
        return ScenarioLibrary.names();
    }

    /** A time as descriptions write it: "2 s", "1.5 s", "800 ms". */
    static String spoken(String duration) {
        long nanos = Durations.parse(duration);
        if (nanos >= 1_000_000_000L) return new BigDecimal(nanos).movePointLeft(9).stripTrailingZeros().toPlainString() + " s";
        return new BigDecimal(nanos).movePointLeft(6).stripTrailingZeros().toPlainString() + " ms";
    }

    /** The fault kinds a timeline has, with those its faults imply when they end (a crash for 2 s restarts). */
    static Set<String> kindsIn(Scenario s) {
        Set<String> kinds = new TreeSet<>();
        for (Scenario.Fault f : s.faultList()) {
            kinds.add(f.type());
            if (f.duration() == null) continue;
            switch (f.type()) {
                case "crash" -> kinds.add("restart");
                case "partition", "isolate", "one-way" -> kinds.add("heal");
                case "pause" -> kinds.add("resume");
                default -> { }
            }
        }
        // a replacement adds one node and removes another
        for (Scenario.Fault f : s.faultList()) if (f.type().equals("replace")) kinds.addAll(List.of("add", "remove"));
        return kinds;
    }

    /** Every problem with a description, one line each; empty when it matches the timeline. */
    static List<String> mismatches(Scenario s) {
        String d = s.description().toLowerCase();
        List<String> problems = new java.util.ArrayList<>();
        for (Scenario.Fault f : s.faultList()) {
            if (WORDS.get(f.type()).stream().noneMatch(d::contains)) {
                problems.add("the " + f.type() + " fault is not named (say one of " + WORDS.get(f.type()) + ")");
            }
            if (!d.contains("at " + spoken(f.at()))) problems.add("the " + f.type() + " fault's time is not given as 'at " + spoken(f.at()) + "'");
            if (f.duration() != null && !d.contains("for " + spoken(f.duration()))) {
                problems.add("the " + f.type() + " fault's duration is not given as 'for " + spoken(f.duration()) + "'");
            }
        }
        Set<String> present = kindsIn(s);
        for (Map.Entry<String, List<String>> e : WORDS.entrySet()) {
            for (String word : e.getValue()) {
                boolean someKindWithThisWord = WORDS.entrySet().stream()
                        .anyMatch(k -> k.getValue().contains(word) && present.contains(k.getKey()));
                if (d.contains(word) && !someKindWithThisWord) problems.add("says '" + word + "' but the timeline has no " + e.getKey() + " fault");
            }
        }
        return problems.stream().distinct().toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("library")
    void theDescriptionMatchesTheTimeline(String name) {
        Scenario s = ScenarioLibrary.load(name);
        assertEquals(List.of(), mismatches(s), name + ": " + s.description());
    }

    /** The checker itself: majority-partition's old timeline (an isolate) against its description fails. */
    @Test
    void aDescriptionThatDoesNotMatchIsCaught() {
        Scenario wrongKind = ScenarioLoader.parse("x.yaml", """
                name: x
                description: The leader and one follower are cut off (2|3) at 1.5 s for 2 s.
                faults:
                  - {at: 1500ms, type: isolate, target: leader, duration: 2s}
                """, false);
        List<String> problems = mismatches(wrongKind);
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("the isolate fault is not named")), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.contains("'cut off' but the timeline has no partition")), problems.toString());

        Scenario wrongTime = ScenarioLoader.parse("y.yaml", """
                name: y
                description: The leader crashes at 2 s.
                faults:
                  - {at: 2500ms, type: crash, target: leader, duration: 800ms}
                """, false);
        assertEquals(List.of("the crash fault's time is not given as 'at 2.5 s'", "the crash fault's duration is not given as 'for 800 ms'"),
                mismatches(wrongTime));

        Scenario quiet = ScenarioLoader.parse("z.yaml", "name: z\ndescription: Nothing fails here.\n", false);
        assertEquals(List.of(), mismatches(quiet));
        assertFalse(mismatches(ScenarioLoader.parse("w.yaml", "name: w\ndescription: A node may crash.\n", false)).isEmpty());
    }

    /** index.txt lists exactly the scenario files, each under its own name. */
    @Test
    void theIndexListsEveryScenarioFile() throws IOException {
        Set<String> files;
        try (Stream<Path> list = Files.list(Path.of("src/main/resources/scenarios"))) {
            files = list.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".yaml"))
                    .map(f -> f.substring(0, f.length() - ".yaml".length())).collect(Collectors.toCollection(TreeSet::new));
        }
        assertEquals(files, new TreeSet<>(ScenarioLibrary.names()));
        assertEquals(ScenarioLibrary.names().size(), Set.copyOf(ScenarioLibrary.names()).size(), "no name twice");
    }
}
