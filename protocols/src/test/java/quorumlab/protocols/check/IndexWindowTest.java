package quorumlab.protocols.check;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The index window answers as the TreeMap it replaces in the checkers, whatever the order of puts and removals. */
class IndexWindowTest {
    @Test
    void agreesWithATreeMapUnderRandomOperations() {
        SplittableRandom random = new SplittableRandom(16);
        IndexWindow<String> window = new IndexWindow<>();
        TreeMap<Long, String> map = new TreeMap<>();
        long base = 1;
        for (int step = 0; step < 20_000; step++) {
            int what = random.nextInt(100);
            // Mostly appends near the top, as logs grow; sometimes below the window or past a gap.
            long index = what < 70 ? (map.isEmpty() ? base : map.lastKey() + 1)
                    : base + random.nextInt(what < 95 ? 300 : 5_000) - 50;
            if (what < 85) {
                String value = "v" + step;
                assertEquals(map.put(index, value), window.put(index, value), "put " + index);
            } else if (what < 90) {
                assertEquals(map.putIfAbsent(index, "w" + step), window.putIfAbsent(index, "w" + step), "putIfAbsent " + index);
            } else if (what < 95) {
                map.headMap(index, true).clear();
                window.removeThrough(index);
                base = Math.max(base, index);
            } else {
                map.tailMap(index, true).clear();
                window.removeFrom(index);
            }
            assertEquals(map.isEmpty(), window.isEmpty());
            if (!map.isEmpty()) {
                assertEquals(map.lastKey(), window.lastIndex());
                assertEquals(map.firstKey(), window.lowestIndex());
            }
            long probe = base + random.nextInt(400) - 100;
            assertEquals(map.get(probe), window.get(probe), "get " + probe);
        }
        List<Map.Entry<Long, String>> seen = new ArrayList<>();
        window.forEach(Long.MIN_VALUE, Long.MAX_VALUE, (i, v) -> seen.add(Map.entry(i, v)));
        assertEquals(new ArrayList<>(map.entrySet()), seen);
        assertFalse(map.isEmpty(), "the run ends with indexes held, so the comparison above saw some");
    }

    @Test
    void forEachVisitsOnlyTheRangeAsked() {
        IndexWindow<String> window = new IndexWindow<>();
        for (long i = 10; i <= 20; i += 2) window.put(i, "e" + i);
        List<Long> seen = new ArrayList<>();
        window.forEach(12, 17, (i, v) -> seen.add(i));
        assertEquals(List.of(12L, 14L, 16L), seen);
    }
}
