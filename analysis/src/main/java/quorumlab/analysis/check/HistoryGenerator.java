package quorumlab.analysis.check;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import quorumlab.analysis.check.HistoryEvent.Fn;
import quorumlab.analysis.check.HistoryEvent.Type;

/**
 * Makes histories for the benchmark and the tests. {@link #linearizable} simulates clients on a
 * correct register: each operation takes effect at one instant between its invocation and its
 * completion, so the history it writes is linearizable by construction.
 */
final class HistoryGenerator {
    private HistoryGenerator() {}

    /**
     * @param operations how many operations to invoke
     * @param keys keys are "k0", "k1", ...; 0 makes a single register (no keys)
     * @param processes concurrent clients; one that gets an {@code info} reply goes on as a new process
     * @param infoRate the chance that an operation completes {@code info} (it took effect or not)
     */
    static History linearizable(long seed, int operations, int keys, int processes, double infoRate) {
        return linearizable(seed, operations, keys, processes, infoRate, 0);
    }

    /**
     * As {@link #linearizable(long, int, int, int, double)}, but a write or cas that its client
     * abandons before it took effect still takes effect later, four times in five, at most
     * {@code lateSteps} steps after the client gave up (0: never). That is what dueling proposers
     * do: a value accepted under an old ballot is chosen by the next leader long after the client
     * timed out, and later reads see it.
     */
    static History linearizable(long seed, int operations, int keys, int processes, double infoRate, int lateSteps) {
        return generate(seed, operations, keys, processes, infoRate, lateSteps, false);
    }

    /**
     * As {@link #linearizable(long, int, int, int, double)}, on Porcupine's key-value store: reads,
     * appends of a string no other operation appends ({@code "<process>.<n> "}), and now and then a
     * write of a fresh string, which starts the value over.
     */
    static History keyValue(long seed, int operations, int keys, int processes, double infoRate) {
        return generate(seed, operations, keys, processes, infoRate, 0, true);
    }

    private static History generate(long seed, int operations, int keys, int processes, double infoRate,
            int lateSteps, boolean appends) {
        SplittableRandom random = new SplittableRandom(seed);
        record Late(Fn f, Object key, Object argument, long step) {}
        List<Late> late = new ArrayList<>();
        long step = 0;
        record Pending(long process, Fn f, Object key, Object argument, boolean applied, Object result) {}
        Map<Object, Object> register = new HashMap<>();
        Map<Object, Long> nextValue = new HashMap<>();
        List<HistoryEvent> events = new ArrayList<>();
        Pending[] slots = new Pending[processes];
        long[] processOf = new long[processes];
        for (int i = 0; i < processes; i++) processOf[i] = i;
        long nextProcess = processes;
        long time = 0;
        int invoked = 0;
        int open = 0;
        while (invoked < operations || open > 0 || !late.isEmpty()) {
            time += 1 + random.nextInt(1000);
            step++;
            for (java.util.Iterator<Late> it = late.iterator(); it.hasNext(); ) {
                Late l = it.next();
                if (l.step() > step) continue;
                apply(register, l.f(), l.key(), l.argument());
                it.remove();
            }
            int s = random.nextInt(processes);
            Pending p = slots[s];
            if (p == null) {
                if (invoked == operations) continue;
                Object key = keys == 0 ? null : "k" + random.nextInt(keys);
                double dice = random.nextDouble();
                Fn f = appends ? (dice < 0.45 ? Fn.READ : dice < 0.9 ? Fn.APPEND : Fn.WRITE)
                        : (dice < 0.5 ? Fn.READ : dice < 0.85 ? Fn.WRITE : Fn.CAS);
                Object argument = null;
                if (appends && f != Fn.READ) {
                    argument = processOf[s] + "." + nextValue.merge(key == null ? "" : key, 1L, Long::sum) + " ";
                } else if (f == Fn.WRITE) {
                    argument = nextValue.merge(key == null ? "" : key, 1L, Long::sum);
                } else if (f == Fn.CAS) {
                    // mostly expect the current value, so that many succeed
                    Object expected = random.nextDouble() < 0.7 ? register.get(key)
                            : nextValue.getOrDefault(key == null ? "" : key, 0L);
                    argument = java.util.Arrays.asList(expected, nextValue.merge(key == null ? "" : key, 1L, Long::sum));
                }
                slots[s] = new Pending(processOf[s], f, key, argument, false, null);
                events.add(new HistoryEvent(processOf[s], Type.INVOKE, f, key, argument, time));
                invoked++;
                open++;
            } else if (!p.applied() && random.nextDouble() < infoRate / 2) {
                // the client gives up before the operation takes effect; it never will
                events.add(new HistoryEvent(p.process(), Type.INFO, p.f(), p.key(), p.argument(), time));
                if (lateSteps > 0 && p.f() != Fn.READ && random.nextInt(5) > 0) {
                    late.add(new Late(p.f(), p.key(), p.argument(), step + 1 + random.nextInt(lateSteps)));
                }
                processOf[s] = nextProcess++;
                slots[s] = null;
                open--;
            } else if (!p.applied()) {
                // the operation takes effect now
                Object result = p.f() == Fn.READ ? register.get(p.key()) : null;
                boolean ok = apply(register, p.f(), p.key(), p.argument());
                slots[s] = new Pending(p.process(), p.f(), p.key(), p.argument(), true, ok ? result : FAILED);
            } else {
                Type type = p.result() == FAILED ? Type.FAIL : Type.OK;
                if (random.nextDouble() < infoRate) type = Type.INFO;
                Object value = p.f() == Fn.READ && type == Type.OK ? p.result() : p.argument();
                events.add(new HistoryEvent(p.process(), type, p.f(), p.key(), value, time));
                if (type == Type.INFO) processOf[s] = nextProcess++;
                slots[s] = null;
                open--;
            }
        }
        return History.of("generated(seed " + seed + ")", events);
    }

