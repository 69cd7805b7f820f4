package quorumlab.analysis.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import quorumlab.protocols.ClusterConfig;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.Protocol;
import quorumlab.protocols.trace.InMemoryTrace;
import quorumlab.protocols.runtime.NetworkModel;
import quorumlab.protocols.trace.TraceLevel;
import quorumlab.protocols.sim.Simulation;
import quorumlab.protocols.trace.TraceRecord;
import quorumlab.workload.DelaySpec;
import quorumlab.workload.Durations;

/**
 * A reduced Figure 16 for Raft, asserting the qualitative results the paper reports, and that every
 * trial passes the safety checks.
 */
class LeaderElectionExperimentTest {
    private static LeaderElectionExperiment.Config config(List<String> settings, int trials) {
        return config("raft", settings, trials);
    }

    private static LeaderElectionExperiment.Config config(String protocol, List<String> settings, int trials) {
        return new LeaderElectionExperiment.Config(List.of(protocol), settings.stream().map(Setting::parse).toList(), trials, 5,
                DelaySpec.parse(LeaderElectionExperiment.DEFAULT_DELAY), LeaderElectionExperiment.DEFAULT_DELAY,
                Durations.parse(LeaderElectionExperiment.DEFAULT_WRITE), LeaderElectionExperiment.DEFAULT_WRITE, false, 1, 2);
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
        // The paper: the leader crashed within the heartbeat interval after its broadcast, so "the
        // smallest possible downtime was about half of the minimum election timeout".
        double fastest = trials.stream().filter(t -> t.setting().minMs() == 150).mapToDouble(t -> t.outcome().electionMs())
                .min().orElseThrow();
        assertTrue(fastest >= 75 && fastest < 110, "fastest election at 150-x: " + fastest);

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
    void pokingTheLeadersHeartbeatTimerBroadcastsToEveryFollowerAtOnce() {
        InMemoryTrace trace = new InMemoryTrace();
        Simulation sim = Simulation.builder().seed(3).cluster(ClusterConfig.ofSize(5))
                .protocol(Protocol.byName("raft"), null).network(new NetworkModel().setDelay(DelaySpec.parse("uniform(6ms,9ms)")))
                .trace(trace, TraceLevel.FULL).build();
        assertTrue(sim.runUntil(() -> sim.leader().isPresent(), 5_000 * ElectionTrial.MS));
        NodeId leader = sim.leader().get();
        sim.runFor(20 * ElectionTrial.MS);
        long at = sim.now();
        NodeId follower = sim.cluster().peersOf(leader).get(0);
        assertFalse(sim.fireTimerNow(follower, ElectionTrial.HEARTBEAT_TIMER), "a follower has no heartbeat pending");
        assertTrue(sim.fireTimerNow(leader, ElectionTrial.HEARTBEAT_TIMER));
        sim.runUntil(at);
        Set<NodeId> reached = trace.records().stream()
                .filter(r -> r instanceof TraceRecord.Send s && s.t() == at && s.from().equals(leader))
                .map(r -> ((TraceRecord.Send) r).to()).collect(Collectors.toSet());
        assertEquals(Set.copyOf(sim.cluster().peersOf(leader)), reached);
    }

    @Test
    void withNoRandomnessTheFirstLeaderStillEmergesAndThePaperRan100Trials() {
        // Nodes booted together with equal timeouts would never elect the leader the trial crashes.
        ElectionTrial.Outcome o = ElectionTrial.run(Protocol.byName("raft"), Setting.parse("150-150"), 5,
                DelaySpec.parse(LeaderElectionExperiment.DEFAULT_DELAY),
                Durations.parse(LeaderElectionExperiment.DEFAULT_WRITE), false, 7);
        assertTrue(o.termsOrBallots() > 1, "the crash came and split votes followed: " + o);
        assertEquals(100, PaperFigure16.trialsFor(Setting.parse("150-150"), 1000));
        assertEquals(60, PaperFigure16.trialsFor(Setting.parse("150-150"), 60));
        assertEquals(1000, PaperFigure16.trialsFor(Setting.parse("150-151"), 1000));
    }

    @Test
    void multiPaxosHasNoSplitVoteLivelockWithoutRandomness() throws Exception {
        LeaderElectionExperiment.Config config = config("multi-paxos", List.of("150-150"), 20);
        List<LeaderElectionExperiment.Trial> trials = LeaderElectionExperiment.runTrials(config, done -> { });
        assertTrue(trials.stream().allMatch(t -> t.outcome().violations().isEmpty()), "every trial is safe");
        LeaderElectionExperiment.Row row = LeaderElectionExperiment.rows(trials, config).get(0);
        // The highest ballot wins within a round trip, however many proposers start together.
        assertEquals(0, row.censored(), row.toString());
        assertTrue(row.maxMs() < 300, row.toString());
    }

    @Test
    void aVoteLeavesOnlyAfterItsDurableWrite() {
        InMemoryTrace trace = new InMemoryTrace();
        long write = 11 * ElectionTrial.MS;
        Simulation sim = Simulation.builder().seed(5).cluster(ClusterConfig.ofSize(3)).protocol(Protocol.byName("raft"), null)
                .network(new NetworkModel().setDelay(DelaySpec.parse("constant(1ms)"))).trace(trace, TraceLevel.FULL)
                .sendDelay(m -> ElectionTrial.AFTER_WRITE.contains(m.typeName()) ? write : 0).build();
        assertTrue(sim.runUntil(() -> sim.leader().isPresent(), 5_000 * ElectionTrial.MS));
        Map<Long, Long> sentAt = trace.records().stream().filter(r -> r instanceof TraceRecord.Send)
                .map(r -> (TraceRecord.Send) r).collect(Collectors.toMap(TraceRecord.Send::id, TraceRecord.Send::t));
        List<Long> transit = trace.records().stream()
                .filter(r -> r instanceof TraceRecord.Deliver d && d.type().startsWith("RequestVote"))
                .map(r -> (TraceRecord.Deliver) r).map(d -> d.t() - sentAt.get(d.id())).distinct().sorted().toList();
        assertEquals(List.of(ElectionTrial.MS, ElectionTrial.MS + write), transit, "requests take 1 ms, votes 1 ms + the write");
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
