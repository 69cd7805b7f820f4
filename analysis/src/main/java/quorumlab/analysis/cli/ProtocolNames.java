package quorumlab.analysis.cli;

import java.util.Iterator;
import quorumlab.protocols.Protocol;

/** The names of the protocols on the class path, for the help of an option that takes one. */
final class ProtocolNames implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
        return Protocol.all().stream().map(Protocol::name).iterator();
    }
}
