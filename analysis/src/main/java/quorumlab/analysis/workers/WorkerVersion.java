package quorumlab.analysis.workers;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * What a worker must share with its coordinator: the program's version as {@code --version} prints
 * it, {@code git describe} of the checkout it was built from, and a digest of quorumlab's classes
 * (two builds of different uncommitted changes have the same git description, not the same classes).
 * A worker whose line differs could produce other traces for the same inputs, so it is refused.
 */
final class WorkerVersion {
    private static volatile String current;

    static String current() {
        String v = current;
        // a test stands in for a worker built from other sources
        if (v == null) current = v = System.getProperty("quorumlab.workers.version", compute());
        return v;
    }

    private static String compute() {
        String version = quorumlab.analysis.cli.Main.class.getPackage().getImplementationVersion();
        Path classes = location(WorkerVersion.class);
        return "quorumlab " + (version != null ? version : "0.1.0-SNAPSHOT") + " (git " + gitDescribe(classes)
                + ", classes " + classesDigest() + ")";
    }

    private static Path location(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    /**
     * {@code git describe --always} run where the program's classes are; "unknown" without git. Not
     * {@code --dirty}: the classes' digest already tells two builds apart, and a checkout edited after
     * its build (a document, a source not yet rebuilt) would refuse workers that run the same classes.
     */
    static String gitDescribe(Path where) {
        if (where == null) return "unknown";
        Path dir = Files.isDirectory(where) ? where : where.getParent();
        try {
            Process git = new ProcessBuilder("git", "describe", "--always").directory(dir.toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!git.waitFor(5, TimeUnit.SECONDS)) {
                git.destroyForcibly();
                return "unknown";
            }
            return git.exitValue() == 0 && !out.isEmpty() ? out : "unknown";
        } catch (IOException | RuntimeException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    /** The first 12 hex digits of a SHA-256 over every quorumlab class file (name and bytes) on the class path. */
    private static String classesDigest() {
        TreeMap<String, byte[]> classes = new TreeMap<>();
        for (Path entry : classPath()) {
            try {
                if (Files.isDirectory(entry)) {
                    Path root = entry.resolve("quorumlab");
                    if (!Files.isDirectory(root)) continue;
                    try (Stream<Path> walk = Files.walk(root)) {
                        for (Path f : walk.filter(p -> p.toString().endsWith(".class")).toList()) {
                            classes.put(entry.relativize(f).toString().replace('\\', '/'), Files.readAllBytes(f));
                        }
                    }
                } else if (entry.toString().endsWith(".jar") && Files.isRegularFile(entry)) {
                    try (JarFile jar = new JarFile(entry.toFile())) {
                        for (JarEntry e : java.util.Collections.list(jar.entries())) {
                            if (e.getName().startsWith("quorumlab/") && e.getName().endsWith(".class")) {
                                try (InputStream in = jar.getInputStream(e)) {
                                    classes.put(e.getName(), in.readAllBytes());
                                }
                            }
                        }
                    }
                }
            } catch (IOException e) {
                classes.put(entry.toString(), new byte[0]);
            }
        }
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            classes.forEach((name, bytes) -> {
                sha.update(name.getBytes(StandardCharsets.UTF_8));
                sha.update(bytes);
            });
            return HexFormat.of().formatHex(sha.digest()).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The class path's entries, and those a manifest-only jar (as surefire starts tests with) names. */
    private static List<Path> classPath() {
        List<Path> out = new ArrayList<>();
        for (String s : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            if (s.isEmpty()) continue;
            Path p = Path.of(s).toAbsolutePath();
            out.add(p);
            if (p.toString().endsWith(".jar") && Files.isRegularFile(p)) {
                try (JarFile jar = new JarFile(p.toFile())) {
                    String cp = jar.getManifest() == null ? null : jar.getManifest().getMainAttributes().getValue("Class-Path");
                    if (cp != null) {
                        for (String u : cp.trim().split("\\s+")) {
                            try {
                                out.add(Path.of(p.getParent().toUri().resolve(u)));
                            } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
                                // not a file URL: not ours
                            }
                        }
                    }
                } catch (IOException e) {
                    // unreadable: its classes are not counted
                }
            }
        }
        return out;
    }

    private WorkerVersion() {}
}
