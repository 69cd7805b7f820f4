package quorumlab.analysis.check;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.constraints.IntRange;
import quorumlab.analysis.check.HistoryEvent.Fn;
import quorumlab.analysis.check.HistoryEvent.Type;

/**
 * The checker splits a history by key and searches each key alone, with cuts that skip
 * configurations; a brute force searches the whole multi-key store at once, every total order that
 * respects real time. On small random histories the two must agree, both when the history is
 * linearizable and when it is not.
 */
class PerKeyDecompositionProperties {

    /** One step of a history script: the slot's process invokes, or completes what it has open. */
    record Step(int slot, Fn f, String key, long value, long other, Type outcome) {}

    @Provide
    Arbitrary<List<Step>> scripts() {
        Arbitrary<Step> step = Combinators.combine(
                Arbitraries.integers().between(0, 2),
                Arbitraries.of(Fn.READ, Fn.WRITE, Fn.CAS), // the register functions: values here are numbers
                Arbitraries.of("x", "x", "y"),
                Arbitraries.longs().between(0, 3),
                Arbitraries.longs().between(0, 3),
                Arbitraries.of(Type.OK, Type.OK, Type.OK, Type.INFO, Type.FAIL)).as(Step::new);
        return step.list().ofMinSize(4).ofMaxSize(16);
    }

    @Property(tries = 3000, seed = "20261130")
    void perKeySearchAgreesWithTheWholeStoreSearch(@ForAll("scripts") List<Step> script) {
        List<HistoryEvent> events = play(script);
        History history = History.of("script", events);
        boolean expected = DifferentialTest.BruteForce.linearizable(history.operations());
        CheckStatus status = LinearizabilityChecker.check(history).status();
        Statistics.label("verdict").collect(status);
        Statistics.label("keys").collect(Histories.byKey(history.operations()).size());
        Statistics.label("verdict").coverage(c -> {
            c.check(CheckStatus.OK).percentage(p -> p > 20);
            c.check(CheckStatus.VIOLATION).percentage(p -> p > 20);
        });
        assertEquals(expected ? CheckStatus.OK : CheckStatus.VIOLATION, status, () -> DifferentialTest.dump(events));
    }

    /**
     * Histories from a correct store, where abandoned writes may take effect later (as under
     * dueling proposers), with one read changed to another value of its key: often a planted
     * violation, sometimes still linearizable. The two searches must agree either way.
     */
    @Property(tries = 2000, seed = "20261201")
    void theTwoSearchesAgreeOnPlantedViolations(
            @ForAll long seed,
            @ForAll @IntRange(min = 2, max = 8) int operations,
            @ForAll @IntRange(min = 0, max = 6) int lateSteps,
            @ForAll @IntRange(min = 0, max = 20) int whichRead,
            @ForAll @IntRange(min = 0, max = 3) int newValue) {
        List<HistoryEvent> events = new ArrayList<>(
                HistoryGenerator.linearizable(seed, operations, 2, 3, 0.3, lateSteps).events());
        List<Integer> reads = new ArrayList<>();
        for (int e = 0; e < events.size(); e++) {
            if (events.get(e).type() == Type.OK && events.get(e).f() == Fn.READ) reads.add(e);
        }
        boolean planted = !reads.isEmpty();
        if (planted) {
            int e = reads.get(whichRead % reads.size());
            HistoryEvent r = events.get(e);
            Object value = newValue == 0 ? null : (Object) (long) newValue;
            events.set(e, new HistoryEvent(r.process(), r.type(), r.f(), r.key(), value, r.time()));
        }
        History history = History.of("planted", events);
        boolean expected = DifferentialTest.BruteForce.linearizable(history.operations());
        CheckStatus status = LinearizabilityChecker.check(history).status();
        Statistics.label("planted read, verdict").collect(planted, status);
        Statistics.label("planted read, verdict").coverage(c -> {
            c.check(true, CheckStatus.VIOLATION).percentage(p -> p > 15);
            c.check(true, CheckStatus.OK).percentage(p -> p > 15);
        });
        if (!planted) assertEquals(CheckStatus.OK, status, "a history from a correct store");
        assertEquals(expected ? CheckStatus.OK : CheckStatus.VIOLATION, status, () -> DifferentialTest.dump(events));
    }

    /**
     * Turns a script into a history: three client slots; a slot whose process is idle invokes the
     * step's operation, otherwise its operation completes with the step's outcome (a read returns
     * the step's value, 0 meaning nil). After {@code info} the slot goes on as a new process.
     * Operations still open at the end never complete.
     */
    static List<HistoryEvent> play(List<Step> script) {
        List<HistoryEvent> events = new ArrayList<>();
        HistoryEvent[] open = new HistoryEvent[3];
        long[] processOf = {0, 1, 2};
        long nextProcess = 3;
        long time = 0;
        for (Step s : script) {
            time += 10;
            HistoryEvent inv = open[s.slot()];
            if (inv == null) {
                Object value = switch (s.f()) {
                    case READ -> null;
                    case WRITE -> 1 + s.value() % 2;
                    case CAS -> Arrays.asList(s.value() == 0 ? null : (Object) s.value(), 1 + s.other() % 3);
                    case APPEND -> throw new IllegalStateException("not generated");
                };
                inv = new HistoryEvent(processOf[s.slot()], Type.INVOKE, s.f(), s.key(), value, time);
                events.add(inv);
                open[s.slot()] = inv;
            } else {
                Object value = inv.value();
                if (inv.f() == Fn.READ && s.outcome() == Type.OK) value = s.value() == 0 ? null : (Object) s.value();
                events.add(new HistoryEvent(inv.process(), s.outcome(), inv.f(), inv.key(), value, time));
                open[s.slot()] = null;
                if (s.outcome() == Type.INFO) processOf[s.slot()] = nextProcess++;
            }
        }
        return events;
    }
}
