package quorumlab.analysis.fuzz;

/**
 * How big the fuzzer's schedules are.
 *
 * @param maxFaults the most fault groups in one schedule (at least one)
 * @param faultPhaseMs faults start within this much of the beginning
 * @param maxWindowMs the longest a fault lasts
 * @param maxClients the most closed-loop clients
 */
public record Shape(int maxFaults, long faultPhaseMs, long maxWindowMs, int maxClients) {
    /** What {@code quorumlab fuzz} draws. */
    public static final Shape COMMAND = new Shape(6, 1200, 600, 3);
    /** Shorter schedules, for the test suite. */
    public static final Shape SHORT = new Shape(4, 600, 300, 2);

    public Shape {
        if (maxFaults < 1 || faultPhaseMs < 1 || maxWindowMs < 1 || maxClients < 1) {
            throw new IllegalArgumentException("a schedule shape needs at least one fault, client and millisecond");
        }
    }
}
