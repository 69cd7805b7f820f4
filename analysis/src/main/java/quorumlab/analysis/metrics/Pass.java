package quorumlab.analysis.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import quorumlab.protocols.trace.TraceRecord;

/**
 * One pass over a trace: every record goes, in file order, to each concern (the timeline, the
 * clients, leadership, ordering, cost), which keeps only what is still open; {@link #finish} turns
 * their state into a {@link RunMetrics}.
 *
 * <p>Two things are known only late. The measurement window starts at the first committed reply
 * (or the workload's warm-up, if later): records before it are held and released, in order, once
 * it comes; that is the start-up election, a short stretch. The outage threshold is known only
 * at the end (it rests on medians of the whole window): the clients keep the spells between
 * commits that may exceed it. When either would need more than bounded memory (no client served
 * for {@link #HOLD_LIMIT} records; a trace without the window's end in its meta record; a
 * threshold lower than the spells already let go) the pass returns what it learned as
 * {@link Hints}, and the next pass, knowing it, decides exactly.
 */
final class Pass implements Consumer<TraceRecord> {
    static final int HOLD_LIMIT = 200_000;

    /** What an earlier pass learned: the phases (null: unknown) and the outage threshold in ns (-1: unknown). */
    record Hints(Phases phases, long outageThreshold) {
        static final Hints NONE = new Hints(null, -1);
    }

    private final Hints given;
    private final Phases.Finder finder = new Phases.Finder();
    private final RunMetrics m = new RunMetrics();
    private List<TraceRecord> held = new ArrayList<>();
    private boolean gaveUp;
    private Hints learned;
    private Timeline timeline;
    private ClientSide clients;
    private Leadership leadership;
    private Ordering ordering;
    private Cost cost;
    private Membership membership;

    Pass(Hints given) {
        this.given = given;
        if (given.phases() != null) begin(given.phases());
    }

    @Override
    public void accept(TraceRecord r) {
        finder.accept(r);
        if (timeline != null) {
            feed(r);
            return;
        }
        if (gaveUp) return;
        held.add(r);
        if (finder.decided()) {
            begin(finder.phases());
            release();
        } else if (held.size() > HOLD_LIMIT) {
            gaveUp = true;
            held = null;
        }
    }

    private void begin(Phases phases) {
        m.phases = phases;
        m.latencyOverTime.window(RunMetrics.ms(phases.windowStart()), RunMetrics.ms(phases.windowEnd()));
        timeline = new Timeline();
        clients = new ClientSide(m, timeline, given.outageThreshold());
        leadership = new Leadership(m, timeline, clients);
        ordering = new Ordering(m, timeline);
        cost = new Cost(m, timeline);
        membership = new Membership(m);
    }

    private void release() {
        List<TraceRecord> h = held;
        held = null;
        h.forEach(this::feed);
    }

    private void feed(TraceRecord r) {
        clients.before(r.t());
        timeline.accept(r);
        clients.accept(r);
        leadership.accept(r);
        ordering.accept(r);
        cost.accept(r);
        membership.accept(r);
    }

    /** The metrics, or null when another pass must run with {@link #hints()}. */
    RunMetrics finish() {
        if (timeline == null) {
            if (gaveUp) {
                learned = new Hints(finder.phases(), -1);
                return null;
            }
            begin(finder.phases());
            release();
        }
        m.phases = m.phases.withTraceEnd(finder.traceEnd());
        timeline.finish(m.phases.traceEnd());
        long threshold = clients.finish();
        if (threshold >= 0) {
            learned = new Hints(m.phases, threshold);
            return null;
        }
        leadership.finish();
        ordering.finish();
        cost.finish();
        membership.finish();
        m.faultWindows.addAll(timeline.windows());
        return m;
    }

    Hints hints() {
        return learned;
    }
}
