package quorumlab.workload;

/** A scenario that cannot run: the message is one line, {@code file: field.path: reason}. */
public final class ScenarioException extends IllegalArgumentException {
    private final String file;
    private final String field;
    private final String reason;

    public ScenarioException(String file, String field, String reason) {
        super(file + ": " + (field.isEmpty() ? "" : field + ": ") + reason);
        this.file = file;
        this.field = field;
        this.reason = reason;
    }

    public String file() {
        return file;
    }

    public String field() {
        return field;
    }

    public String reason() {
        return reason;
    }
}
