package quorumlab.analysis.check;

/** The outcome of one check: passed, failed, or could not be decided within its bound. */
public enum CheckStatus {
    OK("ok"),
    VIOLATION("VIOLATION"),
    UNKNOWN("unknown");

    private final String label;

    CheckStatus(String label) {
        this.label = label;
    }

    /** As printed and written to verdict.json: {@code ok}, {@code VIOLATION}, {@code unknown}. */
    public String label() {
        return label;
    }

    /** The more serious of two outcomes: a violation over unknown over ok. */
    public CheckStatus worst(CheckStatus other) {
        return rank() >= other.rank() ? this : other;
    }

    private int rank() {
        return switch (this) {
            case OK -> 0;
            case UNKNOWN -> 1;
            case VIOLATION -> 2;
        };
    }
}
