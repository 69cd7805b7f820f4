package quorumlab.workload;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The named scenarios shipped with the program (resources under {@code scenarios/}). */
public final class ScenarioLibrary {
    private static final String DIR = "/scenarios/";

    /** The library's scenario names, in the order of {@code scenarios/index.txt}. */
    public static List<String> names() {
        String index = read("index.txt");
        List<String> names = new ArrayList<>();
        for (String line : index.split("\\R")) {
            if (!line.isBlank() && !line.startsWith("#")) names.add(line.trim());
        }
        return names;
    }

    /** The file as shipped, so a user can copy and edit it. */
    public static String text(String name) {
        requireKnown(name);
        return read(name + ".yaml");
    }

    public static Scenario load(String name) {
        return ScenarioLoader.parse(name + ".yaml", text(name), false);
    }

    private static void requireKnown(String name) {
        if (!names().contains(name)) {
            throw new IllegalArgumentException("no library scenario named '" + name + "' (known: " + String.join(", ", names()) + ")");
        }
    }

    private static String read(String resource) {
        try (InputStream in = ScenarioLibrary.class.getResourceAsStream(DIR + resource)) {
            if (in == null) throw new IllegalStateException("missing resource " + DIR + resource);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ScenarioLibrary() {}
}
