package quorumlab.analysis.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import quorumlab.analysis.check.HistoryEvent.Fn;
import quorumlab.analysis.check.HistoryEvent.Type;

/** The hand-made histories of issue 7, each with a known answer. */
class LinearizabilityCheckerTest {

    @Test
    void sequentialWritesAndReadsAreLinearizable() {
        var result = Hist.register().write(0, 1L).read(1, 1L).write(0, 2L).read(1, 2L).check();
        assertEquals(CheckStatus.OK, result.status());
        assertTrue(result.counterexamples().isEmpty());
    }

    @Test
    void readOfTheInitialNilIsLinearizable() {
        assertEquals(CheckStatus.OK, Hist.register().read(0, null).write(1, 1L).check().status());
    }

    @Test
    void classicStaleReadIsAViolation() {
        // 1 is written, then 2 is written and acknowledged; a read that starts afterwards sees 1.
        var result = Hist.register().write(0, 1L).write(0, 2L).read(1, 1L).check();
        assertEquals(CheckStatus.VIOLATION, result.status());
        Counterexample c = result.counterexamples().get(0);
        assertEquals(Fn.READ, c.failing().f());
        assertEquals(1L, c.failing().result());
        // the window holds the write that makes 1 stale, and the stale read
        assertTrue(c.window().stream().anyMatch(op -> op.f() == Fn.WRITE && op.argument().equals(2L)), c.window().toString());
        assertTrue(c.window().contains(c.failing()));
        // everything before the stale read's completion, both writes, is linearizable
        assertEquals(2, c.linearizablePrefix().size());
    }

    @Test
    void aReadConcurrentWithTheSecondWriteMaySeeTheFirst() {
        var result = Hist.register().write(0, 1L).invokeWrite(0, 2L).invokeRead(1).okRead(1, 1L).okWrite(0, 2L)
                .check();
        assertEquals(CheckStatus.OK, result.status());
    }

    @Test
    void lostUpdateIsAViolation() {
        // Both processes read 0 and both cas 0 -> their own value successfully: one update is lost.
        var result = Hist.register().write(0, 0L)
                .invokeRead(1).invokeRead(2).okRead(1, 0L).okRead(2, 0L)
                .invokeCas(1, 0L, 1L).invokeCas(2, 0L, 2L).okCas(1, 0L, 1L).okCas(2, 0L, 2L)
                .check();
        assertEquals(CheckStatus.VIOLATION, result.status());
        assertEquals(Fn.CAS, result.counterexamples().get(0).failing().f());
    }

    @Test
    void concurrentCasWhereOneFailsIsLinearizable() {
        var result = Hist.register().write(0, 0L)
                .invokeCas(1, 0L, 1L).invokeCas(2, 0L, 2L).okCas(1, 0L, 1L)
                .complete(2, Type.FAIL, Fn.CAS, List.of(0L, 2L)).read(3, 1L)
                .check();
        assertEquals(CheckStatus.OK, result.status());
    }

    @Test
    void casSucceedingOnAValueNoOneWroteIsAViolation() {
        var result = Hist.register().write(0, 1L).invokeCas(1, 7L, 8L).okCas(1, 7L, 8L).check();
        assertEquals(CheckStatus.VIOLATION, result.status());
        Counterexample c = result.counterexamples().get(0);
        assertEquals(Fn.CAS, c.failing().f());
        assertEquals(1, c.linearizablePrefix().size());
    }

    @Test
    void readOfAValueBeforeItsWriteWasInvokedIsAViolation() {
        var result = Hist.register().read(1, 5L).write(0, 5L).check();
        assertEquals(CheckStatus.VIOLATION, result.status());
        Counterexample c = result.counterexamples().get(0);
        assertEquals(Fn.READ, c.failing().f());
        assertEquals(List.of(c.failing()), c.window(), "the read alone proves it: nothing wrote 5 before it");
    }

    @Test
    void linearizableOnlyIfTheInfoWriteTookEffect() {
        // The write of 1 timed out (info); a later read sees 1, so it must have taken effect.
        Hist h = Hist.register().write(0, 0L).invokeWrite(1, 1L).infoWrite(1, 1L).read(2, 1L);
        assertEquals(CheckStatus.OK, h.check().status());
        // The same history with the write known to have failed cannot be explained.
        Hist failed = Hist.register().write(0, 0L).invokeWrite(1, 1L).failWrite(1, 1L).read(2, 1L);
        assertEquals(CheckStatus.VIOLATION, failed.check().status());
    }

