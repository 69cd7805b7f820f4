package quorumlab.analysis.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import quorumlab.analysis.experiment.ElectionCostTrial.Spread;
import quorumlab.analysis.experiment.PartialPartitionTrial.Topology;
import quorumlab.workload.DelaySpec;
import quorumlab.workload.Durations;

/**
 * A worker rebuilds an experiment's trials from its configuration as JSON and sends back a batch
 * of them encoded: for each experiment, the batch decodes to the trials this JVM runs from the same
 * place in its own list (every field, the doubles exactly); and batches reassemble in list order.
 * (WorkersTest runs an experiment through worker processes.)
 */
class TrialsTest {
    private static LeaderElectionExperiment.Config election(List<String> protocols, List<String> settings, int trials, String setup) {
        boolean wan = setup.equals("wan");
        String delay = wan ? LeaderElectionExperiment.WAN_DELAY : LeaderElectionExperiment.DEFAULT_DELAY;
        return new LeaderElectionExperiment.Config(protocols, settings.stream().map(Setting::parse).toList(), trials, 5,
                DelaySpec.parse(delay), delay, Durations.parse(LeaderElectionExperiment.DEFAULT_WRITE), LeaderElectionExperiment.DEFAULT_WRITE,
                false, 7, 2, setup, wan ? ElectionTrial.Logs.EQUAL : ElectionTrial.Logs.TWO_BEHIND, wan ? List.of(1, 2) : List.of(1),
                ElectionTrial.CAP);
    }

    /** Trials [from, to) as a worker sends them, decoded, against the same trials run here. */
    private static <T> void sameAsHere(String experiment, Object config, List<Callable<T>> tasks, Class<T> type, int from, int to)
            throws Exception {
        List<T> here = new ArrayList<>();
        for (Callable<T> task : tasks.subList(from, to)) here.add(task.call());
        List<T> there = Trials.decode(Trials.runBatch(experiment, Trials.plan(config), from, to), type);
        assertEquals(here, there, experiment);
    }

    @Test
    void aBatchOfEachExperimentComesBackAsTheTrialsRunHere() throws Exception {
        // the wide-area setup: two failure counts and the equal logs, so those fields travel too
        LeaderElectionExperiment.Config wan = election(List.of("raft", "multi-paxos"), List.of("300-600"), 2, "wan");
        sameAsHere(LeaderElectionExperiment.NAME, wan, LeaderElectionExperiment.tasks(wan), LeaderElectionExperiment.Trial.class, 2, 6);
        ElectionCostExperiment.Config cost = new ElectionCostExperiment.Config(List.of("raft", "multi-paxos"), List.of(10),
                List.of(Spread.values()), 1, 3, 2);
        sameAsHere(ElectionCostExperiment.NAME, cost, ElectionCostExperiment.tasks(cost), ElectionCostExperiment.Trial.class, 2, 4);
        PartialPartitionExperiment.Config partial = new PartialPartitionExperiment.Config(List.of(Topology.CUT3),
                PartialPartitionTrial.VARIANTS, 1, 1_000 * PartialPartitionTrial.MS, 0, 5, 2);
        sameAsHere(PartialPartitionExperiment.NAME, partial, PartialPartitionExperiment.tasks(partial),
                PartialPartitionExperiment.Trial.class, 3, 5);
    }

    @Test
    void aFirstCommitThatNeverCameComesBackNaN() throws Exception {
        LeaderElectionExperiment.Trial capped = new LeaderElectionExperiment.Trial("raft", Setting.parse("150-300"), 1, 0, 9,
                new ElectionTrial.Outcome(10_000, 40, true, List.of("a violation")));
        List<LeaderElectionExperiment.Trial> back = Trials.decode(Trials.encode(List.of(capped)), LeaderElectionExperiment.Trial.class);
        assertEquals(List.of(capped), back);
        assertTrue(Double.isNaN(back.get(0).outcome().firstCommitMs()));
    }

    @Test
    void batchesOnAnotherExecutorReassembleInListOrderWithTheSameResults() throws Exception {
        // 101 trials: batches of two, the last of one
        LeaderElectionExperiment.Config config = election(List.of("raft"), List.of("150-300"), 101, "paper");
        assertEquals(2, Trials.batchSize(101));
        List<LeaderElectionExperiment.Trial> here = LeaderElectionExperiment.runTrials(config, done -> { });
        List<int[]> asked = new ArrayList<>();
        Trials.Remote inProcess = new Trials.Remote() {
            @Override
            public CompletableFuture<byte[]> submit(String experiment, String plan, int from, int to) {
                asked.add(new int[] {from, to});
                // the last batch first: the order they finish in must not matter
                return asked.size() == 1 ? CompletableFuture.supplyAsync(() -> batch(experiment, plan, from, to),
                        CompletableFuture.delayedExecutor(200, java.util.concurrent.TimeUnit.MILLISECONDS))
                        : CompletableFuture.completedFuture(batch(experiment, plan, from, to));
            }

            @Override
            public String status() {
                return "";
            }
        };
        List<Integer> progress = new ArrayList<>();
        List<LeaderElectionExperiment.Trial> there = LeaderElectionExperiment.runTrials(config, inProcess, progress::add);
        assertEquals(here, there);
        assertEquals(51, asked.size());
        assertEquals(100, asked.get(50)[0]);
        assertEquals(101, asked.get(50)[1]);
        assertEquals(101, progress.size());
        assertEquals(101, progress.get(100));
    }

    private static byte[] batch(String experiment, String plan, int from, int to) {
        try {
            return Trials.runBatch(experiment, plan, from, to);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aBatchOutsideThePlanOrOfAnUnknownExperimentIsRefused() throws Exception {
        LeaderElectionExperiment.Config config = election(List.of("raft"), List.of("150-300"), 2, "paper");
        String plan = Trials.plan(config);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Trials.runBatch(LeaderElectionExperiment.NAME, plan, 1, 3))
                .getMessage().contains("no trials 1..3 in a plan of 2"));
        assertThrows(IllegalArgumentException.class, () -> Trials.runBatch("figure-17", plan, 0, 1));
    }
}
