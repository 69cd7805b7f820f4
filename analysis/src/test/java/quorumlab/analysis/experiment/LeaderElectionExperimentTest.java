package quorumlab.analysis.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import quorumlab.workload.DelaySpec;

/**
 * A reduced Figure 16 for Raft, asserting the qualitative results the paper reports, and that every
 * trial passes the safety checks.
 */
class LeaderElectionExperimentTest {
    private static LeaderElectionExperiment.Config config(List<String> settings, int trials) {
        return new LeaderElectionExperiment.Config(List.of("raft"), settings.stream().map(Setting::parse).toList(), trials, 5,
                DelaySpec.parse("uniform(6ms,9ms)"), "uniform(6ms,9ms)", false, 1, 2);
    }

    @Test
    void theRaftPapersQualitativeResultsHold(@TempDir Path dir) throws Exception {
        LeaderElectionExperiment.Config config = config(List.of("150-150", "150-155", "150-200", "150-300", "12-24"), 60);
        List<LeaderElectionExperiment.Trial> trials = LeaderElectionExperiment.runTrials(config, done -> { });
        assertTrue(trials.stream().allMatch(t -> t.outcome().violations().isEmpty()), "every trial is safe");
        Map<String, LeaderElectionExperiment.Row> rows = LeaderElectionExperiment.rows(trials, config).stream()
                .collect(Collectors.toMap(LeaderElectionExperiment.Row::setting, r -> r));
        // No randomness: split votes repeat; as the paper says, elections take longer than 10 s,
        // far longer than with 5 ms of randomness.
        assertTrue(rows.get("150-150").medianMs() > 10_000, rows.toString());
        assertTrue(rows.get("150-150").medianMs() > 4 * rows.get("150-155").medianMs(), rows.toString());
        // More randomness lowers the worst case.
        assertTrue(rows.get("150-200").maxMs() < rows.get("150-155").maxMs(), rows.toString());
        // Shorter timeouts elect faster.
        assertTrue(rows.get("12-24").medianMs() < rows.get("150-300").medianMs(), rows.toString());

        Path out = dir.resolve("run");
        LeaderElectionExperiment.write(trials, LeaderElectionExperiment.rows(trials, config), config, out, 1.0);
        assertEquals(1 + 5 * 60, Files.readAllLines(out.resolve("trials.csv")).size());
        String summary = Files.readString(out.resolve("summary.json"));
        assertTrue(summary.contains("\"150-155\"") && summary.contains("\"median_ms\""), summary);
        assertTrue(Files.size(out.resolve("charts/raft-randomness.png")) > 1000);
        assertTrue(Files.size(out.resolve("charts/raft-scaled.svg")) > 1000);
        assertTrue(Files.readString(out.resolve("report.md")).contains("median 287"));
    }

    @Test
    void aSettingIsMinDashMax() {
        assertEquals(new Setting(150, 300), Setting.parse("150-300"));
        assertTrue(assertThrowsMessage("300-150").contains("MIN <= MAX"));
        assertTrue(assertThrowsMessage("fast").contains("not MIN-MAX"));
    }

    private static String assertThrowsMessage(String text) {
        try {
            Setting.parse(text);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        throw new AssertionError("accepted " + text);
    }
}
