package quorumlab.workload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the bike-rental scenario's report says: read from a client history, which bikes two users
 * tried to book, and whether any bike was booked by two of them (a cas from {@code free} that
 * returned {@code ok} to two different users). With consensus the answer must be never.
 */
public final class Bookings {
    /** {@code doubleBooked}: each line names a bike and the users who were all told it was theirs. */
    public record Summary(int bikesTried, int contested, int booked, List<String> doubleBooked) {
        public String sentence() {
            return doubleBooked.isEmpty()
                    ? String.format("%d bikes booked, %d of them wanted by two users at once; no bike was double-booked.", booked, contested)
                    : "DOUBLE-BOOKED: " + String.join("; ", doubleBooked);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    public static Summary of(Path history) {
        Map<String, Set<String>> tried = new TreeMap<>();
        Map<String, Set<String>> confirmed = new TreeMap<>();
        try (BufferedReader in = Files.newBufferedReader(history)) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) continue;
                JsonNode e = JSON.readTree(line);
                JsonNode value = e.get("value");
                if (!"cas".equals(e.path("f").asText()) || value == null || !value.isArray()) continue;
                if (!OperationGenerator.FREE.equals(value.get(0).asText())) continue;
                String bike = e.path("key").asText();
                String user = value.get(1).asText();
                String type = e.path("type").asText();
                if (type.equals("invoke")) tried.computeIfAbsent(bike, b -> new TreeSet<>()).add(user);
                if (type.equals("ok")) confirmed.computeIfAbsent(bike, b -> new TreeSet<>()).add(user);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(history + ": " + e.getMessage(), e);
        }
        List<String> doubles = new ArrayList<>();
        confirmed.forEach((bike, users) -> {
            if (users.size() > 1) doubles.add(bike + " booked by " + String.join(" and ", users));
        });
        int contested = (int) tried.values().stream().filter(u -> u.size() > 1).count();
        return new Summary(tried.size(), contested, confirmed.size(), doubles);
    }

    private Bookings() {}
}
