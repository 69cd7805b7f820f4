package quorumlab.protocols.runtime;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class MemoryStoreTest {
    @Test
    void valuesAreStoredAndRemoved() {
        MemoryStore s = new MemoryStore();
        assertNull(s.get("term"));
        s.put("term", 3L);
        s.put("vote", "n2");
        assertEquals(3L, (Long) s.get("term"));
        assertEquals("n2", s.get("vote"));
        s.put("vote", null);
        assertNull(s.get("vote"));
        assertEquals(3, s.writes());
    }

    @Test
    void aTableKnowsItsFirstAndLastIndexThroughAppendsTruncationAndCompaction() {
        MemoryStore s = new MemoryStore();
        assertEquals(0, s.lastIndex("log"));
        assertEquals(0, s.firstIndex("log"));
        assertNull(s.getAt("log", 1));
        for (long i = 1; i <= 10; i++) s.putAt("log", i, "e" + i);
        assertEquals(1, s.firstIndex("log"));
        assertEquals(10, s.lastIndex("log"));
        assertEquals("e7", s.getAt("log", 7));

        s.removeFrom("log", 8);
        assertEquals(7, s.lastIndex("log"));
        assertNull(s.getAt("log", 8));
        s.putAt("log", 8, "x8");
        assertEquals("x8", s.getAt("log", 8));

        s.removeBelow("log", 4);
        assertEquals(4, s.firstIndex("log"));
        assertEquals(8, s.lastIndex("log"));
        assertNull(s.getAt("log", 3));
        assertEquals("e4", s.getAt("log", 4));

        s.removeFrom("log", 1);
        assertEquals(0, s.lastIndex("log"));
        assertEquals(0, s.firstIndex("log"));
        assertEquals(0, s.lastIndex("other"));
    }

    @Test
    void tablesMayHaveHoles() {
        MemoryStore s = new MemoryStore();
        s.putAt("slots", 5, "a");
        s.putAt("slots", 9, "b");
        assertEquals(5, s.firstIndex("slots"));
        assertEquals(9, s.lastIndex("slots"));
        assertNull(s.getAt("slots", 7));
        s.putAt("slots", 2, "c"); // below the first index
        assertEquals(2, s.firstIndex("slots"));
        assertEquals("a", s.getAt("slots", 5));
        assertEquals("b", s.getAt("slots", 9));
        s.removeFrom("slots", 6);
        assertEquals(5, s.lastIndex("slots"));
        s.putAt("slots", 5, null);
        assertEquals(2, s.lastIndex("slots"), "the last index skips the hole left behind");
        s.removeBelow("slots", 3);
        assertEquals(0, s.lastIndex("slots"));
        assertThrows(IllegalArgumentException.class, () -> s.putAt("slots", 0, "zero"));
    }

    @Test
    void aLogOfMillionsOfEntriesIsCheap() {
        MemoryStore s = new MemoryStore();
        int n = 3_000_000;
        for (long i = 1; i <= n; i++) s.putAt("log", i, Long.valueOf(i & 1023));
        assertEquals(n, s.lastIndex("log"));
        s.removeBelow("log", n - 10);
        s.removeFrom("log", n - 5);
        assertEquals(n - 10, s.firstIndex("log"));
        assertEquals(n - 6, s.lastIndex("log"));
        assertEquals(Long.valueOf((n - 7) & 1023), s.getAt("log", n - 7));
        assertEquals(n + 2, s.writes());
    }
}
