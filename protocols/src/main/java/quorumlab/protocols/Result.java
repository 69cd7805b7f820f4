package quorumlab.protocols;

/**
 * What applying an operation gave. {@code ok} is false only for a compare-and-set whose expected
 * value did not match; {@code value} is the value read (null when the key is absent), or for a
 * failed cas the value found.
 */
public record Result(boolean ok, String value) {
    public static final Result OK = new Result(true, null);

    public static Result read(String value) {
        return new Result(true, value);
    }
}
