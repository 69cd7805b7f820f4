package quorumlab.protocols.cluster;

import java.util.ArrayList;
import java.util.List;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.runtime.Delay;
import quorumlab.protocols.runtime.NetworkModel;

/**
 * What a node process needs of the coordinator's {@link NetworkModel} to route its own messages: per
 * directed link the delay distribution, loss, duplication and whether a cut blocks it, and the
 * reordering. The coordinator's model stays the one the fault injector changes; whenever it
 * differs from what the nodes were last told, the coordinator sends every node a new state.
 */
record NetworkState(List<Link> links, double reorder, Delay reorderExtra) {
    record Link(NodeId from, NodeId to, Delay delay, double drop, double duplicate, boolean cut) {}

    NetworkState {
        links = List.copyOf(links);
    }

    /** The state of {@code model} over every ordered pair of {@code members}. */
    static NetworkState of(NetworkModel model, List<NodeId> members) {
        List<Link> links = new ArrayList<>();
        for (NodeId from : members) {
            for (NodeId to : members) {
                if (from.equals(to)) continue;
                links.add(new Link(from, to, model.delayOf(from, to), model.dropProbabilityOf(from, to),
                        model.duplicateProbabilityOf(from, to), model.isCut(from, to)));
            }
        }
        double reorder = ((Number) model.defaults().get("reorder")).doubleValue();
        return new NetworkState(links, reorder, model.reorderExtra());
    }

    /**
     * Makes {@code model} (a node's own copy) route as this state says. The model's link streams are
     * kept, so the node's random draws continue where they were.
     */
    void applyTo(NetworkModel model) {
        model.heal();
        for (Link l : links) {
            model.setLinkDelay(l.from(), l.to(), l.delay());
            model.setLinkDropProbability(l.from(), l.to(), l.drop());
            model.setLinkDuplicateProbability(l.from(), l.to(), l.duplicate());
            if (l.cut()) model.cutOneWay(l.from(), l.to());
        }
        model.setReordering(reorder, reorderExtra);
    }
}
