package quorumlab.protocols.trace;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import quorumlab.protocols.ClientReply;
import quorumlab.protocols.ClientRequest;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.Operation;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.Result;

/**
 * Writes a trace as JSON Lines, one record per line, streaming (nothing is kept in memory). The
 * file name picks the compression ({@link TraceCompression}): {@code .zst} zstd, {@code .gz} gzip,
 * anything else plain. Every line is an object with {@code "kind"} and {@code "v":1} first, then the
 * record's fields in declaration order, nulls left out (docs/trace-format.md).
 *
 * <p>Each record kind is written field by field into a byte buffer ({@link JsonLine}), with every
 * constant part (the kind, field names, punctuation) encoded once: a run writes millions of records,
 * and reflective serialization per record cost more than the simulation itself. The output is the
 * same, byte for byte, as Jackson's data binding of {@link TraceRecord} with {@link TraceJson} (a test
 * holds it so).
 *
 * <p>Encoding and compressing happen on a thread of their own: {@link #record} only puts the record
 * (immutable) in a batch, and a full batch goes to that thread, so a simulation spends its time
 * simulating while the trace is written beside it on the other core. Batches are encoded one at a
 * time in the order they were recorded, so the file is the same as if written in place; at most
 * {@link #BATCHES_IN_FLIGHT} wait, so a writer that falls behind slows the recording down instead of
 * filling the heap. {@link #flush()} and {@link #close()} return once everything recorded before
 * them is written. An error while writing (an I/O error, or a record that cannot be written) is
 * thrown, as an {@link UncheckedIOException} or {@link IllegalArgumentException} naming the file, by
 * the next call.
 */
public final class TraceWriter implements TraceSink, Closeable {
    /** Records handed to the writing thread at once: large enough that handing over costs nothing per record. */
    private static final int BATCH = 4096;
    /** Batches recorded but not yet written, at most. */
    static final int BATCHES_IN_FLIGHT = 8;

    private final String name;
    // Used only on the writing thread.
    private final OutputStream out;
    private final JsonLine gen = new JsonLine();

    private TraceRecord[] batch = new TraceRecord[BATCH];
    private int batched;
    private long lines;
    private boolean closed;
    /** One thread, started when there is work and ended when idle, so a writer never closed leaks nothing. */
    private final ThreadPoolExecutor writing;
    private final Semaphore inFlight = new Semaphore(BATCHES_IN_FLIGHT);
    /** The first error of the writing thread, thrown by the next call. */
    private volatile RuntimeException failure;

