package quorumlab.analysis.check;

import java.util.List;
import quorumlab.analysis.check.HistoryEvent.Fn;
import quorumlab.analysis.check.HistoryEvent.Type;

/**
 * One operation of a history: an invocation paired with its completion. The arguments are the
 * invocation's ({@code argument}: a write's value, a cas's {@code [from, to]}); {@code result} is
 * what an {@code ok} read returned. An operation that never completed has {@code outcome} INFO and
 * {@code completeEvent} -1: like an {@code info} one, it may take effect at any instant after its
 * invocation, or never.
 *
 * <p>{@code invokeEvent} and {@code completeEvent} are positions in the history, which is in
 * real-time order; the times are for people and pictures.
 */
public record ClientOp(
        int index,
        long process,
        Fn f,
        Object key,
        Object argument,
        Type outcome,
        Object result,
        int invokeEvent,
        int completeEvent,
        long invokeTime,
        long completeTime) {

    public boolean completed() {
        return completeEvent >= 0;
    }

    /** The value a write or cas puts in the register, the string an append adds (null for a read). */
    public Object written() {
        return switch (f) {
            case WRITE, APPEND -> argument;
            case CAS -> ((List<?>) argument).get(1);
            case READ -> null;
        };
    }

    /** The value a cas expects (null for reads and writes). */
    public Object expected() {
        return f == Fn.CAS ? ((List<?>) argument).get(0) : null;
    }

    /** Reads as in a counterexample: {@code process 3 read k1 -> 5 (ok)}. */
    public String describe() {
        return describe(true);
    }

    /** As {@link #describe()}, naming the key only when {@code withKey}. */
    public String describe(boolean withKey) {
        String keyPart = withKey ? keyPart() : "";
        String what = switch (f) {
            case READ -> "read" + keyPart + (outcome == Type.OK ? " -> " + Values.show(result) : "");
            case WRITE -> "write" + keyPart + " " + Values.show(argument);
            case CAS -> "cas" + keyPart + " " + Values.show(expected()) + " -> " + Values.show(written());
            case APPEND -> "append" + keyPart + " " + Values.show(argument);
        };
        String how = completed() ? outcome.label() : "never completed";
        return "process " + process + " " + what + " (" + how + ")";
    }

    private String keyPart() {
        return key != null ? " " + Values.show(key) : "";
    }
}
