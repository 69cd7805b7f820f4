package quorumlab.analysis.check;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;
import quorumlab.protocols.check.SafetyChecks;
import quorumlab.protocols.trace.TraceReader;
import quorumlab.protocols.trace.TraceRecord;
import quorumlab.workload.Runner;

/**
 * Runs every check that applies to a file or a run: on a trace, the protocol's safety invariants
 * and "no acknowledged write lost" ({@link SafetyChecks}); on a client history, linearizability.
 * A trace with no history file beside it is also checked for linearizability, from its own
 * invoke and complete records.
 *
 * <p>{@link #checkRun} is what the runner calls after every run: it writes {@code verdict.json}
 * (and a counterexample's pictures) into the run's directory.
 */
public final class Checks {
    public static final String LINEARIZABILITY = "linearizability";
    public static final String ACKNOWLEDGED_WRITES = "acknowledged-writes";
    private static final int MAX_DETAILS = 20;

    /**
     * @param bound how far the linearizability search may go
     * @param pictures where to draw counterexamples (null: beside the file checked)
     * @param drawPictures false to draw none
     */
    public record Settings(LinearizabilityChecker.Bound bound, Path pictures, boolean drawPictures) {
        public static final Settings DEFAULT = new Settings(LinearizabilityChecker.Bound.DEFAULT, null, true);
    }

    public enum Kind { TRACE, HISTORY }

    private Checks() {}

    /** Checks the run in {@code runDir} and writes its {@code verdict.json}; see {@link #checkRun(Path, Settings)}. */
    public static Verdict checkRun(Path runDir) {
        return checkRun(runDir, Settings.DEFAULT);
    }

    /**
     * Checks every trace and history directly in {@code runDir} (not in sub-directories), draws any
     * counterexample there, and writes {@code verdict.json} there. The verdict's {@code file} is the
     * directory's name, and its pictures are named relative to the directory, so that the verdict
     * stays true when the runner moves the directory into place.
     *
     * @throws BadInputException when a file is corrupt, or the directory holds neither
     */
    public static Verdict checkRun(Path runDir, Settings settings) {
        return checkRun(runDir, settings, null);
    }

