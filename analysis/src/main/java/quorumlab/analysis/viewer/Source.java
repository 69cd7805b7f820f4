package quorumlab.analysis.viewer;

import java.util.List;
import quorumlab.protocols.trace.TraceRecord;

/** Where the viewer's traces come from: a recorded run, or simulations running live. */
interface Source {
    /** One protocol's trace as known so far, or the one-line reason it could not be read. */
    record Lane(String protocol, List<TraceRecord> records, String error) {}

    /** "replay" or "live". */
    String mode();

    /** What is shown, in a few words (the scenario, the seed). */
    String title();

    /** The instant the run ends (the last record of a recording; scenario plus drain when live). */
    long end();

    /** Makes sure the traces are known up to {@code t} and a little beyond, and returns them. */
    List<Lane> lanes(long t);

    /** How far the traces are known: the end for a recording, the simulated time when live. */
    default long known() {
        return end();
    }

    /** A one-line error that applies to the whole source, or null. */
    default String error() {
        return null;
    }
}
