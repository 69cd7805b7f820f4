package quorumlab.analysis.check;

import java.nio.file.Path;

/**
 * Input that cannot be read: a history or trace line that is not what the format says. The message
 * is one line naming the file, the line (when known) and the reason, for example
 * {@code history.jsonl:12: "type" must be one of invoke, ok, fail, info, got "done"}.
 */
public final class BadInputException extends IllegalArgumentException {
    private final String file;
    private final long line;
    private final String reason;

    /** @param line the 1-based line number, or 0 when the problem is not on one line */
    public BadInputException(String file, long line, String reason) {
        super(file + (line > 0 ? ":" + line : "") + ": " + reason);
        this.file = file;
        this.line = line;
        this.reason = reason;
    }

    public BadInputException(Path file, long line, String reason) {
        this(file.toString(), line, reason);
    }

    public String file() {
        return file;
    }

    /** The 1-based line number, or 0 when the problem is not on one line. */
    public long line() {
        return line;
    }

    public String reason() {
        return reason;
    }
}
