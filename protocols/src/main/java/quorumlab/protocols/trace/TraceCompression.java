package quorumlab.protocols.trace;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * How a trace file is compressed. A writer picks it by the file name ({@code .zst}, {@code .gz});
 * a reader by the file's first bytes, whatever its name, so traces written before zstd (gzip) stay
 * readable. zstd is the default for runs: it compresses trace JSON several times faster than the
 * JDK's gzip and smaller; {@code zstd -dc trace.jsonl.zst} prints the JSON Lines.
 */
public enum TraceCompression {
    PLAIN(""),
    GZIP(".gz"),
    ZSTD(".zst"),
    /** Recognised so that the error can say what to do; not read or written here. */
    LZ4(".lz4");

    /**
     * zstd's fastest standard level: trace lines repeat themselves, so it still shrinks them ~15-20×.
     * Compression runs on one zstd worker thread beside the simulator (same bytes whatever the machine).
     */
    static final int ZSTD_LEVEL = 1;

    private static final int BUFFER = 1 << 16;

    private final String suffix;

    TraceCompression(String suffix) {
        this.suffix = suffix;
    }

    /** The file-name suffix that selects it ({@code ""} for plain). */
    public String suffix() {
        return suffix;
    }

    /** The compression a file of this name is written with: by its last suffix, plain if none matches. */
    public static TraceCompression forName(String fileName) {
        if (fileName.endsWith(ZSTD.suffix)) return ZSTD;
        if (fileName.endsWith(GZIP.suffix)) return GZIP;
        if (fileName.endsWith(LZ4.suffix)) return LZ4;
        return PLAIN;
    }

    /** The compression of data starting with these bytes (its magic number), plain if none matches. */
    public static TraceCompression ofMagic(byte[] head, int length) {
        if (length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) return GZIP;
        if (length >= 4 && (head[0] & 0xff) == 0x28 && (head[1] & 0xff) == 0xb5 && (head[2] & 0xff) == 0x2f && (head[3] & 0xff) == 0xfd) return ZSTD;
        if (length >= 4 && (head[0] & 0xff) == 0x04 && (head[1] & 0xff) == 0x22 && (head[2] & 0xff) == 0x4d && (head[3] & 0xff) == 0x18) return LZ4;
        return PLAIN;
    }

    /** Wraps {@code raw} so what is written to the result reaches it compressed; closing the result closes it. */
    public OutputStream compress(OutputStream raw) throws IOException {
        OutputStream buffered = new BufferedOutputStream(raw, BUFFER);
        return switch (this) {
            case PLAIN -> buffered;
            case GZIP -> new GZIPOutputStream(buffered, BUFFER);
            case ZSTD -> {
                ZstdOutputStreamNoFinalizer zstd = new ZstdOutputStreamNoFinalizer(buffered, ZSTD_LEVEL);
                zstd.setWorkers(1);
                zstd.setChecksum(true);
                yield zstd;
            }
            case LZ4 -> throw new IOException("lz4 is not written here; name the file .zst, .gz or plain");
        };
    }

    /**
     * Opens {@code file} for reading, decompressed as its first bytes say. An lz4 file is refused
     * with an {@link IOException} that says how to decompress it.
     */
    public static InputStream open(Path file) throws IOException {
        return decompress(Files.newInputStream(file));
    }

    /** {@code raw}, decompressed as its first bytes say (see {@link #open}). */
    public static InputStream decompress(InputStream raw) throws IOException {
        BufferedInputStream in = new BufferedInputStream(raw, BUFFER);
        byte[] head = new byte[4];
        in.mark(head.length);
        int n = in.readNBytes(head, 0, head.length);
        in.reset();
        return switch (ofMagic(head, n)) {
            case PLAIN -> in;
            case GZIP -> new GZIPInputStream(in, BUFFER);
            case ZSTD -> new BufferedInputStream(new ZstdInputStreamNoFinalizer(in), BUFFER);
            case LZ4 -> {
                in.close();
                throw new IOException("lz4-compressed traces are not read here; decompress with `lz4 -dc FILE > FILE.jsonl` or recompress with zstd");
            }
        };
    }
}
