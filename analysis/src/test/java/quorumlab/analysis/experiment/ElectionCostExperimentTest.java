package quorumlab.analysis.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import quorumlab.analysis.experiment.ElectionCostTrial.Outcome;
import quorumlab.analysis.experiment.ElectionCostTrial.Spread;
import quorumlab.protocols.Protocol;

/** The election-cost experiment: what divergence costs each protocol's election, every trace checked. */
class ElectionCostExperimentTest {
    static Outcome run(String protocol, int divergence, Spread spread, long seed) {
        Outcome o = ElectionCostTrial.run(Protocol.byName(protocol), divergence, spread, seed);
        assertEquals(List.of(), o.violations(), protocol + " " + divergence + " " + spread);
        assertFalse(o.unknown(), "a check could not decide");
        assertFalse(o.censored(), "no commit after the crash");
        return o;
    }

    @Test
    void theSurvivorsHoldTheSpreadAsModelled() {
        Outcome o = run("multi-paxos", 100, Spread.STAIRCASE, 3);
        assertEquals(List.of(100, 75, 50, 25), o.heldBySurvivor());
        Outcome one = run("raft", 100, Spread.ONE, 3);
        assertEquals(List.of(100, 0, 0, 0), one.heldBySurvivor());
    }

    @Test
    void paxosPhaseOneTransfersMoreEntriesWithAThousandDivergentEntriesThanWithNone() {
        for (long seed : List.of(1L, 2L)) {
            Outcome none = run("multi-paxos", 0, Spread.ALL, seed);
            Outcome many = run("multi-paxos", 1000, Spread.ALL, seed);
            assertEquals(0, none.promiseEntries());
            // A quorum's promises each carry the thousand accepted values.
            assertTrue(many.promiseEntries() >= 1000, "promises carried " + many.promiseEntries());
            assertTrue(many.entriesDuringElection() > none.entriesDuringElection());
        }
    }

    @Test
    void raftsElectedLeaderHeldTheLongestLogAmongItsVotersAndEveryEntryAMajorityHad() {
        for (long seed : List.of(1L, 2L)) {
            Outcome o = run("raft", 1000, Spread.STAIRCASE, seed);
            assertEquals(0, o.entriesDuringElection(), "a vote carries no entries");
            assertTrue(o.leaderLogCoversVoters(), "a voter held more than the leader it elected");
            // The first 750 entries were on the old leader, n2 and n3: a majority, so committed in
            // fact (leader completeness); only n2 or n3 can win, and n2 holds the longest log.
            assertTrue(o.newLeaderHeld() >= 750, o.newLeader() + " held " + o.newLeaderHeld());
        }
        Outcome all = run("raft", 1000, Spread.ALL, 1);
        assertEquals(1000, all.newLeaderHeld(), "every survivor held the longest log");
    }
}