    private TraceWriter(String name, OutputStream out) throws IOException {
        this.name = name;
        this.out = out;
        this.writing = new ThreadPoolExecutor(0, 1, 1, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "trace-writer");
            t.setDaemon(true);
            return t;
        });
    }

    /** Opens {@code path} for writing (replacing it), compressed as its name says ({@link TraceCompression#forName}). */
    public static TraceWriter open(Path path) {
        try {
            Path parent = path.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
            TraceCompression compression = TraceCompression.forName(path.getFileName().toString());
            return new TraceWriter(path.toString(), compression.compress(Files.newOutputStream(path)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write trace " + path + ": " + e.getMessage(), e);
        }
    }

    /** Writes to {@code out} (not compressed); {@link #close()} closes it. */
    public static TraceWriter to(OutputStream out, String name) {
        try {
            return new TraceWriter(name, out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write trace " + name + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void record(TraceRecord record) {
        if (closed) throw new IllegalStateException("trace " + name + " is closed");
        throwIfFailed();
        batch[batched++] = record;
        lines++;
        if (batched == BATCH) handOver();
    }

    /** Lines written so far. */
    public synchronized long lines() {
        return lines;
    }

    /** Returns once every record so far is written to the file (and the compressor has flushed it). */
    public synchronized void flush() {
        handOver();
        await(false, () -> {
            gen.drainTo(out);
            out.flush();
        });
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        handOver();
        try {
            // After an error the file is closed all the same, so a failed run leaves no open handle.
            await(true, () -> {
                if (failure == null) gen.drainTo(out);
                out.close();
            });
        } finally {
            writing.shutdown();
        }
    }

    private interface Io {
        void run() throws IOException;
    }

    /** Gives the batch to the writing thread, waiting while {@link #BATCHES_IN_FLIGHT} are not yet written. */
    private void handOver() {
        if (batched == 0) return;
        TraceRecord[] full = batch;
        int count = batched;
        batch = new TraceRecord[BATCH];
        batched = 0;
        inFlight.acquireUninterruptibly();
        writing.execute(() -> {
            try {
                if (failure == null) write(full, count);
            } catch (IOException e) {
                failure = new UncheckedIOException("cannot write trace " + name + ": " + e.getMessage(), e);
            } catch (RuntimeException e) {
                failure = e;
            } finally {
                inFlight.release();
            }
        });
    }

    /** Runs {@code io} on the writing thread after everything handed over (not after an error, unless {@code evenAfterFailure}), and waits for it. */
    private void await(boolean evenAfterFailure, Io io) {
        java.util.concurrent.Future<?> done = writing.submit(() -> {
            if (failure != null && !evenAfterFailure) return;
            try {
                io.run();
            } catch (IOException e) {
                if (failure == null) failure = new UncheckedIOException("cannot write trace " + name + ": " + e.getMessage(), e);
            }
        });
        boolean interrupted = false;
        while (true) {
            try {
                done.get();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException("trace " + name + ": " + e.getCause(), e.getCause());
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        throwIfFailed();
    }

    private void throwIfFailed() {
        RuntimeException e = failure;
        if (e == null) return;
        if (e instanceof UncheckedIOException io) throw new UncheckedIOException(io.getMessage(), io.getCause());
        if (e instanceof IllegalArgumentException bad) throw new IllegalArgumentException(bad.getMessage(), bad);
        throw new IllegalStateException("trace " + name + ": " + e, e);
    }

    /** On the writing thread: encodes {@code count} records as lines and passes them on in chunks. */
    private void write(TraceRecord[] records, int count) throws IOException {
        for (int i = 0; i < count; i++) {
            write(records[i]);
            gen.writeRaw('\n');
            if (gen.size() >= FLUSH_AT) gen.drainTo(out);
        }
    }

    // ---- the records, most frequent first ----

    private void write(TraceRecord record) throws IOException {
        if (record instanceof TraceRecord.Event r) {
            begin(K_EVENT, r.t());
            node(F_NODE, r.node());
            gen.writeFieldName(F_EVENT);
            event(r.event());
        } else if (record instanceof TraceRecord.Send r) {
            begin(K_SEND, r.t());
            node(F_FROM, r.from());
            node(F_TO, r.to());
            number(F_ID, r.id());
            string(F_TYPE, r.type());
            number(F_BYTES, r.bytes());
        } else if (record instanceof TraceRecord.Deliver r) {
            begin(K_DELIVER, r.t());
            node(F_FROM, r.from());
            node(F_TO, r.to());
            number(F_ID, r.id());
            string(F_TYPE, r.type());
        } else if (record instanceof TraceRecord.Invoke r) {
            begin(K_INVOKE, r.t());
            number(F_INTENDED, r.intended());
            node(F_NODE, r.node());
            if (r.request() != null) {
                gen.writeFieldName(F_REQUEST);
                request(r.request());
            }
        } else if (record instanceof TraceRecord.Complete r) {
            begin(K_COMPLETE, r.t());
            number(F_CLIENT_ID, r.clientId());
            number(F_SEQ, r.seq());
            node(F_NODE, r.node());
            if (r.reply() != null) {
                gen.writeFieldName(F_REPLY);
                reply(r.reply());
            }
            string(F_OUTCOME, r.outcome());
        } else if (record instanceof TraceRecord.TimerSet r) {
            begin(K_TIMER_SET, r.t());
            node(F_NODE, r.node());
            string(F_NAME, r.name());
            number(F_DELAY, r.delay());
        } else if (record instanceof TraceRecord.TimerFire r) {
            begin(K_TIMER_FIRE, r.t());
            node(F_NODE, r.node());
            string(F_NAME, r.name());
        } else if (record instanceof TraceRecord.MessageCounts r) {
            begin(K_COUNTS, r.t());
            number(F_SINCE, r.since());
            node(F_FROM, r.from());
            string(F_TYPE, r.type());
            string(F_CATEGORY, r.category());
            number(F_COUNT, r.count());
            number(F_BYTES, r.bytes());
        } else if (record instanceof TraceRecord.Drop r) {
            begin(K_DROP, r.t());
            node(F_FROM, r.from());
            node(F_TO, r.to());
            number(F_ID, r.id());
            string(F_TYPE, r.type());
            string(F_REASON, r.reason());
        } else if (record instanceof TraceRecord.Fault r) {
            begin(K_FAULT, r.t());
            string(F_FAULT, r.fault());
            if (r.nodes() != null) {
                gen.writeFieldName(F_NODES);
                nodes(r.nodes());
            }
            string(F_DETAIL, r.detail());
            if (r.groups() != null) {
                gen.writeFieldName(F_GROUPS);
                gen.writeStartArray();
                for (List<NodeId> group : r.groups()) nodes(group);
                gen.writeEndArray();
            }
        } else if (record instanceof TraceRecord.Meta r) {
            begin(K_META, r.t());
            string(F_PROTOCOL, r.protocol());
            number(F_NODES, r.nodes());
            number(F_SEED, r.seed());
            string(F_RUNTIME, r.runtime());
            string(F_SCENARIO, r.scenario());
            if (r.warmup() != null) number(F_WARMUP, r.warmup());
            if (r.end() != null) number(F_END, r.end());
        } else {
            throw new IllegalArgumentException("no writer for " + record.getClass().getName());
        }
        gen.writeEndObject();
    }

    private void begin(byte[] kind, long t) throws IOException {
        gen.writeStartObject();
        gen.writeFieldName(F_KIND);
        gen.writeString(kind);
        gen.writeFieldName(F_VERSION);
        gen.writeNumber(TraceRecord.SCHEMA_VERSION);
        gen.writeFieldName(F_T);
        gen.writeNumber(t);
    }

    private void event(ProtocolEvent event) throws IOException {
        gen.writeStartObject();
        gen.writeFieldName(F_TYPE);
        if (event instanceof ProtocolEvent.EntryAppended e) {
            gen.writeString(E_ENTRY_APPENDED);
            number(F_INDEX, e.index());
            number(F_TERM, e.term());
            string(F_COMMAND, e.command());
        } else if (event instanceof ProtocolEvent.EntryCommitted e) {
            gen.writeString(E_ENTRY_COMMITTED);
            number(F_INDEX, e.index());
            number(F_TERM, e.term());
            string(F_COMMAND, e.command());
        } else if (event instanceof ProtocolEvent.EntryApplied e) {
            gen.writeString(E_ENTRY_APPLIED);
            number(F_INDEX, e.index());
            string(F_COMMAND, e.command());
        } else if (event instanceof ProtocolEvent.ValueAccepted e) {
            gen.writeString(E_VALUE_ACCEPTED);
            number(F_SLOT, e.slot());
            number(F_TERM, e.term());
            node(F_PROPOSER, e.proposer());
            string(F_COMMAND, e.command());
        } else if (event instanceof ProtocolEvent.SlotChosen e) {
            gen.writeString(E_SLOT_CHOSEN);
            number(F_SLOT, e.slot());
            number(F_TERM, e.term());
            string(F_COMMAND, e.command());
        } else if (event instanceof ProtocolEvent.GapOpened e) {
            gen.writeString(E_GAP_OPENED);
            number(F_FIRST_OPEN, e.firstOpen());
            number(F_CHOSEN_SLOT, e.chosenSlot());
        } else if (event instanceof ProtocolEvent.GapClosed e) {
            gen.writeString(E_GAP_CLOSED);
            number(F_FIRST_OPEN, e.firstOpen());
            number(F_UP_TO, e.upTo());
        } else if (event instanceof ProtocolEvent.RoleChanged e) {
            gen.writeString(E_ROLE_CHANGED);
            if (e.from() != null) string(F_FROM, e.from().name());
            if (e.to() != null) string(F_TO, e.to().name());
            number(F_TERM, e.term());
        } else if (event instanceof ProtocolEvent.ElectionStarted e) {
            gen.writeString(E_ELECTION_STARTED);
            number(F_TERM, e.term());
            bool(F_PRE_VOTE, e.preVote());
        } else if (event instanceof ProtocolEvent.LeaderEstablished e) {
            gen.writeString(E_LEADER_ESTABLISHED);
            number(F_TERM, e.term());
        } else if (event instanceof ProtocolEvent.VoteGranted e) {
            gen.writeString(E_VOTE_GRANTED);
            node(F_CANDIDATE, e.candidate());
            number(F_TERM, e.term());
            bool(F_PRE_VOTE, e.preVote());
        } else if (event instanceof ProtocolEvent.VoteDenied e) {
            gen.writeString(E_VOTE_DENIED);
            node(F_CANDIDATE, e.candidate());
            number(F_TERM, e.term());
            bool(F_PRE_VOTE, e.preVote());
            string(F_REASON, e.reason());
        } else if (event instanceof ProtocolEvent.Preempted e) {
            gen.writeString(E_PREEMPTED);
            number(F_TERM, e.term());
            number(F_BY_TERM, e.byTerm());
            node(F_BY, e.by());
        } else if (event instanceof ProtocolEvent.LogTruncated e) {
            gen.writeString(E_LOG_TRUNCATED);
            number(F_FROM_INDEX, e.fromIndex());
            number(F_COUNT, e.count());
        } else if (event instanceof ProtocolEvent.AppendRejected e) {
            gen.writeString(E_APPEND_REJECTED);
            node(F_LEADER, e.leader());
            number(F_TERM, e.term());
            number(F_PREV_LOG_INDEX, e.prevLogIndex());
            string(F_REASON, e.reason());
        } else if (event instanceof ProtocolEvent.NoOpProposed e) {
            gen.writeString(E_NO_OP_PROPOSED);
            number(F_SLOT, e.slot());
            number(F_TERM, e.term());
        } else if (event instanceof ProtocolEvent.SnapshotTaken e) {
            gen.writeString(E_SNAPSHOT_TAKEN);
            number(F_INDEX, e.index());
            number(F_TERM, e.term());
        } else if (event instanceof ProtocolEvent.SnapshotInstalled e) {
            gen.writeString(E_SNAPSHOT_INSTALLED);
            number(F_INDEX, e.index());
            number(F_TERM, e.term());
        } else if (event instanceof ProtocolEvent.SlotsForgotten e) {
            gen.writeString(E_SLOTS_FORGOTTEN);
            number(F_THROUGH_SLOT, e.throughSlot());
        } else if (event instanceof ProtocolEvent.StateMachineRestored e) {
            gen.writeString(E_STATE_MACHINE_RESTORED);
            number(F_INDEX, e.index());
        } else if (event instanceof ProtocolEvent.ConfigurationChanged e) {
            gen.writeString(E_CONFIGURATION_CHANGED);
            number(F_INDEX, e.index());
            number(F_EFFECTIVE_FROM, e.effectiveFrom());
            nodes(F_VOTERS, e.voters());
            nodes(F_OLD_VOTERS, e.oldVoters());
            bool(F_COMMITTED, e.committed());
        } else if (event instanceof ProtocolEvent.MembershipChangeRefused e) {
            gen.writeString(E_MEMBERSHIP_CHANGE_REFUSED);
            number(F_CHANGE_ID, e.changeId());
            string(F_REASON, e.reason());
        } else if (event instanceof ProtocolEvent.MembershipChangeCommitted e) {
            gen.writeString(E_MEMBERSHIP_CHANGE_COMMITTED);
            number(F_CHANGE_ID, e.changeId());
            nodes(F_VOTERS, e.voters());
        } else if (event instanceof ProtocolEvent.LearnerCaughtUp e) {
            gen.writeString(E_LEARNER_CAUGHT_UP);
            node(F_LEARNER, e.learner());
            number(F_ROUNDS, e.rounds());
            number(F_ENTRIES, e.entries());
        } else {
            throw new IllegalArgumentException("no writer for event " + event.getClass().getName());
        }
        gen.writeEndObject();
    }

    private void request(ClientRequest request) throws IOException {
        gen.writeStartObject();
        gen.writeFieldName(F_TYPE);
        gen.writeString(V_REQUEST);
        number(F_CLIENT_ID, request.clientId());
        number(F_SEQ, request.seq());
        Operation op = request.operation();
        if (op != null) {
            gen.writeFieldName(F_OPERATION);
            gen.writeStartObject();
            gen.writeFieldName(F_F);
            if (op instanceof Operation.Put put) {
                gen.writeString(V_WRITE);
                string(F_KEY, put.key());
                string(F_VALUE, put.value());
            } else if (op instanceof Operation.Get get) {
                gen.writeString(V_READ);
                string(F_KEY, get.key());
            } else if (op instanceof Operation.Cas cas) {
                gen.writeString(V_CAS);
                string(F_KEY, cas.key());
                string(F_EXPECTED, cas.expected());
                string(F_VALUE, cas.value());
            } else {
                throw new IllegalArgumentException("no writer for operation " + op.getClass().getName());
            }
            gen.writeEndObject();
        }
        gen.writeEndObject();
    }

    private void reply(ClientReply reply) throws IOException {
        gen.writeStartObject();
        gen.writeFieldName(F_TYPE);
        if (reply instanceof ClientReply.Committed c) {
            gen.writeString(V_COMMITTED);
            number(F_CLIENT_ID, c.clientId());
            number(F_SEQ, c.seq());
            number(F_INDEX, c.index());
            Result result = c.result();
            if (result != null) {
                gen.writeFieldName(F_RESULT);
                gen.writeStartObject();
                bool(F_OK, result.ok());
                string(F_VALUE, result.value());
                gen.writeEndObject();
            }
        } else if (reply instanceof ClientReply.NotLeader n) {
            gen.writeString(V_NOT_LEADER);
            number(F_CLIENT_ID, n.clientId());
            number(F_SEQ, n.seq());
            // An unknown leader is written as null (not left out): "no hint" is an answer.
            Optional<NodeId> hint = n.hint();
            if (hint != null) {
                gen.writeFieldName(F_HINT);
                if (hint.isPresent()) gen.writeString(hint.get().toString());
                else gen.writeNull();
            }
        } else if (reply instanceof ClientReply.Rejected r) {
            gen.writeString(V_REJECTED);
            number(F_CLIENT_ID, r.clientId());
            number(F_SEQ, r.seq());
            string(F_REASON, r.reason());
        } else {
            throw new IllegalArgumentException("no writer for reply " + reply.getClass().getName());
        }
        gen.writeEndObject();
    }

    private void nodes(List<NodeId> nodes) throws IOException {
        gen.writeStartArray();
        for (NodeId n : nodes) gen.writeString(NODE_NAMES.name(n));
        gen.writeEndArray();
    }

    /** A null list is left out, as every null field is. */
    private void nodes(byte[] field, List<NodeId> nodes) throws IOException {
        if (nodes == null) return;
        gen.writeFieldName(field);
        nodes(nodes);
    }

    private void number(byte[] field, long value) throws IOException {
        gen.writeFieldName(field);
        gen.writeNumber(value);
    }

    private void bool(byte[] field, boolean value) throws IOException {
        gen.writeFieldName(field);
        gen.writeBoolean(value);
    }

    /** A null string is left out, as every null field is. */
    private void string(byte[] field, String value) throws IOException {
        if (value == null) return;
        gen.writeFieldName(field);
        gen.writeString(value);
    }

    private void node(byte[] field, NodeId node) throws IOException {
        if (node == null) return;
        gen.writeFieldName(field);
        gen.writeString(NODE_NAMES.name(node));
    }

    /** "n1", "n2", ... pre-encoded, so a node id costs no string building. */
    private static final class NodeNames {
        private final byte[][] names = new byte[64][];

        NodeNames() {
            for (int i = 1; i < names.length; i++) names[i] = JsonLine.quoted("n" + i);
        }

        byte[] name(NodeId node) {
            return node.id() < names.length ? names[node.id()] : JsonLine.quoted(node.toString());
        }
    }

    private static final NodeNames NODE_NAMES = new NodeNames();
    /** A record's bytes go to the stream in chunks of about this size. */
    private static final int FLUSH_AT = 1 << 15;

    private static byte[] s(String text) {
        return JsonLine.quoted(text);
    }

    private static final byte[] F_KIND = s("kind"), F_VERSION = s(TraceJson.VERSION_FIELD), F_T = s("t");
    private static final byte[] K_META = s("meta"), K_SEND = s("send"), K_DELIVER = s("deliver"),
            K_DROP = s("drop"), K_TIMER_SET = s("timer_set"), K_TIMER_FIRE = s("timer_fire"), K_EVENT = s("event"),
            K_INVOKE = s("invoke"), K_COMPLETE = s("complete"), K_FAULT = s("fault"), K_COUNTS = s("counts");
    private static final byte[] F_NODE = s("node"), F_EVENT = s("event"), F_FROM = s("from"), F_TO = s("to"),
            F_ID = s("id"), F_TYPE = s("type"), F_BYTES = s("bytes"), F_INTENDED = s("intended"), F_REQUEST = s("request"),
            F_CLIENT_ID = s("clientId"), F_SEQ = s("seq"), F_REPLY = s("reply"), F_OUTCOME = s("outcome"),
            F_NAME = s("name"), F_DELAY = s("delay"), F_SINCE = s("since"), F_CATEGORY = s("category"),
            F_COUNT = s("count"), F_REASON = s("reason"), F_FAULT = s("fault"), F_NODES = s("nodes"),
            F_DETAIL = s("detail"), F_GROUPS = s("groups"), F_PROTOCOL = s("protocol"), F_SEED = s("seed"),
            F_RUNTIME = s("runtime"), F_SCENARIO = s("scenario"), F_WARMUP = s("warmup"), F_END = s("end"),
            F_INDEX = s("index"), F_TERM = s("term"), F_COMMAND = s("command"), F_SLOT = s("slot"),
            F_PROPOSER = s("proposer"), F_FIRST_OPEN = s("firstOpen"), F_CHOSEN_SLOT = s("chosenSlot"),
            F_UP_TO = s("upTo"), F_PRE_VOTE = s("preVote"), F_CANDIDATE = s("candidate"), F_BY_TERM = s("byTerm"),
            F_BY = s("by"), F_FROM_INDEX = s("fromIndex"), F_LEADER = s("leader"), F_PREV_LOG_INDEX = s("prevLogIndex"),
            F_THROUGH_SLOT = s("throughSlot"), F_OPERATION = s("operation"), F_F = s("f"), F_KEY = s("key"),
            F_VALUE = s("value"), F_EXPECTED = s("expected"), F_RESULT = s("result"), F_OK = s("ok"), F_HINT = s("hint"),
            F_EFFECTIVE_FROM = s("effectiveFrom"), F_VOTERS = s("voters"), F_OLD_VOTERS = s("oldVoters"),
            F_COMMITTED = s("committed"), F_CHANGE_ID = s("changeId"), F_LEARNER = s("learner"), F_ROUNDS = s("rounds"),
            F_ENTRIES = s("entries");
    private static final byte[] E_ROLE_CHANGED = s("RoleChanged"), E_ELECTION_STARTED = s("ElectionStarted"),
            E_LEADER_ESTABLISHED = s("LeaderEstablished"), E_VOTE_GRANTED = s("VoteGranted"), E_VOTE_DENIED = s("VoteDenied"),
            E_PREEMPTED = s("Preempted"), E_ENTRY_APPENDED = s("EntryAppended"), E_LOG_TRUNCATED = s("LogTruncated"),
            E_APPEND_REJECTED = s("AppendRejected"), E_VALUE_ACCEPTED = s("ValueAccepted"), E_SLOT_CHOSEN = s("SlotChosen"),
            E_ENTRY_COMMITTED = s("EntryCommitted"), E_ENTRY_APPLIED = s("EntryApplied"), E_GAP_OPENED = s("GapOpened"),
            E_GAP_CLOSED = s("GapClosed"), E_NO_OP_PROPOSED = s("NoOpProposed"), E_SNAPSHOT_TAKEN = s("SnapshotTaken"),
            E_SNAPSHOT_INSTALLED = s("SnapshotInstalled"), E_SLOTS_FORGOTTEN = s("SlotsForgotten"),
            E_STATE_MACHINE_RESTORED = s("StateMachineRestored"), E_CONFIGURATION_CHANGED = s("ConfigurationChanged"),
            E_MEMBERSHIP_CHANGE_REFUSED = s("MembershipChangeRefused"),
            E_MEMBERSHIP_CHANGE_COMMITTED = s("MembershipChangeCommitted"), E_LEARNER_CAUGHT_UP = s("LearnerCaughtUp");
    private static final byte[] V_REQUEST = s("request"), V_WRITE = s("write"), V_READ = s("read"),
            V_CAS = s("cas"), V_COMMITTED = s("committed"), V_NOT_LEADER = s("not_leader"), V_REJECTED = s("rejected");
}
