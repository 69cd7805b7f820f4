package quorumlab.analysis.viewer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code quorumlab view --export FILE.html}: the page, its script and style, and the run as frames,
 * in one file that opens from a disk or a course page with no server. A frame holds the state at its
 * instant with every message in flight until the next frame, so the dots still move between frames.
 */
final class Export {
    /** At most this many frames: a few megabytes for a run of several seconds. */
    static final int MAX_FRAMES = 1200;
    static final long MIN_STEP_NANOS = 2_000_000L;

    private Export() {}

    static void write(ViewApi api, Path file) {
        String page = Assets.page(ViewApi.json(data(api)));
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
            // whole or not at all: a page cut short by a full disk would open without its run
            Path part = file.resolveSibling("." + file.getFileName() + ".part");
            Files.writeString(part, page, StandardCharsets.UTF_8);
            Files.move(part, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    static Map<String, Object> data(ViewApi api) {
        Source source = api.source();
        synchronized (source) {
            long end = source.end();
            long step = Math.max(MIN_STEP_NANOS, (end + MAX_FRAMES - 1) / MAX_FRAMES);
            List<Object> frames = new ArrayList<>();
            for (long t = 0; t <= end; t += step) {
                Map<String, Object> frame = api.stateAt(t, step, false);
                frame.put("known", end);
                frames.add(frame);
            }
            // after the frames, so a live source has run to its end and every window is known
            Object windows = api.stateAt(end, 0, true).get("windows");
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("mode", "export");
            info.put("title", source.title());
            info.put("end", end);
            info.put("error", source.error());
            info.put("step", step);
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("info", info);
            data.put("windows", windows);
            data.put("frames", frames);
            return data;
        }
    }
}
