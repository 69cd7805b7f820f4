package quorumlab.protocols.trace;


/**
 * Where a runtime writes its trace. The simulator calls it from one thread; the Pekko runtime
 * serializes its calls, so an implementation need not be thread-safe.
 */
public interface TraceSink {
    /** A sink that keeps nothing; a runtime given it does not even count messages (the benchmarks). */
    TraceSink NONE = record -> {};

    void record(TraceRecord record);
}
