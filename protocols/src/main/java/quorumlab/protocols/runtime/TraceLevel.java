package quorumlab.protocols.runtime;

/** How much a runtime writes to its trace. */
public enum TraceLevel {
    /** Everything in {@link #EVENTS}, plus every message sent, delivered and dropped, and every timer. */
    FULL,
    /** Protocol events, faults, and client invoke/complete: all the analysis needs. */
    EVENTS,
    /** Nothing at all (benchmarks). */
    NONE;

    boolean includesEvents() {
        return this != NONE;
    }

    boolean includesMessages() {
        return this == FULL;
    }
}
