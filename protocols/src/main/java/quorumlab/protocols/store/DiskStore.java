package quorumlab.protocols.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WALRecoveryMode;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import quorumlab.protocols.DurableStore;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.runtime.MemoryStore;

/**
 * A node's durable store on disk, in RocksDB: its write-ahead log takes each handler's writes as one
 * batch and fsyncs it in {@link #sync()}, so what a node promised survives {@code kill -9} and power
 * loss alike. Reads never touch the disk: every value is also kept in a {@link MemoryStore}, filled
 * from the disk when the store opens (a node reads its whole state in {@code onStart} anyway).
 *
 * <p>On disk a value under key {@code k} is the pair ({@code 'v' k}, CBOR of the value); entry
 * {@code i} of table {@code t} is ({@code 't' t 0x00 i}, CBOR), {@code i} as 8 big-endian bytes, so a
 * table's entries lie in index order and a truncation or compaction is one range deletion.
 *
 * <p>Opening refuses, with a {@link CorruptStoreException}, a store it cannot read back whole: a
 * damaged or missing file, a record in the middle of the log whose checksum fails, a value that does
 * not decode. Only a torn record at the very end of the log is dropped: its write never returned
 * from fsync, so no node acted on it. One node uses a store, from one thread.
 */
public final class DiskStore implements DurableStore, AutoCloseable {
    static {
        RocksDB.loadLibrary();
    }

    private static final byte VALUE = 'v';
    private static final byte TABLE = 't';

    private final NodeId node;
    private final Path dir;
    private final ValueCodec codec = new ValueCodec();
    private final MemoryStore cache = new MemoryStore();
    private final long loadedWrites;
    private final Options options;
    private final RocksDB db;
    private final WriteOptions durable = new WriteOptions().setSync(true);
    private final WriteBatch pending = new WriteBatch();
    private long syncs;
    private boolean closed;

    private DiskStore(NodeId node, Path dir, Options options, RocksDB db) {
        this.node = node;
        this.dir = dir;
        this.options = options;
        this.db = db;
        try {
            load();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        this.loadedWrites = cache.writes();
    }

    /**
     * Opens {@code node}'s store in {@code dir}, creating it if the directory is missing or empty, and
     * reads it back whole.
     *
     * @throws CorruptStoreException if the directory holds a store that cannot be read back whole
     * @throws UncheckedIOException if the directory cannot be created or opened (held by another process, say)
     */
    public static DiskStore open(NodeId node, Path dir) {
        boolean fresh = isMissingOrEmpty(dir);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(node + ": cannot create store directory " + dir + ": " + e.getMessage(), e);
        }
        Options options = new Options()
                // an existing store whose CURRENT file is gone must be an error, never a new empty store
                .setCreateIfMissing(fresh)
                .setParanoidChecks(true)
                .setWalRecoveryMode(WALRecoveryMode.TolerateCorruptedTailRecords)
                .setInfoLogLevel(InfoLogLevel.WARN_LEVEL)
                .setKeepLogFileNum(2)
                .setStatsDumpPeriodSec(0)
                // a node's state is small; the 64 MB default per node adds up with five nodes in one JVM
                .setWriteBufferSize(8L << 20);
        RocksDB db = null;
        try {
            db = RocksDB.open(options, dir.toString());
            if (!fresh) db.verifyChecksum();
        } catch (RocksDBException e) {
            if (db != null) db.close();
            options.close();
            throw failure(node, dir, e);
        }
        return new DiskStore(node, dir, options, db);
    }

    private static boolean isMissingOrEmpty(Path dir) {
        if (!Files.isDirectory(dir)) return true;
        try (Stream<Path> files = Files.list(dir)) {
            return files.findAny().isEmpty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read store directory " + dir + ": " + e.getMessage(), e);
        }
    }

    private static UncheckedIOException failure(NodeId node, Path dir, RocksDBException e) {
        String status = oneLine(e.getMessage());
        org.rocksdb.Status.Code code = e.getStatus() == null ? null : e.getStatus().getCode();
        if (code == org.rocksdb.Status.Code.IOError && status.contains("lock")) {
            return new UncheckedIOException(node + ": store " + dir + " is in use by another process: " + status, new IOException(e));
        }
        return new CorruptStoreException(node + ": store " + dir + " is corrupt and the node will not start from it"
                + " (move the directory away to start the node empty): " + status + damagedFile(dir, status), e);
    }

    /**
     * RocksDB's message names the file when it knows it (a missing CURRENT, say), but not for a
     * checksum that fails: then each table file is checked on its own, and failing that the
     * write-ahead log, which recovery read last, is named.
     */
    private static String damagedFile(Path dir, String status) {
        try (Stream<Path> files = Files.list(dir)) {
            java.util.List<Path> all = files.sorted().toList();
            for (Path f : all) {
                if (status.contains(f.getFileName().toString())) return "";
            }
            for (Path f : all) {
                if (!f.getFileName().toString().endsWith(".sst")) continue;
                try (Options o = new Options(); org.rocksdb.SstFileReader reader = new org.rocksdb.SstFileReader(o)) {
                    reader.open(f.toString());
                    reader.verifyChecksum();
                } catch (RocksDBException bad) {
                    return " in " + f.getFileName();
                }
            }
            String logs = all.stream().map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".log"))
                    .collect(java.util.stream.Collectors.joining(", "));
            return logs.isEmpty() ? "" : " in write-ahead log " + logs;
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static String oneLine(String s) {
        return s == null ? "unknown error" : s.replaceAll("\\s+", " ").trim();
    }