    @Test
    void linearizableOnlyIfTheInfoWriteDidNotTakeEffect() {
        // The write of 2 timed out; afterwards a cas expecting 1 succeeds and a read sees its 3.
        // Had the write of 2 taken effect before the cas, the cas would have failed; after it, the
        // read would have seen 2. So it never took effect.
        Hist h = Hist.register().write(0, 1L).invokeWrite(1, 2L).infoWrite(1, 2L)
                .invokeCas(2, 1L, 3L).okCas(2, 1L, 3L).read(3, 3L);
        assertEquals(CheckStatus.OK, h.check().status());
        // Had it completed ok, it must have taken effect, and the history is not linearizable.
        Hist acknowledged = Hist.register().write(0, 1L).write(1, 2L)
                .invokeCas(2, 1L, 3L).okCas(2, 1L, 3L).read(3, 3L);
        assertEquals(CheckStatus.VIOLATION, acknowledged.check().status());
    }

    @Test
    void aWriteThatNeverCompletedMayStillExplainALaterRead() {
        Hist h = Hist.register().write(0, 0L).invokeWrite(1, 1L).read(2, 0L).read(2, 1L).read(2, 1L);
        assertEquals(CheckStatus.OK, h.check().status());
        // but a value cannot come back after a later write replaced it
        Hist back = Hist.register().write(0, 0L).invokeWrite(1, 1L).read(2, 1L).write(0, 2L).read(2, 1L);
        assertEquals(CheckStatus.VIOLATION, back.check().status());
    }

    @Test
    void keysAreCheckedSeparatelyAndTheViolationNamesItsKey() {
        List<HistoryEvent> events = new ArrayList<>();
        events.addAll(Hist.onKey("a").write(0, 1L).read(1, 1L).events());
        events.addAll(Hist.onKey("b").write(2, 1L).write(2, 2L).read(3, 1L).events());
        var result = LinearizabilityChecker.check(History.of("two keys", events));
        assertEquals(CheckStatus.VIOLATION, result.status());
        assertEquals(2, result.keys());
        assertEquals(1, result.counterexamples().size());
        assertEquals("b", result.counterexamples().get(0).key());
        assertTrue(result.summary().contains("key \"b\""), result.summary());
    }

    @Test
    void theWindowStartsAtTheLatestQuiescentCut() {
        // A long linearizable stretch, then a stale read: the window should not reach back to the start.
        Hist h = Hist.register();
        for (long v = 1; v <= 50; v++) h.write(0, v).read(1, v);
        h.write(0, 51L).read(1, 50L);
        var result = h.check();
        assertEquals(CheckStatus.VIOLATION, result.status());
        Counterexample c = result.counterexamples().get(0);
        assertTrue(c.window().size() <= 3, "window " + c.window());
        assertTrue(c.windowFromState());
        assertEquals(101, c.linearizablePrefix().size());
    }

    @Test
    void aSearchThatReachesItsBoundIsUnknownNeverOk() {
        var result = LinearizabilityChecker.check(HistoryGenerator.pathological(24).operations(),
                new LinearizabilityChecker.Bound(2_000, Duration.ofSeconds(30)));
        assertEquals(CheckStatus.UNKNOWN, result.status());
        assertFalse(result.undecidedKeys().isEmpty());
        assertTrue(result.summary().startsWith("undecided"), result.summary());
    }

    @Test
    void thePathologicalHistoryIsDecidedWhenSmallEnough() {
        // The same construction with few writers is small enough to search to the end: it is not linearizable.
        var result = LinearizabilityChecker.check(HistoryGenerator.pathological(6));
        assertEquals(CheckStatus.VIOLATION, result.status());
    }

    @Test
    void historiesFromACorrectRegisterAreAlwaysLinearizable() {
        // larger than the brute force can handle: many processes, info and fail outcomes, one or more keys
        for (long seed = 1; seed <= 40; seed++) {
            History h = HistoryGenerator.linearizable(seed, 400, (int) (seed % 4), 12, 0.15);
            var result = LinearizabilityChecker.check(h);
            assertEquals(CheckStatus.OK, result.status(), "seed " + seed + ": " + result.summary());
        }
    }

    @Test
    void aStaleReadHiddenInALongHistoryIsFoundWithASmallWindow() {
        History h = HistoryGenerator.withStaleRead(HistoryGenerator.linearizable(5, 3_000, 5, 16, 0.02));
        var result = LinearizabilityChecker.check(h);
        assertEquals(CheckStatus.VIOLATION, result.status());
        Counterexample c = result.counterexamples().get(0);
        assertEquals(Fn.READ, c.failing().f());
        assertTrue(c.window().size() < 20, "window of " + c.window().size() + ": " + c.window());
        assertTrue(c.linearizablePrefix().size() > 100, "prefix " + c.linearizablePrefix().size());
    }
}
