package quorumlab.protocols.store;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.jsontype.BasicPolymorphicTypeValidator;
import com.fasterxml.jackson.databind.jsontype.PolymorphicTypeValidator;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import java.io.IOException;

/**
 * Turns a stored value (a protocol's record, a string, a boxed number) into CBOR bytes and back.
 * The class of every value that is not a plain JSON type is written beside it, so protocol records
 * need no Jackson annotations; only classes of quorumlab and of java.util and java.lang may be named
 * there, so a damaged or planted file cannot make the reader build an arbitrary class (the usual
 * hole of polymorphic deserialization).
 */
final class ValueCodec {
    private static final PolymorphicTypeValidator ALLOWED = BasicPolymorphicTypeValidator.builder()
            .allowIfSubType("quorumlab.")
            .allowIfSubType("java.util.")
            .allowIfSubType("java.lang.")
            .build();

    private final ObjectWriter writer;
    private final ObjectReader reader;

    ValueCodec() {
        ObjectMapper mapper = CBORMapper.builder()
                .activateDefaultTyping(ALLOWED, ObjectMapper.DefaultTyping.NON_FINAL)
                // a field the class no longer has is a damaged value, not one to skip
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
        this.writer = mapper.writerFor(Object.class);
        this.reader = mapper.readerFor(Object.class);
    }

    byte[] encode(Object value) {
        try {
            return writer.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot store a " + value.getClass().getName() + ": " + e.getMessage(), e);
        }
    }

    /** @throws IOException when {@code bytes} is not a value this codec wrote */
    Object decode(byte[] bytes) throws IOException {
        return reader.readValue(bytes);
    }
}
