package quorumlab.analysis.viewer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import quorumlab.protocols.trace.TraceReader;
import quorumlab.protocols.trace.TraceRecord;
import quorumlab.workload.Runner;

/**
 * A recorded run: {@code RUN_DIR/<protocol>/seed-<n>/trace.jsonl.zst} for each protocol, read whole.
 * A protocol whose trace is missing or damaged keeps its panel, showing the one-line reason.
 */
final class ReplaySource implements Source {
    private final String title;
    private final List<Lane> lanes;
    private final long end;
    private final String error;

    private ReplaySource(String title, List<Lane> lanes, String error) {
        this.title = title;
        this.lanes = lanes;
        this.error = error;
        long last = 0;
        for (Lane l : lanes) if (!l.records().isEmpty()) last = Math.max(last, l.records().get(l.records().size() - 1).t());
        this.end = last;
    }

    /**
     * Reads the run under {@code dir} for {@code seed}: a run directory (one folder per protocol), a
     * protocol's folder, or a seed's folder. Never throws for bad input: the errors are in the lanes.
     */
    static ReplaySource read(Path dir, long seed) {
        if (!Files.isDirectory(dir)) {
            return new ReplaySource(dir.toString(), List.of(), dir + ": " + (Files.exists(dir) ? "not a directory" : "no such directory"));
        }
        List<Path> seedDirs = new ArrayList<>();
        if (isSeedDir(dir)) {
            seedDirs.add(dir);
        } else if (Files.isDirectory(dir.resolve("seed-" + seed))) {
            seedDirs.add(dir.resolve("seed-" + seed));
        } else {
            for (Path p : children(dir)) if (Files.isDirectory(p.resolve("seed-" + seed))) seedDirs.add(p.resolve("seed-" + seed));
        }
        if (seedDirs.isEmpty()) {
            return new ReplaySource(dir.toString(), List.of(), dir + ": no trace of seed " + seed
                    + " (expected <protocol>/seed-" + seed + "/" + Runner.TRACE_FILE + " under it)");
        }
        List<Lane> lanes = new ArrayList<>();
        for (Path s : seedDirs) lanes.add(lane(s));
        String scenario = dir.toAbsolutePath().normalize().toString();
        return new ReplaySource(scenario + " (seed " + seed + ")", lanes, null);
    }

    private static boolean isSeedDir(Path dir) {
        return dir.getFileName() != null && dir.getFileName().toString().startsWith("seed-");
    }

    private static List<Path> children(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isDirectory).filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted(Comparator.comparing(Path::toString)).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static Lane lane(Path seedDir) {
        Path parent = seedDir.toAbsolutePath().normalize().getParent();
        String protocol = parent != null && parent.getFileName() != null ? parent.getFileName().toString() : "?";
        Path trace = Runner.traceIn(seedDir);
        if (trace == null) return new Lane(protocol, List.of(), seedDir.resolve(Runner.TRACE_FILE) + ": the trace is missing");
        try {
            List<TraceRecord> records = TraceReader.readAll(trace);
            if (!records.isEmpty() && records.get(0) instanceof TraceRecord.Meta m && m.protocol() != null) protocol = m.protocol();
            return new Lane(protocol, records, null);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return new Lane(protocol, List.of(), message.replaceAll("\\s*\\R\\s*", " "));
        }
    }

    @Override
    public String mode() {
        return "replay";
    }

    @Override
    public String title() {
        return title;
    }

    @Override
    public long end() {
        return end;
    }

    @Override
    public List<Lane> lanes(long t) {
        return lanes;
    }

    @Override
    public String error() {
        if (error != null) return error;
        for (Lane l : lanes) if (l.error() != null) return l.error();
        return null;
    }
}
