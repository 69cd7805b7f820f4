package quorumlab.protocols.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import quorumlab.protocols.trace.TraceReader;
import quorumlab.protocols.trace.TraceRecord;
import quorumlab.protocols.trace.TraceSink;

/**
 * Merges the coordinator's trace and every node incarnation's trace into one, by time. Each file is
 * in time order already (one writer each, on one clock), so this is a k-way merge that holds one
 * record per file; ties keep the files' order. Every file starts with a meta record (the reader
 * requires it); only the first file's, the coordinator's, is kept.
 */
final class TraceMerge {
    private record Head(TraceRecord record, int file, TraceReader reader) {}

    /**
     * Writes every record of {@code files} (absent or empty files are skipped) to {@code sink}; returns
     * the records written. A file that cannot be read to its end adds a line to {@code problems}.
     */
    static long merge(List<Path> files, TraceSink sink, List<String> problems) {
        PriorityQueue<Head> heads = new PriorityQueue<>((a, b) -> a.record.t() != b.record.t()
                ? Long.compare(a.record.t(), b.record.t()) : Integer.compare(a.file, b.file));
        List<TraceReader> readers = new ArrayList<>();
        long written = 0;
        try {
            for (int i = 0; i < files.size(); i++) {
                Path f = files.get(i);
                if (!Files.exists(f) || size(f) == 0) continue;
                TraceReader r = TraceReader.open(f);
                readers.add(r);
                Head h = next(r, i, f, problems);
                if (h != null) heads.add(h);
            }
            while (!heads.isEmpty()) {
                Head h = heads.poll();
                if (h.file == 0 || !(h.record instanceof TraceRecord.Meta)) {
                    sink.record(h.record);
                    written++;
                }
                Head n = next(h.reader, h.file, files.get(h.file), problems);
                if (n != null) heads.add(n);
            }
        } finally {
            readers.forEach(TraceReader::close);
        }
        return written;
    }

    /**
     * The next record, or null at the end. A node writes its trace in whole lines, so even one killed
     * by SIGKILL leaves none half written; should one be, the file ends there and {@code problems} says so.
     */
    private static Head next(TraceReader reader, int file, Path path, List<String> problems) {
        try {
            return reader.hasNext() ? new Head(reader.next(), file, reader) : null;
        } catch (IllegalArgumentException | UncheckedIOException e) {
            problems.add("trace " + path.getFileName() + " read up to a damaged line: " + e.getMessage());
            return null;
        }
    }

    private static long size(Path f) {
        try {
            return Files.size(f);
        } catch (IOException e) {
            return 0;
        }
    }

    private TraceMerge() {}
}
