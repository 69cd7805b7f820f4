package quorumlab.protocols.store;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import quorumlab.protocols.NodeId;

/** The disk store keeps what the memory store keeps, across closing and opening, and refuses damage. */
class DiskStoreTest {
    private static final NodeId N3 = NodeId.of(3);

    @TempDir
    Path dir;

    /** Flips bytes in the middle of {@code file}, where a record (not the torn tail a crash may leave) lies. */
    static void damage(Path file) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            long middle = f.length() / 2;
            assertTrue(middle > 64, file + " is too small to damage: " + f.length() + " bytes");
            for (long at = middle; at < middle + 16; at++) {
                f.seek(at);
                int b = f.read();
                f.seek(at);
                f.write(b ^ 0x5a);
            }
        }
    }

    @Test
    void valuesAndTablesComeBackAfterReopening() {
        Path store = dir.resolve("n3");
        try (DiskStore s = DiskStore.open(N3, store)) {
            s.put("term", 3L);
            s.put("vote", "n2");
            s.put("gone", "x");
            s.put("gone", null);
            for (long i = 1; i <= 10; i++) s.putAt("log", i, "e" + i);
            s.removeFrom("log", 8); // a conflicting suffix
            s.putAt("log", 8, "x8");
            s.removeBelow("log", 4); // compaction
            s.putAt("slots", 5, "a");
            s.putAt("slots", 9, "b");
            s.putAt("slots", 9, null);
            s.sync();
            assertEquals(20, s.writes());
            assertEquals(1, s.syncs(), "one handler's writes are one sync");
        }
        try (DiskStore s = DiskStore.open(N3, store)) {
            assertEquals(3L, (Long) s.get("term"));
            assertEquals("n2", s.get("vote"));
            assertNull(s.get("gone"));
            assertEquals(4, s.firstIndex("log"));
            assertEquals(8, s.lastIndex("log"));
            assertNull(s.getAt("log", 3));
            assertEquals("e4", s.getAt("log", 4));
            assertEquals("e7", s.getAt("log", 7));
            assertEquals("x8", s.getAt("log", 8));
            assertNull(s.getAt("log", 9));
            assertEquals(5, s.firstIndex("slots"));
            assertEquals(5, s.lastIndex("slots"));
            assertEquals(0, s.writes(), "reading back is not writing");
            s.removeFrom("log", 1);
            s.sync();
        }
        try (DiskStore s = DiskStore.open(N3, store)) {
            assertEquals(0, s.lastIndex("log"));
            assertEquals(0, s.firstIndex("log"));
        }
    }

    @Test
    void aWriteNotSyncedIsNotDurable() {
        Path store = dir.resolve("n3");
        try (DiskStore s = DiskStore.open(N3, store)) {
            s.put("term", 1L);
            s.sync();
            s.put("term", 2L);
            assertEquals(2L, (Long) s.get("term"), "the node reads its own write at once");
        }
        try (DiskStore s = DiskStore.open(N3, store)) {
            assertEquals(1L, (Long) s.get("term"));
        }
    }

    @Test
    void aDamagedLogIsOneLineNamingNodeAndFileAndNeverAReset() throws IOException {
        Path store = dir.resolve("n3");
        try (DiskStore s = DiskStore.open(N3, store)) {
            for (long i = 1; i <= 200; i++) {
                s.putAt("log", i, AckingWriter.entry(i));
                s.put("term", i);
                s.sync();
            }
        }
        Path log = KillNineTest.writeAheadLog(store);
        damage(log);
        for (int attempt = 0; attempt < 2; attempt++) { // the failed open changed nothing
            CorruptStoreException e = assertThrows(CorruptStoreException.class, () -> DiskStore.open(N3, store));
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
            assertTrue(e.getMessage().startsWith("n3: store " + store + " is corrupt"), e.getMessage());
            assertTrue(e.getMessage().contains(log.getFileName().toString()), e.getMessage());
        }
    }

    @Test
    void aStoreWhoseCurrentFileIsGoneIsNotStartedEmpty() throws IOException {
        Path store = dir.resolve("n3");
        try (DiskStore s = DiskStore.open(N3, store)) {
            s.put("term", 7L);
            s.sync();
        }
        Files.delete(store.resolve("CURRENT"));
        CorruptStoreException e = assertThrows(CorruptStoreException.class, () -> DiskStore.open(N3, store));
        assertTrue(e.getMessage().startsWith("n3: store " + store), e.getMessage());
        assertTrue(e.getMessage().contains("CURRENT"), e.getMessage());
    }
}
