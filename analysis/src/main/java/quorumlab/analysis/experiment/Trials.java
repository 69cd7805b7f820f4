package quorumlab.analysis.experiment;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.IntConsumer;

/**
 * Where an experiment's trials run: on this JVM's threads, or in batches on worker processes
 * ({@code experiment --workers N}). A trial is a pure function of the experiment's configuration and
 * its place in the experiment's list of trials, so a worker of the same version rebuilds that list
 * from the configuration (sent as JSON), runs its batch, and sends the trials back; they are put
 * back in list order, so the results do not depend on where or in what order the trials ran.
 */
public final class Trials {
    /** Runs batches of an experiment's trials elsewhere; its {@code Remote#submit} answers with {@link #runBatch}'s bytes. */
    public interface Remote {
        /** Trials {@code [from, to)} of the experiment whose configuration is {@code plan}. */
        CompletableFuture<byte[]> submit(String experiment, String plan, int from, int to);

        /** The workers' share of the work so far, for the progress line. */
        String status();
    }

    /**
     * Trials per batch, at most: a batch's round trip (a few milliseconds) stays small next to its
     * trials, and its results stay far below a message's frame (a trial's outcome is a few hundred bytes).
     */
    static final int MAX_BATCH = 50;
    /** About this many batches in all, so every worker slot stays busy until near the end. */
    static final int BATCHES = 100;

    private static final ObjectMapper JSON = new ObjectMapper();
    /** CBOR for the results: it keeps every double exactly, NaN included. */
    private static final ObjectMapper CBOR = new CBORMapper();

    /**
     * Every task's result, in the order of {@code tasks}: on {@code threads} threads here when
     * {@code remote} is null, else in batches on the workers, from {@code config} (which must rebuild
     * the same {@code tasks} there: {@link #tasks}).
     */
    static <T> List<T> runAll(String experiment, Object config, List<Callable<T>> tasks, Class<T> type, int threads, Remote remote,
            IntConsumer progress) throws Exception {
        if (remote == null) return Parallel.runAll(tasks, threads, progress);
        String plan = plan(config);
        int size = batchSize(tasks.size());
        List<CompletableFuture<byte[]>> batches = new ArrayList<>();
        for (int from = 0; from < tasks.size(); from += size) batches.add(remote.submit(experiment, plan, from, Math.min(tasks.size(), from + size)));
        List<T> results = new ArrayList<>(tasks.size());
        int done = 0;
        for (CompletableFuture<byte[]> batch : batches) {
            List<T> got;
            try {
                got = decode(batch.get(), type);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof Exception cause ? cause : e;
            }
            results.addAll(got);
            // one count per trial, as the threads here report them
            for (int i = 0; i < got.size(); i++) progress.accept(++done);
        }
        if (results.size() != tasks.size()) {
            throw new IllegalStateException(experiment + ": the workers sent " + results.size() + " trials for " + tasks.size());
        }
        return results;
    }

    /** For the progress line: {@code "; "} and the workers' share, or nothing without workers. */
    static String status(Remote remote) {
        String s = remote == null ? "" : remote.status();
        return s.isEmpty() ? "" : "; " + s;
    }

    static int batchSize(int trials) {
        return Math.max(1, Math.min(MAX_BATCH, (trials + BATCHES - 1) / BATCHES));
    }

    /**
     * A worker's side: rebuilds the experiment's trials from {@code plan}, runs trials {@code [from, to)}
     * one after another, and returns them encoded for {@link #runAll}.
     */
    public static byte[] runBatch(String experiment, String plan, int from, int to) throws Exception {
        List<? extends Callable<?>> tasks = tasks(experiment, plan);
        if (from < 0 || to > tasks.size() || from >= to) {
            throw new IllegalArgumentException(experiment + ": no trials " + from + ".." + to + " in a plan of " + tasks.size());
        }
        List<Object> out = new ArrayList<>();
        for (Callable<?> task : tasks.subList(from, to)) out.add(task.call());
        return encode(out);
    }

    static byte[] encode(List<?> trials) throws IOException {
        return CBOR.writeValueAsBytes(trials);
    }

    /** The experiment's list of trials, as its coordinator built it from the same configuration. */
    static List<? extends Callable<?>> tasks(String experiment, String plan) throws IOException {
        return switch (experiment) {
            case LeaderElectionExperiment.NAME -> LeaderElectionExperiment.tasks(JSON.readValue(plan, LeaderElectionExperiment.Config.class).parsed());
            case PartialPartitionExperiment.NAME -> PartialPartitionExperiment.tasks(JSON.readValue(plan, PartialPartitionExperiment.Config.class));
            case ElectionCostExperiment.NAME -> ElectionCostExperiment.tasks(JSON.readValue(plan, ElectionCostExperiment.Config.class));
            default -> throw new IllegalArgumentException("no experiment named '" + experiment + "'");
        };
    }

    /** The trials of a batch as {@link #runBatch} encoded them. */
    static <T> List<T> decode(byte[] batch, Class<T> type) throws IOException {
        return CBOR.readValue(batch, CBOR.getTypeFactory().constructCollectionType(List.class, type));
    }

    /** The configuration as a worker receives it. */
    static String plan(Object config) throws IOException {
        return JSON.writeValueAsString(config);
    }

    private Trials() {}
}
