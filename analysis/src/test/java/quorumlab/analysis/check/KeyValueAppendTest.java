package quorumlab.analysis.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import quorumlab.analysis.check.HistoryEvent.Fn;
import quorumlab.analysis.check.HistoryEvent.Type;
import quorumlab.analysis.check.HistoryReader.Format;

/**
 * Issue 16: the key-value model with append (Porcupine's), checked per key; and the history
 * reader streaming a file through the checker.
 */
class KeyValueAppendTest {
    @TempDir
    Path dir;

    /** A history on key "k", one event per call. */
    private static final class Kv {
        final List<HistoryEvent> events = new ArrayList<>();

        Kv invoke(long p, Fn f, Object value) {
            return on("k", p, Type.INVOKE, f, value);
        }

        Kv on(String key, long p, Type type, Fn f, Object value) {
            events.add(new HistoryEvent(p, type, f, key, value, 10L * (events.size() + 1)));
            return this;
        }

        Kv ok(long p, Fn f, Object value) {
            return on("k", p, Type.OK, f, value);
        }

        Kv append(long p, String s) {
            return invoke(p, Fn.APPEND, s).ok(p, Fn.APPEND, s);
        }

        Kv put(long p, String s) {
            return invoke(p, Fn.WRITE, s).ok(p, Fn.WRITE, s);
        }

        Kv get(long p, Object result) {
            return invoke(p, Fn.READ, null).ok(p, Fn.READ, result);
        }

        CheckStatus check() {
            return LinearizabilityChecker.check(History.of("test", events)).status();
        }
    }

    @Test
    void appendsSeenInTheOrderTheyHappened() {
        // one client after another: "a" then "b" is the only order real time allows
        assertEquals(CheckStatus.OK, new Kv().append(0, "a").append(1, "b").get(2, "ab").check());
        // the same appends, read back in the other order: no linearization puts "b" first
        assertEquals(CheckStatus.VIOLATION, new Kv().append(0, "a").append(1, "b").get(2, "ba").check());
        // a read after an append completed must see it (nil and "" are the key never written)
        assertEquals(CheckStatus.VIOLATION, new Kv().append(0, "a").get(1, "").check());
        assertEquals(CheckStatus.OK, new Kv().get(1, null).get(1, "").append(0, "a").get(1, "a").check());
    }

    @Test
    void concurrentAppendsMayLandInEitherOrderButOnlyOnce() {
        for (String seen : List.of("ab", "ba")) {
            Kv h = new Kv().invoke(0, Fn.APPEND, "a").invoke(1, Fn.APPEND, "b")
                    .ok(0, Fn.APPEND, "a").ok(1, Fn.APPEND, "b").get(2, seen);
            assertEquals(CheckStatus.OK, h.check(), seen + ": overlapping appends may take effect in either order");
        }
        // "aab" would need the append of "a" twice; "a" alone loses an append that completed
        for (String seen : List.of("aab", "a")) {
            Kv h = new Kv().invoke(0, Fn.APPEND, "a").invoke(1, Fn.APPEND, "b")
                    .ok(0, Fn.APPEND, "a").ok(1, Fn.APPEND, "b").get(2, seen);
            assertEquals(CheckStatus.VIOLATION, h.check(), seen);
        }
        // two readers of overlapping appends must agree on one order
        Kv split = new Kv().invoke(0, Fn.APPEND, "a").invoke(1, Fn.APPEND, "b")
                .ok(0, Fn.APPEND, "a").ok(1, Fn.APPEND, "b").get(2, "ab").get(3, "ba");
        assertEquals(CheckStatus.VIOLATION, split.check());
    }

