package quorumlab.protocols;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** An operation on the key-value state machine. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "f")
@JsonSubTypes({
    @JsonSubTypes.Type(value = Operation.Put.class, name = "write"),
    @JsonSubTypes.Type(value = Operation.Get.class, name = "read"),
    @JsonSubTypes.Type(value = Operation.Cas.class, name = "cas"),
})
public sealed interface Operation {
    String key();

    /** Size in bytes of the operation's payload, for the message-cost model. */
    int sizeBytes();

    record Put(String key, String value) implements Operation {
        public int sizeBytes() {
            return 8 + key.length() + value.length();
        }
    }

    record Get(String key) implements Operation {
        public int sizeBytes() {
            return 8 + key.length();
        }
    }

    /** Compare-and-set: sets {@code value} only if the current value equals {@code expected}. */
    record Cas(String key, String expected, String value) implements Operation {
        public int sizeBytes() {
            return 8 + key.length() + expected.length() + value.length();
        }
    }
}
