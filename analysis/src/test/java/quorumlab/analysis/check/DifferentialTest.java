package quorumlab.analysis.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import quorumlab.analysis.check.HistoryEvent.Fn;
import quorumlab.analysis.check.HistoryEvent.Type;

/**
 * Thousands of small random histories (at most 8 operations, 3 processes, 2 keys), each checked by
 * the checker and by a brute force over every total order: the two must always agree.
 */
class DifferentialTest {
    private static final int HISTORIES = 9_000;

    @org.junit.jupiter.api.BeforeAll
    static void verifyTheSearchAtEveryStep() {
        RegisterSearch.verifyEveryStep = true;
    }

    @org.junit.jupiter.api.AfterAll
    static void stopVerifying() {
        RegisterSearch.verifyEveryStep = false;
    }

    @Test
    void checkerAgreesWithBruteForceOnRandomHistories() {
        SplittableRandom random = new SplittableRandom(20240607L);
        int linearizable = 0;
        int violations = 0;
        for (int n = 0; n < HISTORIES; n++) {
            final int i = n;
            List<HistoryEvent> events = switch (i % 3) {
                case 0 -> randomHistory(random, 1.0 / 3, 1.0 / 3, 0.7, 0.2);
                case 1 -> perturbed(random, i);
                // mostly cas, many info: pending writes that die and revive as the search backtracks
                default -> randomHistory(random, 0.3, 0.2, 0.45, 0.4);
            };
            History history = History.of("random " + i, events);
            boolean expected = BruteForce.linearizable(history.operations());
            LinearizabilityChecker.Result result = LinearizabilityChecker.check(history);
            CheckStatus want = expected ? CheckStatus.OK : CheckStatus.VIOLATION;
            assertEquals(want, result.status(), () -> "history " + i + " disagrees with brute force:\n" + dump(events));
            if (expected) {
                linearizable++;
            } else {
                violations++;
                // every counterexample window must itself be non-linearizable from its start
                Counterexample c = result.counterexamples().get(0);
                assertTrue(c.window().contains(c.failing()), () -> dump(events));
            }
        }
        // the generators must exercise both answers, or the agreement means little
        assertTrue(linearizable > HISTORIES / 6, "only " + linearizable + " linearizable histories");
        assertTrue(violations > HISTORIES / 6, "only " + violations + " violations");
    }

    /**
     * Random operations with random outcomes and plausible values: often not linearizable.
     *
     * @param reads the share of reads, {@code writes} of writes, the rest cas
     * @param ok the share of ok completions, {@code info} of info ones, the rest fail
     */
    static List<HistoryEvent> randomHistory(SplittableRandom random, double reads, double writes, double ok, double info) {
        int operations = 1 + random.nextInt(8);
        List<HistoryEvent> events = new ArrayList<>();
        Map<Long, HistoryEvent> open = new HashMap<>();
        long[] processOf = {0, 1, 2};
        long nextProcess = 3;
        int invoked = 0;
        long time = 0;
        while (invoked < operations || (!open.isEmpty() && random.nextInt(6) > 0)) {
            time += 10;
            int slot = random.nextInt(3);
            long process = processOf[slot];
            HistoryEvent inv = open.get(process);
            if (inv == null) {
                if (invoked == operations) continue;
                String key = random.nextBoolean() ? "x" : "y";
                double dice = random.nextDouble();
                Fn f = dice < reads ? Fn.READ : dice < reads + writes ? Fn.WRITE : Fn.CAS;
                Object value = switch (f) {
                    case READ -> null;
                    case WRITE -> (long) random.nextInt(4);
                    case CAS -> Arrays.asList(random.nextInt(3) == 0 ? null : (Object) (long) random.nextInt(4),
                            (long) random.nextInt(4));
                    case APPEND -> throw new IllegalStateException("not generated");
                };
                inv = new HistoryEvent(process, Type.INVOKE, f, key, value, time);
                events.add(inv);
                open.put(process, inv);
                invoked++;
            } else {
                double dice = random.nextDouble();
                Type type = dice < ok ? Type.OK : dice < ok + info ? Type.INFO : Type.FAIL;
                Object value = inv.value();
                if (inv.f() == Fn.READ && type == Type.OK) {
                    value = random.nextInt(4) == 0 ? null : (Object) (long) random.nextInt(4);
                }
                events.add(new HistoryEvent(process, type, inv.f(), inv.key(), value, time));
                open.remove(process);
                if (type == Type.INFO) processOf[slot] = nextProcess++;
            }
        }
        return events;
    }