    @Test
    void putsStartTheValueOverAndKeysAreIndependent() {
        assertEquals(CheckStatus.OK, new Kv().put(0, "x").append(1, "y").get(2, "xy").check());
        // an append, then a put: the put erased "a", so "bc" and never "abc"
        assertEquals(CheckStatus.OK, new Kv().append(0, "a").put(1, "b").append(0, "c").get(2, "bc").check());
        assertEquals(CheckStatus.VIOLATION, new Kv().append(0, "a").put(1, "b").append(0, "c").get(2, "abc").check());
        // appending to a number put there cannot happen
        assertEquals(CheckStatus.VIOLATION, new Kv().put(0, "1").get(0, "1").invoke(0, Fn.WRITE, 1L)
                .ok(0, Fn.WRITE, 1L).append(1, "x").get(2, "1x").check());
        // each key on its own: "a" on k and "b" on j never mix
        Kv two = new Kv().append(0, "a").on("j", 1, Type.INVOKE, Fn.APPEND, "b").on("j", 1, Type.OK, Fn.APPEND, "b")
                .get(2, "a").on("j", 3, Type.INVOKE, Fn.READ, null).on("j", 3, Type.OK, Fn.READ, "b");
        assertEquals(CheckStatus.OK, two.check());
        Kv mixed = new Kv().append(0, "a").on("j", 1, Type.INVOKE, Fn.APPEND, "b").on("j", 1, Type.OK, Fn.APPEND, "b")
                .get(2, "ab");
        LinearizabilityChecker.Result r = LinearizabilityChecker.check(History.of("mixed", mixed.events));
        assertEquals(CheckStatus.VIOLATION, r.status());
        assertEquals("k", r.counterexamples().get(0).key());
    }

    @Test
    void anAppendOfUnknownOutcomeMayLandLaterOrNever() {
        // info: it may take effect after the first read, so "" then "a" is fine
        Kv late = new Kv().invoke(0, Fn.APPEND, "a").on("k", 0, Type.INFO, Fn.APPEND, "a").get(1, "").get(1, "a");
        assertEquals(CheckStatus.OK, late.check());
        Kv never = new Kv().invoke(0, Fn.APPEND, "a").on("k", 0, Type.INFO, Fn.APPEND, "a").get(1, "").append(2, "b")
                .get(1, "b");
        assertEquals(CheckStatus.OK, never.check());
        // but once seen it cannot be unseen
        Kv unseen = new Kv().invoke(0, Fn.APPEND, "a").on("k", 0, Type.INFO, Fn.APPEND, "a").get(1, "a").get(1, "");
        assertEquals(CheckStatus.VIOLATION, unseen.check());
        // a failed append did not happen
        Kv failed = new Kv().invoke(0, Fn.APPEND, "a").on("k", 0, Type.FAIL, Fn.APPEND, "a").get(1, "a");
        assertEquals(CheckStatus.VIOLATION, failed.check());
    }

    @Test
    void generatedAppendHistoriesAgreeWithBruteForce() {
        SplittableRandom random = new SplittableRandom(16);
        int ok = 0;
        int bad = 0;
        for (int i = 0; i < 800; i++) {
            History generated = HistoryGenerator.keyValue(random.nextLong(), 1 + random.nextInt(8), 2, 3, 0.2);
            assertEquals(CheckStatus.OK, LinearizabilityChecker.check(generated).status(), generated.source());
            List<HistoryEvent> events = perturbed(generated.events(), random);
            History h = History.of("perturbed " + i, events);
            boolean expected = linearizable(h.operations());
            LinearizabilityChecker.Result result = LinearizabilityChecker.check(h);
            int n = i;
            assertEquals(expected ? CheckStatus.OK : CheckStatus.VIOLATION, result.status(),
                    () -> "history " + n + " disagrees with brute force:\n" + DifferentialTest.dump(events));
            if (expected) ok++;
            else bad++;
        }
        assertTrue(ok > 150 && bad > 150, ok + " linearizable, " + bad + " not: both answers must be exercised");
    }

