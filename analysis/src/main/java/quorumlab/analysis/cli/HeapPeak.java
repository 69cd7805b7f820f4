package quorumlab.analysis.cli;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * The most the heap held at one instant since {@link #reset}. The heap is fullest just before a
 * collection, so this is the whole heap's use just before each collection (or now, if higher).
 * Summing each pool's own peak instead (eden's, the survivors', the old generation's) adds peaks
 * reached at different instants, and can exceed {@code -Xmx}.
 */
final class HeapPeak {
    private static final Set<String> HEAP_POOLS = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(p -> p.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName).collect(Collectors.toSet());
    private static final AtomicLong PEAK = new AtomicLong();
    /**
     * Each collector's count of collections at the last reset: those up to it belong to an earlier
     * phase. (Not a time: a collection's start time and the JVM's uptime come from different clocks,
     * which drift apart over a long run, so a collection just after a reset could look older.)
     */
    private static volatile Map<String, Long> countAtReset = Map.of();

    static {
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener((n, handback) -> {
                    if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) return;
                    var notification = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
                    var info = notification.getGcInfo();
                    if (info.getId() <= countAtReset.getOrDefault(notification.getGcName(), -1L)) return;
                    long before = 0;
                    for (Map.Entry<String, MemoryUsage> pool : info.getMemoryUsageBeforeGc().entrySet()) {
                        if (HEAP_POOLS.contains(pool.getKey())) before += pool.getValue().getUsed();
                    }
                    PEAK.accumulateAndGet(before, Math::max);
                }, null, null);
            }
        }
    }

    private HeapPeak() {}

    static void reset() {
        Map<String, Long> counts = new java.util.HashMap<>();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) counts.put(gc.getName(), gc.getCollectionCount());
        countAtReset = counts;
        PEAK.set(usedNow());
    }

    static long peak() {
        return Math.max(PEAK.get(), usedNow());
    }

    private static long usedNow() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
