package quorumlab.workload;

/** The workload section with every default filled in and every duration in nanoseconds. */
public record WorkloadSettings(
        boolean openLoop,
        int clients,
        long thinkTime,
        double rate,
        boolean poisson,
        int keys,
        String keyDistribution,
        double zipfTheta,
        double hotFraction,
        double readShare,
        double writeShare,
        double casShare,
        int valueSize,
        long warmup,
        long timeout,
        long giveUpAfter,
        int bikes) {

    static WorkloadSettings of(Scenario.Workload w) {
        Scenario.Mix mix = w.mix() != null ? w.mix() : new Scenario.Mix(null, null, null);
        double read = mix.read() != null ? mix.read() : 0.5;
        double write = mix.write() != null ? mix.write() : 0.4;
        double cas = mix.cas() != null ? mix.cas() : 0.1;
        return new WorkloadSettings(
                "open".equals(w.mode()),
                w.clients() != null ? w.clients() : 4,
                Durations.parse(w.thinkTime() != null ? w.thinkTime() : "10ms"),
                w.rate() != null ? w.rate() : 100.0,
                !"constant".equals(w.arrivals()),
                w.keys() != null ? w.keys() : 5,
                w.keyDistribution() != null ? w.keyDistribution() : "uniform",
                w.zipfTheta() != null ? w.zipfTheta() : 0.99,
                w.hotFraction() != null ? w.hotFraction() : 0.8,
                read,
                write,
                cas,
                w.valueSize() != null ? w.valueSize() : 8,
                Durations.parse(w.warmup() != null ? w.warmup() : "0"),
                Durations.parse(w.timeout() != null ? w.timeout() : "500ms"),
                Durations.parse(w.giveUpAfter() != null ? w.giveUpAfter() : "2s"),
                w.bikes() != null ? w.bikes() : 0);
    }
}
