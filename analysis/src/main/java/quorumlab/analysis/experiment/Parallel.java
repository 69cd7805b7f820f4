package quorumlab.analysis.experiment;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/** Runs independent trials on a pool of threads. */
final class Parallel {
    private Parallel() {}

    /**
     * Every task's result, in the order the tasks were given, so an experiment's output does not
     * depend on how many threads ran it; {@code progress} hears the count of finished tasks.
     */
    static <T> List<T> runAll(List<Callable<T>> tasks, int threads, IntConsumer progress) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            AtomicInteger done = new AtomicInteger();
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> task : tasks) {
                futures.add(pool.submit(() -> {
                    T result = task.call();
                    progress.accept(done.incrementAndGet());
                    return result;
                }));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) results.add(f.get());
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
