package quorumlab.workload;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import quorumlab.protocols.NodeId;

/**
 * The fault windows open now, oldest first: what {@link FaultInjector} composes the network and the
 * nodes from. A window belongs to one kind of effect ({@link #CUT}, a network parameter, or a node
 * fault on one node); a window's end closes that window only, and the injector then recomputes its
 * kind from the windows still open (docs/scenario-format.md, "Windows that overlap").
 */
final class FaultWindows {
    /** Partitions, isolations and one-way cuts: their union blocks links. */
    static final String CUT = "cut";
    static final String LOSS = "loss";
    static final String DUPLICATE = "duplicate";
    static final String REORDER = "reorder";
    /** {@code delay} and {@code latency-matrix} windows: both set the delays of links. */
    static final String DELAYS = "delays";
    static final String CRASH = "crash";
    static final String PAUSE = "pause";
    static final String DRIFT = "drift";

    /** One fault window: {@code what} it does, from {@code from} to {@code until} ({@code -1}: until undone). */
    static final class Window {
        final String kind;
        final NodeId node;
        final Scenario.Fault fault;
        final String what;
        final long from;
        final long until;
        /** The nodes its opening record named, so its end record can name the same. */
        List<NodeId> recordedNodes = List.of();

        private Window(String kind, NodeId node, Scenario.Fault fault, String what, long from, long until) {
            this.kind = kind;
            this.node = node;
            this.fault = fault;
            this.what = what;
            this.from = from;
            this.until = until;
        }

        boolean ends() {
            return until >= 0;
        }

        /** For example {@code 50% loss (window 200ms-800ms)}. */
        String describe() {
            return what + (ends() ? " (window " + ms(from) + "-" + ms(until) + ")" : " (since " + ms(from) + ")");
        }
    }

    private final List<Window> open = new ArrayList<>();

    /** Opens a window at {@code now}; {@code duration} 0 means it lasts until the timeline undoes it. */
    Window open(String kind, NodeId node, Scenario.Fault fault, String what, long now, long duration) {
        Window w = new Window(kind, node, fault, what, now, duration > 0 ? now + duration : -1);
        open.add(w);
        return w;
    }

    /** Closes {@code w}; false if it was closed already (a timeline entry undid it early). */
    boolean close(Window w) {
        return open.remove(w);
    }

    /** Closes every open window of {@code kind} on {@code node} (null: network windows), and returns them. */
    List<Window> closeAll(String kind, NodeId node) {
        List<Window> closed = of(kind, node);
        open.removeAll(closed);
        return closed;
    }

    /** The open windows of {@code kind} on {@code node} (null: network windows), oldest first. */
    List<Window> of(String kind, NodeId node) {
        return open.stream().filter(w -> w.kind.equals(kind) && Objects.equals(w.node, node)).toList();
    }

    /** The most recently opened window of {@code kind} on {@code node} that is still open. */
    Optional<Window> latest(String kind, NodeId node) {
        List<Window> of = of(kind, node);
        return of.isEmpty() ? Optional.empty() : Optional.of(of.get(of.size() - 1));
    }

    /** The windows described, joined with commas. */
    static String describe(List<Window> windows) {
        return windows.stream().map(Window::describe).collect(Collectors.joining(", "));
    }

    /** A probability as a percentage: 0.5 is {@code 50%}, 0.125 is {@code 12.5%}. */
    static String percent(double p) {
        return BigDecimal.valueOf(p).movePointRight(2).stripTrailingZeros().toPlainString() + "%";
    }

    /** An instant in whole milliseconds (real time in Pekko is not a whole number of them). */
    static String ms(long nanos) {
        return Math.round(nanos / 1e6) + "ms";
    }
}
