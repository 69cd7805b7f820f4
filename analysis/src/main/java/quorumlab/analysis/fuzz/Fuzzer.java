package quorumlab.analysis.fuzz;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import quorumlab.protocols.Protocol;
import quorumlab.workload.Scenario;

/**
 * Runs randomized schedules against one protocol, in parallel, and shrinks the first failure of
 * each check. Schedule {@code i} takes option combination {@code i} of the protocol's
 * {@link OptionSpace} (so as many schedules as combinations cover them all) and a seed mixed from
 * the fuzzer's seed and {@code i}, which also seeds the simulation.
 */
public final class Fuzzer {
    /**
     * What to run.
     *
     * @param timeBudgetNanos no schedule starts after this much wall time (0: no limit)
     * @param excludedKinds fault kinds not drawn
     * @param allowed option combinations run (others skipped)
     * @param out where shrunk counterexamples are written (null: not written)
     */
    public record Settings(int schedules, long seed, long timeBudgetNanos, int threads, Shape shape,
            Set<String> excludedKinds, Predicate<Map<String, Object>> allowed, boolean shrink, Path out) {
        public static Settings of(int schedules, long seed) {
            return new Settings(schedules, seed, 0, Runtime.getRuntime().availableProcessors(),
                    Shape.COMMAND, Set.of(), options -> true, true, null);
        }

        Settings with(Shape s, Set<String> excluded, Predicate<Map<String, Object>> a) {
            return new Settings(schedules, seed, timeBudgetNanos, threads, s, excluded, a, shrink, out);
        }
    }

    /** Told as schedules finish; called from worker threads. */
    public interface Listener {
        void progress(String protocol, int done, int total, int failures);

        Listener NONE = (protocol, done, total, failures) -> {};
    }

    /** One failing schedule, and what it shrank to. */
    public record Failure(String protocol, long seed, Judge.Finding finding, Schedule schedule, Schedule shrunk,
            Judge.Finding shrunkFinding, int shrinkRuns, Path file, String replay) {}

    /**
     * What a fuzz run covered and found.
     *
     * @param faultKinds how many schedules had each fault kind
     * @param membershipSchedules how many schedules changed the membership (an add, remove or replace)
     * @param unknown schedules whose linearizability check came back undecided
     */
    public record Report(String protocol, int schedulesRun, int schedulesAsked, int combinationsRun,
            int combinationsTotal, Map<String, Integer> faultKinds, int membershipSchedules, List<Failure> failures, int failingSchedules,
            int unknown, long events, long virtualNanos, double wallSeconds) {
        /** The exit status this report calls for: 0, 1 (safety), 4 (liveness or cost), 3 (only undecided checks). */
        public int exitCode() {
            int code = 0;
            for (Failure f : failures) code = worse(code, f.finding().kind().exit);
            if (code == 0 && unknown > 0) code = Judge.Kind.UNKNOWN.exit;
            return code;
        }

        /** The more serious of two exit statuses: 1 over 4 over 3 over 0. */
        public static int worse(int a, int b) {
            if (a == 1 || b == 1) return 1;
            if (a == 4 || b == 4) return 4;
            return Math.max(a, b);
        }
    }

    private final Protocol protocol;
    private final Settings settings;
    private final OptionSpace space;
    private final ScheduleGenerator generator;

    public Fuzzer(Protocol protocol, Settings settings) {
        this.protocol = protocol;
        this.settings = settings;
        this.space = OptionSpace.of(protocol, settings.allowed());
        this.generator = new ScheduleGenerator(settings.shape(), settings.excludedKinds(), protocol.supportsMembershipChange());
        if (space.size() == 0) throw new IllegalArgumentException("no option combination of " + protocol.name() + " is allowed");
    }

    /** The fault kinds this fuzz run draws. */
    Set<String> kinds() {
        return generator.kinds();
    }

    int combinations() {
        return space.size();
    }

    /** Schedule {@code i} of this fuzz run, with its seed. */
    record Case(int index, long seed, int combination, Schedule schedule) {}

