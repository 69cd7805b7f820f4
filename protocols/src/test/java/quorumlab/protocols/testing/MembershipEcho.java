package quorumlab.protocols.testing;

import java.util.List;
import quorumlab.protocols.ClientRequest;
import quorumlab.protocols.MembershipChange;
import quorumlab.protocols.Message;
import quorumlab.protocols.Node;
import quorumlab.protocols.NodeContext;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.OptionSpec;
import quorumlab.protocols.Options;
import quorumlab.protocols.Protocol;
import quorumlab.protocols.ProtocolEvent;

/**
 * {@link EchoProtocol} that takes membership changes, for testing the runtimes' plumbing only: a
 * node commits an {@code ADD} at once (its voters: itself and the added node) and refuses a
 * {@code REMOVE}. n1 says it leads, from its start. It replicates nothing.
 */
public final class MembershipEcho implements Protocol {
    private final EchoProtocol echo = new EchoProtocol();

    @Override
    public String name() {
        return "membership-echo";
    }

    @Override
    public String description() {
        return "test protocol: echo that commits every add and refuses every remove";
    }

    @Override
    public List<OptionSpec> options() {
        return echo.options();
    }

    @Override
    public boolean supportsMembershipChange() {
        return true;
    }

    @Override
    public Node createNode(NodeContext context, Options options) {
        Node inner = echo.createNode(context, options);
        return new Node() {
            @Override
            public void onStart() {
                inner.onStart();
                if (context.self().id() == 1) context.emit(new ProtocolEvent.LeaderEstablished(1));
            }

            @Override
            public void onMessage(NodeId from, Message message) {
                inner.onMessage(from, message);
            }

            @Override
            public void onClientRequest(ClientRequest request) {
                inner.onClientRequest(request);
            }

            @Override
            public void onTimer(String name) {
                inner.onTimer(name);
            }

            @Override
            public void onMembershipChange(MembershipChange change) {
                if (change.kind() == MembershipChange.Kind.ADD) {
                    context.emit(new ProtocolEvent.MembershipChangeCommitted(change.id(), List.of(context.self(), change.node())));
                } else {
                    context.emit(new ProtocolEvent.MembershipChangeRefused(change.id(), "this test protocol refuses removals"));
                }
            }
        };
    }
}