    /**
     * As {@link #checkRun(Path, Settings)}, and every record of the run's trace also goes, in file
     * order and in the same pass, to {@code alsoFeed} (unless null), so that a caller that measures
     * the run as well reads its trace once. {@code alsoFeed} is called on the thread that parses the
     * trace, beside the checkers on this one ({@link TraceReader#forEach(Path, Consumer, Consumer)}):
     * it must keep to its own state; its work is visible when this returns. {@code alsoFeed} gets
     * nothing when the directory holds no single trace (then each file is checked on its own).
     */
    public static Verdict checkRun(Path runDir, Settings settings, Consumer<TraceRecord> alsoFeed) {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> list = Files.list(runDir)) {
            list.filter(Files::isRegularFile).filter(Checks::looksCheckable).sorted().forEach(files::add);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + runDir + ": " + e.getMessage(), e);
        }
        if (files.isEmpty()) throw new BadInputException(runDir, 0, "holds no trace or history to check");
        Settings here = new Settings(settings.bound(), settings.pictures() != null ? settings.pictures() : runDir,
                settings.drawPictures());
        // Paths are written relative to the run directory, which the runner moves into place after
        // this call: verdict.json sits beside the files it names.
        // The runner's history.jsonl holds the same client records as the trace beside it. Checking
        // linearizability from the trace as it streams keeps memory bounded by the open operations;
        // reading the history file would hold every operation of the run.
        List<Path> traces = new ArrayList<>();
        for (Path file : files) {
            try {
                if (kindInRun(file) == Kind.TRACE) traces.add(file);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
            }
        }
        if (traces.size() == 1) files = traces;
        List<Verdict.Check> checks = new ArrayList<>();
        for (Path file : files) {
            Verdict checked = traces.size() == 1 ? checkTrace(file, here, true, alsoFeed) : checkFile(file, here);
            for (Verdict.Check c : checked.checks()) {
                List<String> pictures = c.pictures().stream().map(p -> relative(runDir, p)).toList();
                checks.add(new Verdict.Check(c.name(), c.status(), c.summary(), c.details(), pictures));
            }
        }
        Path name = runDir.toAbsolutePath().normalize().getFileName();
        Verdict verdict = new Verdict(name != null ? name.toString() : runDir.toString(), checks);
        VerdictWriter.write(verdict, runDir.resolve(VerdictWriter.FILE_NAME));
        return verdict;
    }

    /**
     * The trace and history files under {@code path}: the file itself, or every file in the
     * directory tree whose name ends in .jsonl, .ndjson or .edn (gzipped or not), in name order.
     */
    public static List<Path> checkableFiles(Path path) {
        if (!Files.exists(path)) throw new BadInputException(path, 0, "does not exist");
        if (!Files.isDirectory(path)) return List.of(path);
        try (Stream<Path> walk = Files.walk(path)) {
            return walk.filter(Files::isRegularFile).filter(Checks::looksCheckable).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + path + ": " + e.getMessage(), e);
        }
    }

    static boolean looksCheckable(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        name = name.replaceFirst("\\.(gz|zst)$", "");
        return name.endsWith(".jsonl") || name.endsWith(".ndjson") || name.endsWith(".edn");
    }

    /** Checks one trace or history. */
    public static Verdict checkFile(Path file, Settings settings) {
        try {
            return switch (kindOf(file)) {
                case TRACE -> checkTrace(file, settings);
                case HISTORY -> checkHistory(file, settings);
            };
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * In a run directory, the runner's own file names say what a file is, so the trace is not
     * opened once to look and again to check; any other file is looked into ({@link #kindOf}).
     */
    private static Kind kindInRun(Path file) throws IOException {
        String name = file.getFileName().toString();
        if (name.equals(Runner.TRACE_FILE) || name.equals(Runner.OLD_TRACE_FILE)) return Kind.TRACE;
        if (name.equals(Runner.HISTORY_FILE)) return Kind.HISTORY;
        return kindOf(file);
    }

    /** A trace's lines carry {@code "kind"}; anything else is taken for a history. */
    public static Kind kindOf(Path file) throws IOException {
        if (HistoryReader.formatOf(file) == HistoryReader.Format.EDN) return Kind.HISTORY;
        try (Reader reader = HistoryReader.open(file)) {
            BufferedReader lines = (BufferedReader) reader;
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.isBlank()) continue;
                return line.contains("\"kind\"") ? Kind.TRACE : Kind.HISTORY;
            }
        }
        return Kind.HISTORY;
    }

    static Verdict checkHistory(Path file, Settings settings) throws IOException {
        // streamed: memory grows with the operations open at once, not with the file
        return new Verdict(file.toString(), List.of(linearizability(HistoryReader.check(file, settings.bound()), settings,
                picturesFor(file, settings), stem(file))));
    }

    static Verdict checkTrace(Path file, Settings settings) {
        return checkTrace(file, settings, !hasHistoryBeside(file), null);
    }

    private static Verdict checkTrace(Path file, Settings settings, boolean linearizability, Consumer<TraceRecord> alsoFeed) {
        TraceCheck check = new TraceCheck(settings.bound(), linearizability);
        try {
            // the checkers on this thread, alsoFeed (the metrics) on the parsing thread beside them
            TraceReader.forEach(file, check, alsoFeed);
        } catch (BadInputException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            // TraceReader says "trace FILE line N: reason"
            var m = java.util.regex.Pattern.compile("^trace .* line (\\d+): (.*)$").matcher(e.getMessage());
            if (m.matches()) throw new BadInputException(file, Long.parseLong(m.group(1)), m.group(2));
            throw new BadInputException(file, 0, e.getMessage());
        }
        return new Verdict(file.toString(), check.finish(settings, picturesFor(file, settings), stem(file)));
    }

    /** The protocol's safety invariants and "no acknowledged write lost", on a trace. */
    public static List<Verdict.Check> traceChecks(Iterable<TraceRecord> trace) {
        TraceCheck check = new TraceCheck(LinearizabilityChecker.Bound.DEFAULT, false);
        for (TraceRecord r : trace) check.accept(r);
        return check.finish(Settings.DEFAULT, null, "");
    }

    /**
     * Every check of one trace, fed its records in order: the safety checkers the meta record's
     * protocol calls for, and (when asked) linearizability of the history its invoke and complete
     * records make ({@link TraceHistory.Builder} into a {@link LinearizabilityChecker.Stream}).
     * Memory is what those keep, never the trace.
     */
    public static final class TraceCheck implements Consumer<TraceRecord> {
        private final boolean linearizability;
        private final LinearizabilityChecker.Stream history;
        private final TraceHistory.Builder builder;
        private String protocol;
        private List<SafetyChecks.Checker> checkers;
        private boolean sawEvents;

        public TraceCheck(LinearizabilityChecker.Bound bound, boolean linearizability) {
            this.linearizability = linearizability;
            this.history = linearizability ? new LinearizabilityChecker.Stream(bound) : null;
            this.builder = linearizability ? new TraceHistory.Builder(history) : null;
        }

        @Override
        public void accept(TraceRecord r) {
            if (checkers == null) {
                protocol = r instanceof TraceRecord.Meta meta ? meta.protocol() : "";
                checkers = SafetyChecks.forProtocol(protocol).stream().map(Supplier::get).toList();
            }
            if (r instanceof TraceRecord.Event) sawEvents = true;
            for (SafetyChecks.Checker c : checkers) c.accept(r);
            if (builder != null) builder.accept(r);
        }

        /** The verdicts; a counterexample is drawn into {@code pictures} unless null. */
        public List<Verdict.Check> finish(Settings settings, Path pictures, String stem) {
            if (checkers == null) {
                protocol = "";
                checkers = SafetyChecks.forProtocol(protocol).stream().map(Supplier::get).toList();
            }
            List<Verdict.Check> checks = new ArrayList<>();
            for (int i = 0; i < checkers.size(); i++) {
                // SafetyChecks lists the common check first, then the protocol's own invariants.
                String name = i == 0 ? ACKNOWLEDGED_WRITES : protocol + "-invariants" + (i > 1 ? "-" + i : "");
                List<String> violations = checkers.get(i).finish();
                if (!sawEvents) {
                    // Trace level none keeps no protocol events: the invariants cannot run, and saying "ok" would be a lie.
                    checks.add(new Verdict.Check(name, CheckStatus.UNKNOWN,
                            "not checked: the trace holds no protocol events (trace level none)", List.of(), List.of()));
                } else {
                    checks.add(violations.isEmpty()
                            ? new Verdict.Check(name, CheckStatus.OK, "holds", List.of(), List.of())
                            : new Verdict.Check(name, CheckStatus.VIOLATION, violations.size() + " violation"
                                    + (violations.size() == 1 ? "" : "s") + ", first: " + violations.get(0),
                                    cap(violations), List.of()));
                }
            }
            if (quorumlab.protocols.Protocol.all().stream().noneMatch(p -> p.name().equals(protocol))) {
                // the common check has run; the protocol's own invariants are not on the class path
                checks.add(skipped("protocol-invariants", protocol.isEmpty() ? "the trace names no protocol"
                        : "no protocol named '" + protocol + "' is known here (see 'quorumlab protocols')"));
            }
            if (linearizability) {
                builder.finish();
                if (builder.sawClients()) {
                    checks.add(linearizability(history.finish(), settings, pictures, stem));
                } else {
                    checks.add(skipped(LINEARIZABILITY, "the trace has no client records and no history file lies beside it"));
                }
            }
            return checks;
        }
    }

    /** A check that was asked for and could not run: unknown, never ok, and the summary says why. */
    static Verdict.Check skipped(String name, String why) {
        return new Verdict.Check(name, CheckStatus.UNKNOWN, "skipped: " + why, List.of(), List.of());
    }

    /**
     * Checks {@code history} for linearizability; a counterexample is drawn into {@code pictures}
     * (unless null) as {@code <stem>-<key>.svg} and {@code .html}.
     */
    public static Verdict.Check linearizability(History history, Settings settings, Path pictures, String stem) {
        return linearizability(LinearizabilityChecker.check(history, settings.bound()), settings, pictures, stem);
    }

    /** As {@link #linearizability(History, Settings, Path, String)}, for a result already found. */
    public static Verdict.Check linearizability(LinearizabilityChecker.Result result, Settings settings, Path pictures,
            String stem) {
        List<String> details = new ArrayList<>();
        List<String> drawn = new ArrayList<>();
        for (Counterexample c : result.counterexamples()) {
            details.add(c.summary());
            for (ClientOp op : c.window()) {
                details.add("  window: " + op.describe() + (op.equals(c.failing()) ? "  <- cannot be linearized" : ""));
            }
            if (pictures != null && drawn.size() < 2 * 10) {
                String name = stem + "-" + (c.key() == Histories.NO_KEY ? "register" : safe(String.valueOf(c.key())));
                try {
                    Path svg = CounterexamplePicture.write(c, pictures, name);
                    drawn.add(svg.toString());
                    drawn.add(svg.resolveSibling(name + ".html").toString());
                } catch (IOException e) {
                    details.add("  (could not draw the picture in " + pictures + ": " + e.getMessage() + ")");
                }
            }
        }
        for (Object key : result.undecidedKeys()) {
            details.add(LinearizabilityChecker.keyName(key) + ": undecided within " + settings.bound().maxStates()
                    + " configurations and " + settings.bound().maxTime().toSeconds() + " s");
        }
        return new Verdict.Check(LINEARIZABILITY, result.status(), result.summary(), cap(details), drawn);
    }

    private static Path picturesFor(Path file, Settings settings) {
        if (!settings.drawPictures()) return null;
        if (settings.pictures() != null) return settings.pictures();
        Path parent = file.toAbsolutePath().getParent();
        return parent;
    }

    private static String relative(Path dir, String file) {
        Path p = Path.of(file).toAbsolutePath().normalize();
        Path base = dir.toAbsolutePath().normalize();
        return p.startsWith(base) ? base.relativize(p).toString() : file;
    }

    private static boolean hasHistoryBeside(Path trace) {
        Path dir = trace.toAbsolutePath().getParent();
        try (Stream<Path> list = Files.list(dir)) {
            return list.anyMatch(p -> !p.equals(trace.toAbsolutePath()) && looksCheckable(p)
                    && p.getFileName().toString().startsWith("history"));
        } catch (IOException e) {
            return false;
        }
    }

    private static String stem(Path file) {
        String name = file.getFileName().toString();
        name = name.replaceFirst("\\.(gz|zst)$", "").replaceFirst("\\.(jsonl|ndjson|edn)$", "");
        return safe(name) + "-nonlinearizable";
    }

    private static String safe(String text) {
        String s = text.replaceAll("[^A-Za-z0-9._-]", "_");
        return s.length() > 60 ? s.substring(0, 60) : s;
    }

    private static List<String> cap(List<String> lines) {
        if (lines.size() <= MAX_DETAILS) return lines;
        List<String> capped = new ArrayList<>(lines.subList(0, MAX_DETAILS));
        capped.add("... and " + (lines.size() - MAX_DETAILS) + " more");
        return capped;
    }
}