    Case schedule(int i) {
        long seed = mix(settings.seed(), i);
        int combination = Math.floorMod(i, space.size());
        return new Case(i, seed, combination, generator.generate(protocol.name(), space.values(combination), seed));
    }

    public Report run(Listener listener) {
        long start = System.nanoTime();
        long deadline = settings.timeBudgetNanos() > 0 ? start + settings.timeBudgetNanos() : Long.MAX_VALUE;
        int total = settings.schedules();
        AtomicInteger done = new AtomicInteger();
        AtomicInteger failing = new AtomicInteger();
        AtomicInteger unknown = new AtomicInteger();
        AtomicInteger membership = new AtomicInteger();
        AtomicLong events = new AtomicLong();
        AtomicLong virtual = new AtomicLong();
        Set<Integer> combos = ConcurrentHashMap.newKeySet();
        Map<String, Integer> kinds = new ConcurrentHashMap<>();
        // The first failing case of each check, by schedule index, so the result does not depend on thread timing.
        Map<String, Case> firstFailure = new ConcurrentHashMap<>();
        Map<String, Judge.Finding> firstFinding = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, settings.threads()));
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < total; i++) {
                int index = i;
                futures.add(pool.submit(() -> {
                    if (System.nanoTime() > deadline) return;
                    Case c = schedule(index);
                    Judge.Outcome outcome = Judge.judge(c.schedule(), protocol, c.seed());
                    combos.add(c.combination());
                    Set<String> drawn = kindsOf(c.schedule());
                    for (String kind : drawn) kinds.merge(kind, 1, Integer::sum);
                    if (drawn.stream().anyMatch(ScheduleGenerator.MEMBERSHIP::contains)) membership.incrementAndGet();
                    events.addAndGet(outcome.events());
                    virtual.addAndGet(outcome.virtualNanos());
                    if (outcome.failed()) {
                        failing.incrementAndGet();
                        Judge.Finding f = outcome.first();
                        synchronized (firstFailure) {
                            Case before = firstFailure.get(f.check());
                            if (before == null || before.index() > index) {
                                firstFailure.put(f.check(), c);
                                firstFinding.put(f.check(), f);
                            }
                        }
                    } else if (!outcome.findings().isEmpty()) {
                        unknown.incrementAndGet();
                    }
                    listener.progress(protocol.name(), done.incrementAndGet(), total, failing.get());
                }));
            }
            for (Future<?> f : futures) f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
            try {
                pool.awaitTermination(1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        List<Failure> failures = new ArrayList<>();
        List<String> checks = new ArrayList<>(firstFailure.keySet());
        Collections.sort(checks);
        for (String check : checks) {
            Case c = firstFailure.get(check);
            Judge.Finding finding = firstFinding.get(check);
            failures.add(settings.shrink() ? Shrinker.shrinkAndWrite(protocol, c, finding, settings.out())
                    : new Failure(protocol.name(), c.seed(), finding, c.schedule(), c.schedule(), finding, 0, null, null));
        }
        return new Report(protocol.name(), done.get(), total, combos.size(), space.size(), new TreeMap<>(kinds), membership.get(), failures,
                failing.get(), unknown.get(), events.get(), virtual.get(), (System.nanoTime() - start) / 1e9);
    }

    /** The fault kinds in a schedule: the scenario's fault types, and {@code crash-all} for a whole-cluster crash. */
    static Set<String> kindsOf(Schedule schedule) {
        Set<String> kinds = new java.util.TreeSet<>();
        int nodes = schedule.base().nodeCount();
        for (List<Scenario.Fault> g : schedule.groups()) {
            long crashes = g.stream().filter(f -> f.type().equals("crash")).count();
            if (crashes == nodes && nodes > 1) kinds.add("crash-all");
            for (Scenario.Fault f : g) kinds.add(f.type());
        }
        return kinds;
    }

    static long mix(long seed, long i) {
        long z = seed * 0x9E3779B97F4A7C15L + i + 1;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return (z ^ (z >>> 31)) & Long.MAX_VALUE;
    }
}
