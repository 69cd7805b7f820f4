package quorumlab.protocols.cluster;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.jsontype.BasicPolymorphicTypeValidator;
import com.fasterxml.jackson.databind.jsontype.PolymorphicTypeValidator;
import java.lang.reflect.Modifier;
import org.apache.pekko.serialization.jackson.JacksonObjectMapperFactory;
import quorumlab.protocols.NodeId;

/**
 * The Jackson mapper Pekko serializes {@link Wire} messages with. The protocol classes carry no
 * Jackson annotations of their own ({@code Message} is implemented by each protocol's records), so
 * the mapper writes the class of a value wherever the declared type is an interface or abstract
 * class of quorumlab ({@code Message}, {@code Delay}, ...) and nowhere else: a record field, a list
 * or a string carries no type id. On reading, a type id is accepted only for a quorumlab class (the
 * {@link PolymorphicTypeValidator}), so a peer cannot make this process instantiate arbitrary JDK
 * or library classes, the gadget attacks default typing is known for. Interfaces that already name
 * their subtypes ({@code Command}, {@code Operation}, {@code ClientReply}) keep their own type names.
 */
final class WireMapper extends JacksonObjectMapperFactory {
    static final String PACKAGE_PREFIX = "quorumlab.";

    @Override
    public ObjectMapper newObjectMapper(String bindingName, JsonFactory jsonFactory) {
        ObjectMapper mapper = super.newObjectMapper(bindingName, jsonFactory);
        PolymorphicTypeValidator onlyOurs = BasicPolymorphicTypeValidator.builder()
                .allowIfSubType(PACKAGE_PREFIX)
                .build();
        ObjectMapper.DefaultTypeResolverBuilder typer =
                new ObjectMapper.DefaultTypeResolverBuilder(ObjectMapper.DefaultTyping.NON_FINAL, onlyOurs) {
                    @Override
                    public boolean useForType(JavaType type) {
                        return isOurAbstractType(type.getRawClass());
                    }
                };
        typer.init(JsonTypeInfo.Id.CLASS, null);
        typer.inclusion(JsonTypeInfo.As.PROPERTY);
        typer.typeProperty("@class");
        mapper.setDefaultTyping(typer);
        // With Pekko's parameter-names module a one-argument creator is ambiguous; a node id is its name
        mapper.addMixIn(NodeId.class, NodeIdByName.class);
        return mapper;
    }

    /** Says that {@link NodeId#parse} takes the whole value (the string {@code n1}), not a property. */
    private abstract static class NodeIdByName {
        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        static NodeId parse(String name) {
            return NodeId.parse(name);
        }
    }

    static boolean isOurAbstractType(Class<?> c) {
        return c.getName().startsWith(PACKAGE_PREFIX) && (c.isInterface() || Modifier.isAbstract(c.getModifiers()));
    }
}
