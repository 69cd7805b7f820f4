package quorumlab.protocols.trace;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonAppend;
import com.fasterxml.jackson.databind.deser.ContextualDeserializer;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.util.Optional;

/**
 * The Jackson setup for traces, shared by {@link TraceWriter} and {@link TraceReader} (and by any
 * module that writes records the same way). Every record is written with {@code "kind"} first and
 * {@code "v"} (the schema version) second; see docs/trace-format.md.
 */
public final class TraceJson {
    /** The schema-version field written on every line. */
    public static final String VERSION_FIELD = "v";

    private static final ObjectMapper MAPPER = create();

    private TraceJson() {}

    /** A shared, configured mapper (thread-safe; do not reconfigure it). */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** Adds {@code "v"} to every record, from the writer attribute of the same name. */
    @JsonAppend(prepend = true, attrs = @JsonAppend.Attr(value = VERSION_FIELD))
    private interface VersionMixin {}

    private static ObjectMapper create() {
        SimpleModule optional = new SimpleModule("quorumlab-optional");
        optional.addSerializer(new OptionalSerializer());
        optional.addDeserializer(Optional.class, new OptionalDeserializer(null));
        ObjectMapper mapper = new ObjectMapper();
        mapper.registerModule(optional);
        mapper.addMixIn(TraceRecord.class, VersionMixin.class);
        mapper.setSerializationInclusion(JsonInclude.Include.NON_NULL);
        mapper.disable(SerializationFeature.FLUSH_AFTER_WRITE_VALUE);
        mapper.disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
        // Newer writers may add fields; an old reader skips them.
        mapper.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        mapper.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        return mapper;
    }

    /** {@code Optional.empty()} as null, a present value as itself. */
    @SuppressWarnings({"rawtypes", "unchecked"})
    private static final class OptionalSerializer extends StdSerializer<Optional> {
        OptionalSerializer() {
            super(Optional.class);
        }

        @Override
        public boolean isEmpty(SerializerProvider provider, Optional value) {
            return value == null || value.isEmpty();
        }

        @Override
        public void serialize(Optional value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            if (value.isPresent()) provider.defaultSerializeValue(value.get(), gen);
            else gen.writeNull();
        }
    }

    private static final class OptionalDeserializer extends StdDeserializer<Optional<?>> implements ContextualDeserializer {
        private final JavaType contentType;

        OptionalDeserializer(JavaType contentType) {
            super(Optional.class);
            this.contentType = contentType;
        }

        @Override
        public JsonDeserializer<?> createContextual(DeserializationContext ctxt, BeanProperty property) {
            JavaType type = property != null ? property.getType() : ctxt.getContextualType();
            JavaType content = type != null && type.containedTypeCount() > 0 ? type.containedType(0) : ctxt.constructType(Object.class);
            return new OptionalDeserializer(content);
        }

        @Override
        public Optional<?> deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JavaType type = contentType != null ? contentType : ctxt.constructType(Object.class);
            return Optional.ofNullable(ctxt.readValue(p, type));
        }

        @Override
        public Optional<?> getNullValue(DeserializationContext ctxt) {
            return Optional.empty();
        }

        @Override
        public Object getAbsentValue(DeserializationContext ctxt) {
            return Optional.empty();
        }
    }
}
