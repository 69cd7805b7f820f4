package quorumlab.analysis.workers;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import quorumlab.analysis.workers.WorkerWire.Unit;

/**
 * Who runs what: the coordinator's bookkeeping, without actors or I/O so a test can drive it.
 * Work is pulled: a unit goes to a worker only while that worker has said it has a free slot, so
 * no worker holds more than it can run and a slow one never holds up the others. A worker that is
 * lost gives its unfinished units back to the front of the queue. A unit is done once, by the
 * first result to arrive; a later result for it (the lost worker came back, or a reassigned copy)
 * is a duplicate, dropped if its trace digest is the same and an error if not.
 */
final class Dispatcher {
    /** The first result of a unit: who sent it and its trace's SHA-256. */
    record Done(String worker, String traceSha256) {}

    /** Where a result leaves its unit: counted now, dropped as a duplicate, or contradicting the first. */
    enum Outcome { ACCEPTED, DUPLICATE, MISMATCH }

    /** A unit given to a worker. */
    record Assignment(String worker, Unit unit) {}

    private static final class Worker {
        int free;
        boolean lost;
        int completed;
        final Set<Long> running = new LinkedHashSet<>();
    }

    private final Deque<Unit> queue = new ArrayDeque<>();
    private final Map<String, Worker> workers = new LinkedHashMap<>();
    private final Map<Long, Done> done = new HashMap<>();
    private int duplicates;

    void join(String worker) {
        workers.computeIfAbsent(worker, w -> new Worker());
    }

    boolean knows(String worker) {
        return workers.containsKey(worker);
    }

    void submit(Unit unit) {
        queue.addLast(unit);
    }

    /** The worker has {@code free} more free slots; a lost worker that asks again is back. */
    void pull(String worker, int free) {
        Worker w = workers.get(worker);
        if (w == null) return;
        w.lost = false;
        w.free += free;
    }

    /** Gives queued units to workers with free slots, each next unit to the worker with the most free slots. */
    List<Assignment> assign() {
        List<Assignment> out = new ArrayList<>();
        while (!queue.isEmpty()) {
            String best = null;
            int most = 0;
            for (Map.Entry<String, Worker> e : workers.entrySet()) {
                Worker w = e.getValue();
                if (!w.lost && w.free > most) {
                    best = e.getKey();
                    most = w.free;
                }
            }
            if (best == null) break;
            Unit unit = queue.pollFirst();
            Worker w = workers.get(best);
            w.free--;
            w.running.add(unit.id());
            out.add(new Assignment(best, unit));
        }
        return out;
    }

    /**
     * The worker died, left or cannot be reached: its unfinished units go back to the front of
     * the queue, in the order it got them, and it gets nothing more until it pulls again.
     *
     * @return the units given back
     */
    List<Unit> lost(String worker, Map<Long, Unit> byId) {
        Worker w = workers.get(worker);
        if (w == null) return List.of();
        w.lost = true;
        w.free = 0;
        List<Unit> back = new ArrayList<>();
        for (long id : w.running) {
            if (!done.containsKey(id) && !queued(id)) back.add(byId.get(id));
        }
        w.running.clear();
        for (int i = back.size() - 1; i >= 0; i--) queue.addFirst(back.get(i));
        return back;
    }

    private boolean queued(long id) {
        for (Unit u : queue) {
            if (u.id() == id) return true;
        }
        return false;
    }

    /** A result arrived from {@code worker}; a unit still queued (given back) leaves the queue. */
    Outcome result(String worker, long unit, String traceSha256) {
        Worker w = workers.get(worker);
        if (w != null) w.running.remove(unit);
        Done first = done.get(unit);
        if (first != null) {
            duplicates++;
            return first.traceSha256().equals(traceSha256) ? Outcome.DUPLICATE : Outcome.MISMATCH;
        }
        done.put(unit, new Done(worker, traceSha256));
        queue.removeIf(u -> u.id() == unit);
        if (w != null) w.completed++;
        return Outcome.ACCEPTED;
    }

    /** The worker's copy of {@code unit} is void (its files arrived damaged): the unit is queued again, first. */
    void retry(String worker, Unit unit) {
        Worker w = workers.get(worker);
        if (w != null) w.running.remove(unit.id());
        if (!done.containsKey(unit.id()) && !queued(unit.id())) queue.addFirst(unit);
    }

    Done doneBy(long unit) {
        return done.get(unit);
    }

    int duplicates() {
        return duplicates;
    }

    int queued() {
        return queue.size();
    }

    /** True while some worker may still pull: one not lost. */
    boolean anyWorker() {
        return workers.values().stream().anyMatch(w -> !w.lost);
    }

    /** Per worker, e.g. {@code w1 12 done, 2 running; w2 (lost) 3 done}. */
    String status() {
        List<String> parts = new ArrayList<>();
        workers.forEach((name, w) -> parts.add(name + (w.lost ? " (lost)" : "") + " " + w.completed + " done"
                + (w.running.isEmpty() ? "" : ", " + w.running.size() + " running")));
        return String.join("; ", parts);
    }
}