    /** Half the time, one read returns something else: its value reordered, cut short, or another key's. */
    private static List<HistoryEvent> perturbed(List<HistoryEvent> original, SplittableRandom random) {
        List<HistoryEvent> events = new ArrayList<>(original);
        List<Integer> reads = new ArrayList<>();
        for (int e = 0; e < events.size(); e++) {
            if (events.get(e).type() == Type.OK && events.get(e).f() == Fn.READ) reads.add(e);
        }
        if (reads.isEmpty() || random.nextBoolean()) return events;
        int at = reads.get(random.nextInt(reads.size()));
        HistoryEvent r = events.get(at);
        String value = r.value() == null ? "" : (String) r.value();
        String[] parts = value.isEmpty() ? new String[0] : value.trim().split(" ");
        String other = switch (random.nextInt(3)) {
            case 0 -> parts.length > 1
                    ? parts[1] + " " + parts[0] + " " + value.substring(parts[0].length() + parts[1].length() + 2)
                    : value + "9.9 ";
            case 1 -> parts.length > 0 ? value.substring(0, value.length() - parts[parts.length - 1].length() - 1) : "0.1 ";
            default -> value + "9.9 ";
        };
        events.set(at, new HistoryEvent(r.process(), r.type(), r.f(), r.key(), other, r.time()));
        return events;
    }

    /**
     * Every total order that respects real time, with every choice of which info operations took
     * effect. As documented, a history with an append is checked in the key-value model (a key
     * never written reads "" or nil), one without against registers (it reads nil only).
     */
    private static boolean linearizable(List<ClientOp> all) {
        List<ClientOp> ops = new ArrayList<>();
        for (ClientOp op : all) {
            if (op.outcome() == Type.FAIL || (op.f() == Fn.READ && op.outcome() != Type.OK)) continue;
            ops.add(op);
        }
        boolean keyValue = all.stream().anyMatch(op -> op.f() == Fn.APPEND);
        return search(ops, new boolean[ops.size()], new HashMap<>(), keyValue);
    }

    private static boolean search(List<ClientOp> ops, boolean[] placed, Map<Object, String> store, boolean keyValue) {
        boolean done = true;
        for (int i = 0; i < ops.size(); i++) {
            if (!placed[i] && ops.get(i).outcome() == Type.OK) done = false;
        }
        if (done) return true;
        for (int i = 0; i < ops.size(); i++) {
            if (placed[i] || !minimal(ops, placed, i)) continue;
            ClientOp op = ops.get(i);
            String current = store.getOrDefault(op.key(), keyValue ? "" : null);
            Object read = keyValue && op.result() == null ? "" : op.result();
            Object after = switch (op.f()) {
                case READ -> Objects.equals(current, read) ? current : ILLEGAL;
                case WRITE -> op.argument();
                case APPEND -> current + op.argument();
                case CAS -> throw new IllegalStateException("not generated");
            };
            if (after == ILLEGAL) continue;
            placed[i] = true;
            store.put(op.key(), (String) after);
            boolean found = search(ops, placed, store, keyValue);
            store.put(op.key(), current);
            placed[i] = false;
            if (found) return true;
        }
        return false;
    }

    private static final Object ILLEGAL = new Object();

    private static boolean minimal(List<ClientOp> ops, boolean[] placed, int i) {
        for (int j = 0; j < ops.size(); j++) {
            ClientOp other = ops.get(j);
            if (!placed[j] && other.outcome() == Type.OK && other.completeEvent() < ops.get(i).invokeEvent()) return false;
        }
        return true;
    }

