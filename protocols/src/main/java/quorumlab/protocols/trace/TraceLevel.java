package quorumlab.protocols.trace;


/**
 * How much a runtime writes to its trace. Every level writes the meta record, faults, message counts
 * ({@code counts}, every 100 ms) and the clients' invoke/complete records, so a run at any level can
 * be analysed for latency, throughput and message cost.
 */
public enum TraceLevel {
    /** Everything in {@link #EVENTS}, plus every message sent, delivered and dropped, and every timer. */
    FULL,
    /** Everything in {@link #NONE}, plus protocol events (roles, appends, choices, commits, applies). */
    EVENTS,
    /** Meta, faults, message counts, and client invoke/complete only: no protocol events, no messages, no timers. */
    NONE;

    /** Whether protocol events are written. */
    public boolean includesEvents() {
        return this != NONE;
    }

    public boolean includesMessages() {
        return this == FULL;
    }
}