    private void load() {
        try (RocksIterator it = db.newIterator()) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                byte[] key = it.key();
                Object value = decode(key, it.value());
                if (key.length > 1 && key[0] == VALUE) {
                    cache.put(new String(key, 1, key.length - 1, StandardCharsets.UTF_8), value);
                } else if (key.length > 1 && key[0] == TABLE) {
                    int end = indexOf0(key);
                    if (end < 0 || key.length - end - 1 != Long.BYTES) throw corrupt("a table key of " + key.length + " bytes", null);
                    long index = ByteBuffer.wrap(key, end + 1, Long.BYTES).getLong();
                    if (index < 1) throw corrupt("table entry with index " + index, null);
                    cache.putAt(new String(key, 1, end - 1, StandardCharsets.UTF_8), index, value);
                } else {
                    throw corrupt("a key of unknown kind", null);
                }
            }
            it.status();
        } catch (RocksDBException e) {
            throw failure(node, dir, e);
        }
    }

    private Object decode(byte[] key, byte[] bytes) {
        try {
            return codec.decode(bytes);
        } catch (IOException e) {
            throw corrupt("a value that does not decode (" + oneLine(e.getMessage()) + ")", e);
        }
    }

    private CorruptStoreException corrupt(String what, Throwable cause) {
        return new CorruptStoreException(node + ": store " + dir + " is corrupt and the node will not start from it"
                + " (move the directory away to start the node empty): " + what, cause);
    }

    private static int indexOf0(byte[] key) {
        for (int i = 1; i < key.length; i++) if (key[i] == 0) return i;
        return -1;
    }

    private static byte[] valueKey(String key) {
        byte[] name = key.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[name.length + 1];
        out[0] = VALUE;
        System.arraycopy(name, 0, out, 1, name.length);
        return out;
    }

    private static byte[] tableKey(String table, long index) {
        byte[] name = table.getBytes(StandardCharsets.UTF_8);
        if (table.isEmpty() || table.indexOf('\0') >= 0) throw new IllegalArgumentException("not a table name: '" + table + "'");
        return ByteBuffer.allocate(name.length + 2 + Long.BYTES).put(TABLE).put(name).put((byte) 0).putLong(index).array();
    }

    /** The directory the store lives in. */
    public Path directory() {
        return dir;
    }

    /** How many times {@link #sync()} had writes to make durable (each one fsync). */
    public long syncs() {
        return syncs;
    }

    // ---- DurableStore ----

    @Override
    public <T> T get(String key) {
        return cache.get(key);
    }

    @Override
    public void put(String key, Object value) {
        open();
        byte[] k = valueKey(key);
        byte[] v = value == null ? null : codec.encode(value);
        cache.put(key, value);
        write(() -> {
            if (v == null) pending.delete(k);
            else pending.put(k, v);
        });
    }

    @Override
    public <T> T getAt(String table, long index) {
        return cache.getAt(table, index);
    }

    @Override
    public void putAt(String table, long index, Object value) {
        open();
        byte[] v = value == null ? null : codec.encode(value);
        cache.putAt(table, index, value);
        byte[] k = tableKey(table, index);
        write(() -> {
            if (v == null) pending.delete(k);
            else pending.put(k, v);
        });
    }

    @Override
    public void removeFrom(String table, long fromIndex) {
        open();
        cache.removeFrom(table, fromIndex);
        byte[] from = tableKey(table, Math.max(0, fromIndex));
        byte[] end = tableKey(table, Long.MAX_VALUE);
        // deleteRange excludes its end: the entry at Long.MAX_VALUE goes too
        write(() -> {
            pending.deleteRange(from, end);
            pending.delete(end);
        });
    }

    @Override
    public void removeBelow(String table, long belowIndex) {
        open();
        cache.removeBelow(table, belowIndex);
        if (belowIndex <= 1) return;
        byte[] from = tableKey(table, 0);
        byte[] below = tableKey(table, belowIndex);
        write(() -> pending.deleteRange(from, below));
    }

    @Override
    public long lastIndex(String table) {
        return cache.lastIndex(table);
    }

    @Override
    public long firstIndex(String table) {
        return cache.firstIndex(table);
    }

    @Override
    public long writes() {
        return cache.writes() - loadedWrites;
    }

    /** Writes every change since the last sync to the log as one batch and fsyncs it (group commit). */
    @Override
    public void sync() {
        open();
        if (pending.count() == 0) return;
        try {
            db.write(durable, pending);
            pending.clear();
            syncs++;
        } catch (RocksDBException e) {
            throw new UncheckedIOException(node + ": cannot write store " + dir + ": " + oneLine(e.getMessage()), new IOException(e));
        }
    }

    /**
     * Closes the store. Writes not yet synced are lost, as in a crash: the runtime syncs after every
     * handler, so only a write nobody was told of can be.
     */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        pending.close();
        durable.close();
        db.close();
        options.close();
    }

    private interface BatchWrite {
        void run() throws RocksDBException;
    }

    private void write(BatchWrite w) {
        try {
            w.run();
        } catch (RocksDBException e) {
            throw new UncheckedIOException(node + ": cannot write store " + dir + ": " + oneLine(e.getMessage()), new IOException(e));
        }
    }

    private void open() {
        if (closed) throw new IllegalStateException(node + ": store " + dir + " is closed");
    }

    @Override
    public String toString() {
        return "DiskStore(" + node + ", " + dir + ")";
    }
}