    @Test
    void readsPorcupineAndJepsenStyleAppendHistories() throws IOException {
        // Porcupine's kv test logs: EDN lines with get, put and append, no times
        String porcupine = """
                {:process 0, :type :invoke, :f :append, :key "0", :value "x 0 0 y"}
                {:process 1, :type :invoke, :f :get, :key "0", :value nil}
                {:process 0, :type :ok, :f :append, :key "0", :value "x 0 0 y"}
                {:process 1, :type :ok, :f :get, :key "0", :value ""}
                {:process 2, :type :invoke, :f :put, :key "1", :value "z"}
                {:process 2, :type :ok, :f :put, :key "1", :value "z"}
                """;
        History h = HistoryReader.read(new StringReader(porcupine), "kv.edn", Format.EDN);
        assertEquals(List.of(Fn.APPEND, Fn.READ, Fn.WRITE), h.operations().stream().map(ClientOp::f).toList());
        assertEquals("x 0 0 y", h.operations().get(0).argument());
        assertEquals("", h.operations().get(1).result());
        assertEquals(HistoryEvent.NO_TIME, h.operations().get(0).invokeTime());
        assertEquals(CheckStatus.OK, LinearizabilityChecker.check(h).status(), "the get overlaps the append");
        // Jepsen style: :f :append with times; written back and read again unchanged
        String jepsen = """
                {:type :invoke, :f :append, :key :x, :value "1,", :process 0, :time 10}
                {:type :ok, :f :append, :key :x, :value "1,", :process 0, :time 20}
                {:type :invoke, :f :read, :key :x, :value nil, :process 1, :time 30}
                {:type :ok, :f :read, :key :x, :value "1,", :process 1, :time 40}
                """;
        History j = HistoryReader.read(new StringReader(jepsen), "j.edn", Format.EDN);
        assertEquals("x", j.operations().get(0).key());
        assertEquals(30, j.operations().get(1).invokeTime());
        StringWriter written = new StringWriter();
        HistoryWriter.writeEdn(j.events(), written);
        assertEquals(j.events(), HistoryReader.read(new StringReader(written.toString()), "again", Format.EDN).events());
        Path file = Files.writeString(dir.resolve("j.edn"), jepsen);
        assertEquals(CheckStatus.OK, HistoryReader.check(file, LinearizabilityChecker.Bound.DEFAULT).status());
        Path stale = Files.writeString(dir.resolve("stale.edn"), jepsen.replace(":value \"1,\", :process 1", ":value \"\", :process 1"));
        LinearizabilityChecker.Result r = HistoryReader.check(stale, LinearizabilityChecker.Bound.DEFAULT);
        assertEquals(CheckStatus.VIOLATION, r.status());
        assertTrue(r.summary().contains("read -> \"\""), r.summary());
    }

    @Test
    void badAppendsNameTheFileLineFieldAndReason() throws IOException {
        BadInputException notString = assertThrows(BadInputException.class, () -> HistoryReader.read(new StringReader(
                "{:process 0, :type :invoke, :f :get, :key \"k\", :value nil}\n"
                        + "{:process 0, :type :ok, :f :get, :key \"k\", :value \"\"}\n"
                        + "{:process 0, :type :invoke, :f :append, :key \"k\", :value 7}\n"), "h.edn", Format.EDN));
        assertEquals(3, notString.line());
        assertEquals("\"value\" of an append invocation must be a string, got 7", notString.reason());
        BadInputException unknown = assertThrows(BadInputException.class, () -> HistoryReader.read(new StringReader(
                "{\"process\":0,\"type\":\"invoke\",\"f\":\"prepend\",\"key\":\"k\",\"value\":\"a\"}\n"), "h.jsonl",
                Format.JSON_LINES));
        assertEquals("\"f\" must be one of read, write, cas, append (or get, put), got \"prepend\"", unknown.reason());
        // the streaming check says the same, and pairs with line numbers too
        Path twice = Files.writeString(dir.resolve("twice.jsonl"), """
                {"process":0,"type":"invoke","f":"append","key":"k","value":"a"}

                {"process":0,"type":"invoke","f":"append","key":"k","value":"b"}
                """);
        BadInputException open = assertThrows(BadInputException.class,
                () -> HistoryReader.check(twice, LinearizabilityChecker.Bound.DEFAULT));
        assertEquals(3, open.line());
        assertEquals(twice + ":3: process 0 invokes append while its append invoked at line 1 has not completed",
                open.getMessage());
        // the command line: one line naming file, line, field and reason, exit 2
        Path bad = Files.writeString(dir.resolve("bad.edn"), "{:process 0, :type :invoke, :f :append, :key \"k\", :value [1]}\n");
        StringWriter err = new StringWriter();
        CommandLine cli = quorumlab.analysis.cli.Main.commandLine();
        cli.setErr(new java.io.PrintWriter(err));
        cli.setOut(new java.io.PrintWriter(new StringWriter()));
        assertEquals(2, cli.execute("check", "--no-pictures", bad.toString()));
        assertEquals("quorumlab: " + bad + ":1: \"value\" of an append invocation must be a string, got [1]",
                err.toString().strip());
    }
}
