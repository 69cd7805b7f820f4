package quorumlab.protocols.store;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import quorumlab.protocols.ClientRequest;
import quorumlab.protocols.Command;
import quorumlab.protocols.KvStateMachine;
import quorumlab.protocols.NoOp;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.Operation;
import quorumlab.protocols.Result;

class ValueCodecTest {
    /** Like the protocols' own stored records: package-private, unannotated, nesting shared types. */
    record Entry(long term, Command command) {}

    record Vote(long term, NodeId votedFor) {}

    private final ValueCodec codec = new ValueCodec();

    private Object roundTrip(Object value) throws IOException {
        return codec.decode(codec.encode(value));
    }

    @Test
    void sharedValuesComeBackEqualAndOfTheSameClass() throws IOException {
        KvStateMachine sm = new KvStateMachine();
        sm.apply(1, new ClientRequest(7, 1, new Operation.Put("k", "v")));
        sm.apply(2, new ClientRequest(7, 2, new Operation.Cas("k", "x", "y")));
        sm.apply(3, NoOp.INSTANCE);
        List<Object> values = List.of(
                42L, 3, "text", true, NodeId.of(3), Result.OK, new Result(false, "v"),
                new ClientRequest(1, 2, new Operation.Put("k", "v")),
                new ClientRequest(1, 3, new Operation.Get("k")),
                new ClientRequest(1, 4, new Operation.Cas("k", "a", "b")),
                NoOp.INSTANCE, sm.snapshot(),
                new Entry(5, new ClientRequest(2, 9, new Operation.Put("key", "x".repeat(100)))),
                new Entry(6, NoOp.INSTANCE), new Vote(4, null), new Vote(4, NodeId.of(2)));
        for (Object v : values) {
            Object back = roundTrip(v);
            assertEquals(v, back, "round trip of " + v);
            assertEquals(v.getClass(), back.getClass(), "class of " + v);
        }
    }

    @Test
    void aLongStaysALongEvenWhenSmall() throws IOException {
        assertEquals(Long.class, roundTrip(5L).getClass());
        assertEquals(Map.of("a", 1L), roundTrip(Map.of("a", 1L)));
    }

    @Test
    void aClassOutsideTheAllowedPackagesIsRefused() {
        // a planted value naming a class that could do harm when built
        byte[] planted = codec.encode(List.of("x"));
        String asText = new String(planted, StandardCharsets.ISO_8859_1);
        String evil = asText.replace("java.util.", "javax.util.");
        assertNotEquals(asText, evil, "the encoding names the class");
        assertThrows(IOException.class, () -> codec.decode(evil.getBytes(StandardCharsets.ISO_8859_1)));
    }

    @Test
    void damagedBytesAreAnErrorNotAValue() {
        byte[] bytes = codec.encode(new Entry(5, NoOp.INSTANCE));
        byte[] cut = java.util.Arrays.copyOf(bytes, bytes.length - 3);
        assertThrows(IOException.class, () -> codec.decode(cut));
    }
}