    /** A linearizable history from the simulated register, with one read's value changed half the time. */
    static List<HistoryEvent> perturbed(SplittableRandom random, int i) {
        int operations = 1 + random.nextInt(8);
        List<HistoryEvent> events = new ArrayList<>(
                HistoryGenerator.linearizable(random.nextLong(), operations, 2, 3, 0.2).events());
        if (random.nextBoolean()) {
            List<Integer> reads = new ArrayList<>();
            for (int e = 0; e < events.size(); e++) {
                if (events.get(e).type() == Type.OK && events.get(e).f() == Fn.READ) reads.add(e);
            }
            if (!reads.isEmpty()) {
                int e = reads.get(random.nextInt(reads.size()));
                HistoryEvent r = events.get(e);
                Object other = random.nextInt(3) == 0 ? null : (Object) (long) (1 + random.nextInt(3));
                events.set(e, new HistoryEvent(r.process(), r.type(), r.f(), r.key(), other, r.time()));
            }
        }
        return events;
    }

    static String dump(List<HistoryEvent> events) {
        StringBuilder b = new StringBuilder();
        for (HistoryEvent e : events) b.append(e).append('\n');
        return b.toString();
    }

    /**
     * Tries every total order of the operations that respects real time, with every choice of
     * which pending operations took effect, on the whole multi-key store at once.
     */
    static final class BruteForce {
        static boolean linearizable(List<ClientOp> all) {
            List<ClientOp> ops = new ArrayList<>();
            for (ClientOp op : all) {
                if (op.outcome() == Type.FAIL) continue;
                if (op.f() == Fn.READ && op.outcome() != Type.OK) continue;
                ops.add(op);
            }
            return search(ops, new boolean[ops.size()], new HashMap<>());
        }

        private static boolean search(List<ClientOp> ops, boolean[] placed, Map<Object, Object> store) {
            boolean allRequired = true;
            for (int i = 0; i < ops.size(); i++) {
                if (!placed[i] && ops.get(i).outcome() == Type.OK) allRequired = false;
            }
            if (allRequired) return true;
            for (int i = 0; i < ops.size(); i++) {
                if (placed[i] || !minimal(ops, placed, i)) continue;
                ClientOp op = ops.get(i);
                Object key = op.key();
                Object current = store.get(key);
                Object after;
                switch (op.f()) {
                    case READ -> {
                        if (!Objects.equals(current, op.result())) continue;
                        after = current;
                    }
                    case WRITE -> after = op.argument();
                    default -> {
                        if (!Objects.equals(current, op.expected())) continue;
                        after = op.written();
                    }
                }
                placed[i] = true;
                store.put(key, after);
                boolean found = search(ops, placed, store);
                store.put(key, current);
                placed[i] = false;
                if (found) return true;
            }
            return false;
        }

        /** No operation still unplaced completed before {@code i} was invoked. */
        private static boolean minimal(List<ClientOp> ops, boolean[] placed, int i) {
            for (int j = 0; j < ops.size(); j++) {
                ClientOp other = ops.get(j);
                if (!placed[j] && other.outcome() == Type.OK && other.completeEvent() < ops.get(i).invokeEvent()) {
                    return false;
                }
            }
            return true;
        }
    }
}
