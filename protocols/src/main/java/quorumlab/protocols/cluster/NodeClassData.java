package quorumlab.protocols.cluster;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * Class-data sharing (AppCDS) for node processes on this machine. Starting a node JVM is mostly
 * loading and verifying the classes of Pekko Cluster, Scala, Jackson and RocksDB: about 4 s of CPU
 * each on this machine, 2 s with the classes taken from an archive. The archive is made once per
 * class path and JVM options, by a short training process ({@link NodeMain} {@code --train}) that
 * loads what a node loads, and then reused by every node started with the same class path.
 *
 * <p>The JVM archives classes from jar files only, and a class path may hold directories (the build's
 * {@code target/classes}): each is copied into a jar first, named by a digest of its files' names,
 * sizes and times, so a rebuilt directory gets a new jar and a new archive. Everything lives in one
 * cache directory under the temporary directory; archives not used for a day, and jars made more than
 * a day ago (remade, with a new archive, when next needed), are removed. If anything
 * fails, nodes start as before, from the plain class path: the archive only saves time.
 */
final class NodeClassData {
    private static final Duration TRAINING_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration UNUSED = Duration.ofDays(1);

    /** The class path and the options a node JVM is started with. */
    record Launch(String classPath, List<String> options) {}

    private NodeClassData() {}

    /** How to start nodes on this machine with {@code jvmOptions}: from an archive if one can be made. */
    static Launch prepare(String classPath, List<String> jvmOptions) {
        if (Boolean.getBoolean("quorumlab.cluster.noCds")) return new Launch(classPath, List.of());
        try {
            Path cache = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), "quorumlab-node-cds"));
            prune(cache);
            List<String> entries = new ArrayList<>();
            for (String entry : classPath.split(File.pathSeparator)) {
                if (entry.isEmpty()) continue;
                Path p = Path.of(entry);
                if (Files.isDirectory(p)) entries.add(jarOf(p, cache).toString());
                else if (Files.isRegularFile(p)) entries.add(entry);
            }
            String jarPath = String.join(File.pathSeparator, entries);
            MessageDigest key = digest();
            key.update(System.getProperty("java.home").getBytes(StandardCharsets.UTF_8));
            key.update(System.getProperty("java.vm.version").getBytes(StandardCharsets.UTF_8));
            key.update(String.join(" ", jvmOptions).getBytes(StandardCharsets.UTF_8));
            for (String entry : entries) {
                Path p = Path.of(entry);
                key.update((entry + "|" + Files.size(p) + "|" + Files.getLastModifiedTime(p).toMillis() + "\n").getBytes(StandardCharsets.UTF_8));
            }
            Path archive = cache.resolve("node-" + hex(key) + ".jsa");
            if (!Files.isRegularFile(archive)) train(jarPath, jvmOptions, archive);
            if (!Files.isRegularFile(archive)) return new Launch(classPath, List.of());
            touch(archive);
            return new Launch(jarPath, List.of("-XX:SharedArchiveFile=" + archive, "-Xshare:auto"));
        } catch (IOException | UncheckedIOException e) {
            return new Launch(classPath, List.of());
        }
    }

    /** Runs the training process, which writes the archive when it exits; renamed into place only when whole. */
    private static void train(String classPath, List<String> jvmOptions, Path archive) throws IOException {
        Path partial = archive.resolveSibling(archive.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        Path log = archive.resolveSibling(archive.getFileName() + ".log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-XX:ArchiveClassesAtExit=" + partial);
        command.add("-Dlogback.statusListenerClass=ch.qos.logback.core.status.NopStatusListener");
        command.add("-cp");
        command.add(classPath);
        command.add(NodeMain.class.getName());
        command.add(NodeMain.TRAIN);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putIfAbsent("QUORUMLAB_LOG_LEVEL", "WARN");
        Process p = pb.start();
        try {
            if (!p.waitFor(TRAINING_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            } else if (p.exitValue() == 0 && Files.isRegularFile(partial)) {
                Files.move(partial, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    /** A jar with the directory's files, made once per content (names, sizes, times). */
    private static Path jarOf(Path dir, Path cache) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        MessageDigest key = digest();
        key.update(dir.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8));
        for (Path f : files) {
            key.update((dir.relativize(f) + "|" + Files.size(f) + "|" + Files.getLastModifiedTime(f).toMillis() + "\n").getBytes(StandardCharsets.UTF_8));
        }
        Path jar = cache.resolve("dir-" + hex(key) + ".jar");
        // never touched once made: an archive is valid only for the jars' times when it was written
        if (Files.isRegularFile(jar)) return jar;
        Path partial = jar.resolveSibling(jar.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        try (OutputStream out = Files.newOutputStream(partial); JarOutputStream jarOut = new JarOutputStream(out)) {
            for (Path f : files) {
                JarEntry e = new JarEntry(dir.relativize(f).toString().replace(File.separatorChar, '/'));
                e.setTime(Files.getLastModifiedTime(f).toMillis());
                jarOut.putNextEntry(e);
                Files.copy(f, jarOut);
                jarOut.closeEntry();
            }
        }
        Files.move(partial, jar, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return jar;
    }

    /** Removes what no run used for a day (each rebuild leaves a jar and an archive behind). */
    private static void prune(Path cache) throws IOException {
        Instant old = Instant.now().minus(UNUSED);
        try (Stream<Path> files = Files.list(cache)) {
            for (Path f : files.toList()) {
                try {
                    if (Files.getLastModifiedTime(f).toInstant().isBefore(old)) Files.deleteIfExists(f);
                } catch (IOException e) {
                    // another run may have removed it
                }
            }
        }
    }

    private static void touch(Path f) throws IOException {
        Files.setLastModifiedTime(f, java.nio.file.attribute.FileTime.from(Instant.now()));
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(MessageDigest d) {
        return HexFormat.of().formatHex(d.digest()).substring(0, 20);
    }
}
