package quorumlab.analysis.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;
import quorumlab.analysis.cli.Main;
import quorumlab.workload.Bookings;

/**
 * The library's bike-rental scenario through the real runner: two users book the same bikes
 * through nodes on the two sides of a partition. Under the deliberately unsafe primary-backup, the
 * cut-off primary and the backup that took over both confirm bikes, so some bike goes to both users,
 * the checkers say so and {@code compare} exits 1; Raft and Multi-Paxos book every bike once.
 */
// swaps System.out/err, so no other test class may run (and print) meanwhile
@Isolated
class BikeRentalTest {
    @TempDir
    Path tmp;

    @Test
    void primaryBackupDoubleBooksUnderThePartitionAndConsensusDoesNot() throws Exception {
        Path out = tmp.resolve("results");
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        PrintStream saved = System.out;
        int exit;
        try {
            System.setOut(new PrintStream(stdout, true));
            exit = Main.commandLine().execute("compare", "--scenario", "bike-rental", "--protocols", "all", "--seeds", "3", "--out", out.toString());
        } finally {
            System.setOut(saved);
        }
        assertEquals(Main.EXIT_VIOLATION, exit, "a violation is exit 1:\n" + stdout);
        Path run;
        try (Stream<Path> s = Files.list(out.resolve("bike-rental"))) {
            run = s.filter(p -> !p.getFileName().toString().startsWith(".")).findFirst().orElseThrow();
        }
        for (int seed = 1; seed <= 3; seed++) {
            Bookings.Summary unsafe = Bookings.of(run.resolve("primary-backup/seed-" + seed + "/history.jsonl"));
            assertFalse(unsafe.doubleBooked().isEmpty(), "primary-backup seed " + seed + ": " + unsafe.sentence());
            assertTrue(verdict(run, "primary-backup", seed).contains("VIOLATION"), "primary-backup seed " + seed);
            for (String safe : List.of("raft", "multi-paxos")) {
                Bookings.Summary b = Bookings.of(run.resolve(safe + "/seed-" + seed + "/history.jsonl"));
                assertEquals(List.of(), b.doubleBooked(), safe + " seed " + seed);
                assertTrue(b.booked() > 0, safe + " seed " + seed + " booked bikes: " + b.sentence());
                assertFalse(verdict(run, safe, seed).contains("VIOLATION"), safe + " seed " + seed);
            }
        }
        String report = Files.readString(run.resolve("report.md"));
        assertTrue(report.contains("**primary-backup: linearizable false"), "the report says it plainly");
        assertTrue(report.contains("raft: linearizable true; no safety violations"), "raft is clean in the report");
    }

    /** Every check's status in one run's verdict.json, as one string. */
    private static String verdict(Path run, String protocol, int seed) throws Exception {
        JsonNode v = new ObjectMapper().readTree(run.resolve(protocol + "/seed-" + seed + "/verdict.json").toFile());
        List<String> statuses = new ArrayList<>();
        v.findValues("status").forEach(s -> statuses.add(s.asText()));
        return String.join(",", statuses);
    }
}
