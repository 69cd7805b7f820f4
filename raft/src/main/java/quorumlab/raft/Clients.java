package quorumlab.raft;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import quorumlab.protocols.ClientReply;
import quorumlab.protocols.ClientRequest;
import quorumlab.protocols.KvStateMachine;
import quorumlab.protocols.Operation;
import quorumlab.protocols.Result;
import quorumlab.protocols.Role;

/**
 * The leader's side of client interaction (Raft §8): a request becomes a log entry, and its client
 * hears back once that entry is committed and applied. A retried {@code (clientId, seq)} is simply
 * appended again: the state machine applies it once and returns the recorded result for the copy.
 * Reads go through the log too, unless the read-index option is on (thesis §6.4).
 */
final class Clients {
    private final RaftNode node;
    /** Requests this leader appended and has not answered yet, by log index. */
    private final Map<Long, ClientRequest> pending = new TreeMap<>();

    /**
     * A read-index read: answered once {@code readIndex} is applied and a majority has answered an
     * append of this term sent after the read arrived, the first of which was {@code firstAppend}.
     */
    private record PendingRead(ClientRequest request, long readIndex, long firstAppend) {}

    /** Reads that arrived before this leader committed an entry of its own term. */
    private final List<ClientRequest> readsBeforeFirstCommit = new ArrayList<>();
    private final List<PendingRead> pendingReads = new ArrayList<>();
    /**
     * A node may touch the state machine only by applying the next entry, and a read-index read must
     * look without writing; so with that option the node keeps its own copy, fed the same entries in
     * the same order, and reads from it. Without the option it stays empty.
     */
    private KvStateMachine readView = new KvStateMachine();

    Clients(RaftNode node) {
        this.node = node;
    }

    void onRequest(ClientRequest request) {
        if (node.options.readIndex() && request.operation() instanceof Operation.Get) {
            if (node.hasCommittedInCurrentTerm()) {
                startRead(request);
            } else {
                readsBeforeFirstCommit.add(request);
            }
            return;
        }
        // Recorded first: a single-node cluster commits and applies inside appendAsLeader.
        pending.put(node.state.log.lastIndex() + 1, request);
        node.appendAsLeader(request);
    }

    /** The entry at {@code index} was applied; answer its client if this leader took the request. */
    void onApplied(long index, LogEntry entry, Result result) {
        if (node.options.readIndex()) {
            readView.apply(index, entry.command());
        }
        ClientRequest request = pending.remove(index);
        if (request != null && request.id().equals(entry.command().id())) {
            node.ctx.reply(new ClientReply.Committed(request.clientId(), request.seq(), index, result));
        }
    }

    /** The node's state machine was replaced by a snapshot (a restart, or the leader's InstallSnapshot). */
    void onStateMachineRestored(KvStateMachine.Snapshot snapshot) {
        if (node.options.readIndex()) {
            readView = new KvStateMachine(snapshot);
        }
    }

    /** commitIndex moved and the entries are applied: waiting reads may proceed. */
    void onCommitted() {
        if (node.role != Role.LEADER) return;
        if (!readsBeforeFirstCommit.isEmpty() && node.hasCommittedInCurrentTerm()) {
            List<ClientRequest> ready = new ArrayList<>(readsBeforeFirstCommit);
            readsBeforeFirstCommit.clear();
            ready.forEach(this::startRead);
        }
        answerConfirmedReads();
    }

    /** A follower answered an append: a round of reads may now be confirmed. */
    void onRoundAnswered() {
        answerConfirmedReads();
    }

    /**
     * This node stopped leading. Its pending entries may still commit under the next leader, or be
     * replaced; the clients retry elsewhere, and exactly-once application makes the retry safe.
     * Its waiting reads were never performed.
     */
    void onLeadershipLost() {
        for (ClientRequest request : pending.values()) {
            notLeader(request);
        }
        pending.clear();
        readsBeforeFirstCommit.forEach(this::notLeader);
        readsBeforeFirstCommit.clear();
        pendingReads.forEach(read -> notLeader(read.request()));
        pendingReads.clear();
    }

    private void notLeader(ClientRequest request) {
        node.ctx.reply(new ClientReply.NotLeader(request.clientId(), request.seq(), Optional.empty()));
    }

    /**
     * Thesis §6.4: keep commitIndex as the read index, then prove this node still leads with a
     * round of heartbeats that a majority answers; once the read index is applied, read. A deposed
     * leader cannot gather that majority, so it never answers with a stale value.
     */
    private void startRead(ClientRequest request) {
        long firstAppend = node.replication.startRound();
        pendingReads.add(new PendingRead(request, node.commitIndex, firstAppend));
        answerConfirmedReads();
    }

    private void answerConfirmedReads() {
        if (pendingReads.isEmpty()) return;
        for (Iterator<PendingRead> it = pendingReads.iterator(); it.hasNext(); ) {
            PendingRead read = it.next();
            if (readView.lastApplied() >= read.readIndex() && node.replication.confirmedByMajority(read.firstAppend())) {
                it.remove();
                ClientRequest r = read.request();
                String value = readView.get(r.operation().key());
                node.ctx.reply(new ClientReply.Committed(r.clientId(), r.seq(), read.readIndex(), Result.read(value)));
            }
        }
    }
}
