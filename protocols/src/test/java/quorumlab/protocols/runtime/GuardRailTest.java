package quorumlab.protocols.runtime;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import quorumlab.protocols.testing.DeterminismGuard;

/**
 * Protocol code stays deterministic: the main sources of raft and multi-paxos use no Pekko, clocks,
 * unseeded randomness, threads, files or sockets (DESIGN.md: a node is an actor with no hidden inputs).
 */
class GuardRailTest {

    private static void assertClean(Path root) {
        Assumptions.assumeTrue(Files.isDirectory(root), root + " does not exist (module not built yet)");
        assertTrue(DeterminismGuard.javaFiles(root) > 0, "no Java sources under " + root);
        List<String> violations = DeterminismGuard.scan(root);
        assertTrue(violations.isEmpty(), "protocol code must stay deterministic:\n  " + String.join("\n  ", violations));
    }

    @Test
    void raftMainSourcesAreDeterministic() {
        assertClean(Path.of("..", "raft", "src", "main"));
    }

    @Test
    void multiPaxosMainSourcesAreDeterministic() {
        assertClean(Path.of("..", "multi-paxos", "src", "main"));
    }

    @Test
    void theTestProtocolsPassTheScanner() throws java.io.IOException {
        Path dir = Path.of("src", "test", "java", "quorumlab", "protocols", "testing");
        for (String file : List.of("EchoProtocol.java", "FixedLeaderLogProtocol.java")) {
            assertEquals(List.of(), DeterminismGuard.violations(file, Files.readString(dir.resolve(file))));
        }
    }

    private static void assertCaught(String code) {
        String source = "package p;\nclass X {\n  void f() {\n    " + code + "\n  }\n}\n";
        List<String> found = DeterminismGuard.violations("X.java", source);
        assertFalse(found.isEmpty(), "not caught: " + code);
        assertTrue(found.get(0).startsWith("X.java:4: "), found.toString());
    }

    @Test
    void theScannerCatchesPlantedViolations() {
        for (String code : List.of(
                "long t = System.nanoTime();",
                "long t = java.lang.System.currentTimeMillis();",
                "long t = System . nanoTime ();",
                "long t = nanoTime(); // after a static import",
                "var r = new Random(42);",
                "var r = new java.util.Random();",
                "var r = new java.util.SplittableRandom(1);",
                "double d = Math.random();",
                "int i = ThreadLocalRandom.current().nextInt();",
                "int i = java.util.concurrent.ThreadLocalRandom.current().nextInt();",
                "Thread.sleep(10);",
                "new Thread(() -> {}).start();",
                "java.lang.Thread.onSpinWait();",
                "var e = Executors.newSingleThreadExecutor();",
                "org.apache.pekko.actor.typed.ActorRef<?> ref = null;",
                "var f = new java.io.File(\"x\");",
                "var f = new FileOutputStream(\"x\");",
                "var w = new java.io.FileWriter(\"x\");",
                "var p = java.nio.file.Path.of(\"x\");",
                "Files.readString(p);",
                "var s = new java.net.Socket(\"h\", 1);",
                "var s = new Socket(\"h\", 1);",
                "var u = java.net.URI.create(\"x\");",
                "var t = java.time.Instant.now();",
                "var t = Instant.now();",
                "var d = new Date();",
                "var e = System.getenv(\"HOME\");")) {
            assertCaught(code);
        }
        List<String> imports = DeterminismGuard.violations("Y.java", String.join("\n",
                "package p;",
                "import org.apache.pekko.actor.typed.Behavior;",
                "import static java.lang.System.nanoTime;",
                "import java.util.Random;",
                "import java.util.concurrent.ThreadLocalRandom;",
                "import java.io.*;",
                "import java.nio.file.Path;",
                "import java.net.InetAddress;",
                "class Y {}"));
        assertEquals(7, imports.size(), imports.toString());
        assertTrue(imports.get(0).startsWith("Y.java:2: org.apache.pekko"), imports.get(0));
    }

    @Test
    void theScannerIgnoresCommentsStringsAndLookalikeNames() {
        String source = String.join("\n",
                "package p;",
                "/** Unlike System.nanoTime(), or new Random(), ctx.now() is virtual. Thread-free. */",
                "class Z {",
                "  // never call System.currentTimeMillis() or open a java.net.Socket here",
                "  String why = \"no new Thread( or java.nio.file here\";",
                "  String block = \"\"\"",
                "      Files. and Thread and org.apache.pekko",
                "      \"\"\";",
                "  char quote = '\"';",
                "  long threadCount; int fileIndex; Object randomSource; String threads;",
                "  void onTimer(String name) { ctx.random().nextLong(); ctx.now(); }",
                "  /* a block comment: ThreadLocalRandom */ int x = 1;",
                "}");
        assertEquals(List.of(), DeterminismGuard.violations("Z.java", source));
    }
}
