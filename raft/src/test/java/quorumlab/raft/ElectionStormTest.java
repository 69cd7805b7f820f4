package quorumlab.raft;

import static org.junit.jupiter.api.Assertions.*;
import static quorumlab.protocols.testing.SimCluster.MS;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import quorumlab.protocols.ProtocolEvent;
import quorumlab.protocols.runtime.Delay;
import quorumlab.protocols.runtime.NetworkModel;

/**
 * Election storms: a heartbeat interval close to the election timeout, under jittery delays, lets
 * followers time out on a live leader, so terms pile up (the paper's §9.3 advice is a heartbeat an
 * order of magnitude below the timeout).
 *
 * <p>Observed (5 nodes, idle, delays normal(10 ms, 15 ms), 10 s of virtual time, seed 5): with the
 * defaults (heartbeat 50 ms, timeout 150-300 ms) one term and one leader for the whole run; with a
 * heartbeat of 140 ms and a timeout of 150-170 ms, 26 terms, 26 different leaderships and 30 denied
 * votes: a follower whose heartbeat arrives late by more than 10-30 ms starts an election, usually
 * wins it (its log is as up to date as anyone's), and the cycle repeats about every 400 ms.
 */
class ElectionStormTest {
    record Outcome(long terms, int leaders, int deniedVotes) {}

    static Outcome run(Map<String, ?> options, long seed) {
        NetworkModel network = new NetworkModel().setDelay(Delay.normal(10 * MS, 15 * MS));
        RaftCluster c = new RaftCluster(5, seed, options, network);
        // No client: with a steady load every append would reset the followers' timers as well.
        c.sim.runFor(10_000 * MS);
        assertEquals(List.of(), c.violations());
        return new Outcome(c.highestTerm(), c.trace.events(ProtocolEvent.LeaderEstablished.class).size(),
                c.trace.events(ProtocolEvent.VoteDenied.class).size());
    }

    @Test
    void heartbeatCloseToTheElectionTimeoutCausesAStorm() {
        Outcome calm = run(Map.of(), 5);
        Outcome storm = run(Map.of("heartbeatIntervalMs", 140, "electionTimeoutMinMs", 150,
                "electionTimeoutMaxMs", 170), 5);
        System.out.println("election storm: calm " + calm + ", storm " + storm);
        assertTrue(storm.terms() >= 10 * Math.max(1, calm.terms()), "storm " + storm + " vs calm " + calm);
        assertTrue(storm.leaders() >= 10, "many leaders came and went: " + storm);
    }
}
