package quorumlab.analysis.workers;

import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Everything the coordinator and its workers say to each other. Pekko serializes these with Jackson
 * CBOR (bound in {@link Coordinator#config}); the records under "inside one process only" never
 * leave their JVM.
 */
sealed interface WorkerWire {
    /**
     * One unit of work: a scenario (as the JSON its loader reads back), a protocol and a seed, run
     * in the simulator; or, when {@code trials} is set, a batch of an experiment's trials (the other
     * fields empty). {@code id} numbers it in the coordinator; a reassigned unit keeps its id.
     */
    record Unit(long id, String scenarioJson, String protocol, long seed, TrialBatch trials) {
        Unit(long id, String scenarioJson, String protocol, long seed) {
            this(id, scenarioJson, protocol, seed, null);
        }
    }

    /** Trials {@code [from, to)} of an experiment, whose configuration {@code plan} is (JSON): see {@code experiment.Trials}. */
    record TrialBatch(String experiment, String plan, int from, int to) {}

    // ---- worker to coordinator ----

    /** A worker introduces itself: its version must be the coordinator's, or it is refused. */
    record Hello(String name, String version, int slots, long pid, ActorRef<WorkerWire> worker) implements WorkerWire {}

    /** The worker has {@code free} more slots: it asks for that many units. */
    record Pull(String name, int free) implements WorkerWire {}

    /** Part of a file of a unit's run, at {@code offset}; the chunks of a file arrive in order (one sender, one receiver). */
    record Chunk(String name, long unit, String file, long offset, byte[] data) implements WorkerWire {}

    /**
     * A unit's run is done; its files were sent before. The result carries its inputs ({@code unit}),
     * the SHA-256 of every file and of its trace, and the run's figures; or {@code error}, one line.
     * A batch of trials sends no files: its trials come here ({@code trials}, encoded), and
     * {@code traceSha256} is their SHA-256, so two copies of a batch are compared as two seeds are.
     */
    record Result(String name, Unit unit, String traceSha256, Map<String, String> fileSha256, long completedOperations,
            double wallSeconds, long messagesDelivered, String error, byte[] trials) implements WorkerWire {}

    // ---- coordinator to worker ----

    /** The worker is accepted; work follows as it pulls. */
    record Welcome(ActorRef<WorkerWire> coordinator) implements WorkerWire {}

    /** The worker is refused (another version): it prints the line and exits. */
    record Refused(String line) implements WorkerWire {}

    /** Run this unit. */
    record Assign(Unit unit) implements WorkerWire {}

    /** The coordinator is done: the worker exits. */
    record Finished() implements WorkerWire {}

    // ---- inside one process only (never serialized) ----

    /**
     * A unit the coordinator's caller wants done; {@code done} completes with its first result once
     * its files are in {@code dir} (null for a batch of trials, which has no files).
     */
    record Submit(Unit unit, java.nio.file.Path dir, java.util.concurrent.CompletableFuture<Result> done) implements WorkerWire {}

    /** A worker process this coordinator started has exited. */
    record ProcessExited(String name, int exitValue) implements WorkerWire {}

    /** A cluster membership or reachability event, adapted. */
    record Membership(Object event) implements WorkerWire {}

    /** The worker's periodic look at its own membership, until it has joined. */
    record Tick() implements WorkerWire {}

    /** The coordinator is closing: it tells its workers, then answers {@code done}. */
    record Close(java.util.concurrent.CompletableFuture<Void> done) implements WorkerWire {}
}
