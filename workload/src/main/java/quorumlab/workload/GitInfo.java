package quorumlab.workload;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The git commit of the working directory, read from .git without running git; "unknown" outside a checkout. */
final class GitInfo {
    static String commit() {
        try {
            Path dir = Path.of("").toAbsolutePath();
            while (dir != null && !Files.exists(dir.resolve(".git"))) dir = dir.getParent();
            if (dir == null) return "unknown";
            Path git = dir.resolve(".git");
            if (Files.isRegularFile(git)) {
                // a worktree: ".git" names the real git directory
                String line = Files.readString(git, StandardCharsets.UTF_8).trim();
                git = dir.resolve(line.replaceFirst("^gitdir:\\s*", ""));
            }
            String head = Files.readString(git.resolve("HEAD"), StandardCharsets.UTF_8).trim();
            if (!head.startsWith("ref: ")) return head;
            String ref = head.substring(5);
            Path refFile = git.resolve(ref);
            if (Files.exists(refFile)) return Files.readString(refFile, StandardCharsets.UTF_8).trim();
            Path common = Files.exists(git.resolve("commondir"))
                    ? git.resolve(Files.readString(git.resolve("commondir"), StandardCharsets.UTF_8).trim()) : git;
            Path shared = common.resolve(ref);
            if (Files.exists(shared)) return Files.readString(shared, StandardCharsets.UTF_8).trim();
            Path packed = common.resolve("packed-refs");
            if (Files.exists(packed)) {
                for (String line : Files.readAllLines(packed, StandardCharsets.UTF_8)) {
                    if (line.endsWith(" " + ref)) return line.substring(0, line.indexOf(' '));
                }
            }
            return "unknown";
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private GitInfo() {}
}
