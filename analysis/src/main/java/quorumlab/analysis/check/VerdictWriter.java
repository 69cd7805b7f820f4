package quorumlab.analysis.check;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes a {@link Verdict} as JSON: {@code verdict.json} beside a run's trace, or one line per file
 * for {@code ./quorumlab check --json}.
 *
 * <pre>{"file": "...", "status": "ok|VIOLATION|unknown",
 *  "checks": [{"name": "linearizability", "status": "ok", "summary": "...", "details": [], "pictures": []}]}</pre>
 */
public final class VerdictWriter {
    public static final String FILE_NAME = "verdict.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    private VerdictWriter() {}

    public static ObjectNode toJson(Verdict verdict) {
        ObjectNode root = JSON.createObjectNode();
        root.put("file", verdict.file());
        root.put("status", verdict.status().label());
        ArrayNode checks = root.putArray("checks");
        for (Verdict.Check c : verdict.checks()) {
            ObjectNode check = checks.addObject();
            check.put("name", c.name());
            check.put("status", c.status().label());
            check.put("summary", c.summary());
            ArrayNode details = check.putArray("details");
            c.details().forEach(details::add);
            ArrayNode pictures = check.putArray("pictures");
            c.pictures().forEach(pictures::add);
        }
        return root;
    }

    /** The verdict on one line, for {@code --json}. */
    public static String toJsonLine(Verdict verdict) {
        try {
            return JSON.writeValueAsString(toJson(verdict));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes {@code verdict} to {@code file}, complete or not at all (through a temporary file). */
    public static void write(Verdict verdict, Path file) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, ".verdict", ".tmp");
            try {
                Files.writeString(tmp, JSON.copy().enable(SerializationFeature.INDENT_OUTPUT)
                        .writeValueAsString(toJson(verdict)) + "\n", StandardCharsets.UTF_8);
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
