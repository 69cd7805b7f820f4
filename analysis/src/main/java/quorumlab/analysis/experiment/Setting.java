package quorumlab.analysis.experiment;

/** An election-timeout range in milliseconds, written {@code min-max} as in the paper's legend. */
record Setting(long minMs, long maxMs) {
    Setting {
        if (minMs < 1 || maxMs < minMs) {
            throw new IllegalArgumentException("a setting is MIN-MAX in whole milliseconds with 1 <= MIN <= MAX, got "
                    + minMs + "-" + maxMs);
        }
    }

    static Setting parse(String text) {
        String[] parts = text.trim().split("-");
        if (parts.length != 2) {
            throw new IllegalArgumentException("setting '" + text + "' is not MIN-MAX (for example 150-300)");
        }
        try {
            return new Setting(Long.parseLong(parts[0].trim()), Long.parseLong(parts[1].trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("setting '" + text + "' is not MIN-MAX in whole milliseconds");
        }
    }

    /** The paper's heartbeat interval: half the minimum election timeout. */
    double heartbeatMs() {
        return minMs / 2.0;
    }

    @Override
    public String toString() {
        return minMs + "-" + maxMs;
    }
}
