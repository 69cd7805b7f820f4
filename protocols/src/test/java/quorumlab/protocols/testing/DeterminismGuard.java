package quorumlab.protocols.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds what protocol code must not touch: Pekko, clocks, unseeded randomness, threads, files,
 * sockets and other hidden inputs. Protocol code reaches the world only through NodeContext, which
 * is what keeps a simulated run reproducible from its seed. Comments and string literals are blanked
 * out before matching, so only code counts; fully-qualified names and static imports are caught.
 */
public final class DeterminismGuard {
    private record Rule(Pattern pattern, String why) {}

    private static final List<Rule> RULES = List.of(
            rule("\\borg\\s*\\.\\s*apache\\s*\\.\\s*pekko\\b|\\bakka\\s*\\.", "Pekko: a node is hosted by a runtime, never written against one"),
            rule("\\bnanoTime\\b|\\bcurrentTimeMillis\\b", "a clock: read time through NodeContext.now()"),
            rule("\\b(Instant|LocalDateTime|LocalTime|ZonedDateTime|OffsetDateTime|LocalDate)\\s*\\.\\s*now\\b|\\bClock\\s*\\.\\s*system|\\bnew\\s+(java\\s*\\.\\s*util\\s*\\.\\s*)?Date\\s*\\(",
                    "a clock: read time through NodeContext.now()"),
            rule("\\bnew\\s+(Random|SplittableRandom|SecureRandom)\\b|\\bjava\\s*\\.\\s*(util|security)\\s*\\.\\s*(Random|SplittableRandom|SecureRandom)\\b|\\bMath\\s*\\.\\s*random\\b|\\bThreadLocalRandom\\b|\\bRandomGenerator\\s*\\.\\s*(of|getDefault)\\b|\\bRandomGeneratorFactory\\b",
                    "randomness not from the seed: draw from NodeContext.random()"),
            rule("\\bThread\\b|\\bExecutors?\\b|\\bExecutorService\\b|\\bForkJoinPool\\b|\\bCompletableFuture\\b|\\bjava\\s*\\.\\s*util\\s*\\.\\s*Timer\\b",
                    "threads: handlers run one at a time; use NodeContext timers"),
            rule("\\bjava\\s*\\.\\s*io\\s*\\.\\s*(\\*|(File\\w*|RandomAccessFile|PrintWriter|Console)\\b)|\\b(File|FileInputStream|FileOutputStream|FileReader|FileWriter|RandomAccessFile|FileDescriptor)\\b",
                    "file I/O: keep durable state in NodeContext.store()"),
            rule("\\bjava\\s*\\.\\s*nio\\s*\\.\\s*(file|channels)\\b|\\b(Files|Paths)\\s*\\.", "file I/O: keep durable state in NodeContext.store()"),
            rule("\\bjava\\s*\\.\\s*net\\b|\\b(Server)?Socket(Channel)?\\b|\\bDatagramSocket\\b|\\bHttpClient\\b",
                    "sockets: send messages through NodeContext.send()"),
            rule("\\bSystem\\s*\\.\\s*(getenv|getProperty|getProperties|in)\\b", "a hidden input: take settings as protocol options"));

    private DeterminismGuard() {}

    private static Rule rule(String regex, String why) {
        return new Rule(Pattern.compile(regex), why);
    }

    /** Every violation in one source file, each as {@code name:line: found (why)}. */
    public static List<String> violations(String name, String source) {
        String code = blankCommentsAndStrings(source);
        List<String> found = new ArrayList<>();
        String[] lines = code.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            for (Rule r : RULES) {
                Matcher m = r.pattern().matcher(lines[i]);
                if (m.find()) found.add(name + ":" + (i + 1) + ": " + m.group().replaceAll("\\s+", "") + " (" + r.why() + ")");
            }
        }
        return found;
    }

    /** Every violation in the {@code .java} files under {@code root}, in path order. */
    public static List<String> scan(Path root) {
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                found.addAll(violations(f.toString(), Files.readString(f)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot scan " + root + ": " + e.getMessage(), e);
        }
        return found;
    }

    /** The Java files under {@code root} (to check that a scan saw something). */
    public static long javaFiles(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> p.toString().endsWith(".java")).count();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot scan " + root + ": " + e.getMessage(), e);
        }
    }

    /**
     * The source with comments, string and character literals (and text blocks) replaced by spaces,
     * newlines kept, so line numbers still match.
     */
    static String blankCommentsAndStrings(String s) {
        StringBuilder out = new StringBuilder(s.length());
        int i = 0;
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (c == '/' && i + 1 < n && s.charAt(i + 1) == '/') {
                while (i < n && s.charAt(i) != '\n') {
                    out.append(' ');
                    i++;
                }
            } else if (c == '/' && i + 1 < n && s.charAt(i + 1) == '*') {
                int end = s.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
                blank(s, i, end, out);
                i = end;
            } else if (s.startsWith("\"\"\"", i)) {
                int end = i + 3;
                while (end < n && !s.startsWith("\"\"\"", end)) end += s.charAt(end) == '\\' ? 2 : 1;
                end = Math.min(n, end + 3);
                blank(s, i, end, out);
                i = end;
            } else if (c == '"' || c == '\'') {
                int end = i + 1;
                while (end < n && s.charAt(end) != c && s.charAt(end) != '\n') end += s.charAt(end) == '\\' ? 2 : 1;
                end = Math.min(n, end + 1);
                blank(s, i, end, out);
                i = end;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private static void blank(String s, int from, int to, StringBuilder out) {
        for (int k = from; k < to; k++) out.append(s.charAt(k) == '\n' ? '\n' : ' ');
    }
}