    private static final Object FAILED = new Object();

    /** Applies a write, cas or append to the store; false when a cas finds another value. */
    private static boolean apply(Map<Object, Object> register, Fn f, Object key, Object argument) {
        switch (f) {
            case WRITE -> register.put(key, argument);
            case CAS -> {
                List<?> pair = (List<?>) argument;
                if (!java.util.Objects.equals(register.get(key), pair.get(0))) return false;
                register.put(key, pair.get(1));
            }
            case APPEND -> {
                Object current = register.get(key);
                register.put(key, (current == null ? "" : current) + (String) argument);
            }
            case READ -> { }
        }
        return true;
    }

    /**
     * The same history with one late read changed to return its key's first acknowledged write,
     * long since overwritten: a stale read somewhere in the last fifth.
     */
    static History withStaleRead(History history) {
        List<HistoryEvent> events = new ArrayList<>(history.events());
        Map<Object, Object> firstWrite = new HashMap<>();
        for (ClientOp op : history.operations()) {
            if (op.f() == Fn.WRITE && op.outcome() == Type.OK) firstWrite.putIfAbsent(op.key(), op.argument());
        }
        for (int i = events.size() * 4 / 5; i < events.size(); i++) {
            HistoryEvent e = events.get(i);
            Object stale = firstWrite.get(e.key());
            if (e.type() == Type.OK && e.f() == Fn.READ && stale != null && !stale.equals(e.value())) {
                events.set(i, new HistoryEvent(e.process(), e.type(), e.f(), e.key(), stale, e.time()));
                return History.of(history.source() + " with a stale read", events);
            }
        }
        throw new IllegalArgumentException("no read to make stale in " + history.source());
    }

    /**
     * A history whose search must try every subset of {@code writers} concurrent writes: they are
     * all in flight while one process reads 1, then 2, then 1 again, which no order allows since
     * each value is written once. Every other value is read once, by a read in flight with the
     * writes, so no write can be told apart from the others by nobody observing it (the search
     * collapses such writes): exponential for any search without a smarter argument.
     */
    static History pathological(int writers) {
        Hist h = new Hist();
        for (long w = 1; w <= writers; w++) h.add(w, Type.INVOKE, Fn.WRITE, w);
        for (long w = 3; w <= writers; w++) h.add(writers + w, Type.INVOKE, Fn.READ, null);
        h.add(0, Type.INVOKE, Fn.READ, null).add(0, Type.OK, Fn.READ, 1L);
        h.add(0, Type.INVOKE, Fn.READ, null).add(0, Type.OK, Fn.READ, 2L);
        h.add(0, Type.INVOKE, Fn.READ, null).add(0, Type.OK, Fn.READ, 1L);
        for (long w = 3; w <= writers; w++) h.add(writers + w, Type.OK, Fn.READ, w);
        for (long w = 1; w <= writers; w++) h.add(w, Type.OK, Fn.WRITE, w);
        return History.of("pathological(" + writers + " writers)", h.events);
    }

    private static final class Hist {
        final List<HistoryEvent> events = new ArrayList<>();

        Hist add(long process, Type type, Fn f, Object value) {
            events.add(new HistoryEvent(process, type, f, null, value, 1000L * (events.size() + 1)));
            return this;
        }
    }
}
