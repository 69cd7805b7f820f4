package quorumlab.workload;

import java.util.List;
import java.util.Map;
import quorumlab.protocols.NodeId;
import quorumlab.protocols.runtime.Delay;
import quorumlab.protocols.runtime.NetworkModel;
import quorumlab.protocols.runtime.RegionLatency;

/** Turns a scenario's network section into the runtime's network model. */
final class Runs {
    /** The extra hold-back of a reordered message. */
    static final Delay REORDER_EXTRA = Delay.uniform(1_000_000L, 20_000_000L);
    static final String DEFAULT_DELAY = "uniform(1ms,3ms)";

    static Delay baselineDelay(Scenario.Network n) {
        return DelaySpec.parse(n.delay() != null ? n.delay() : DEFAULT_DELAY);
    }

    static NetworkModel network(Scenario scenario) {
        Scenario.Network n = scenario.networkOrDefault();
        NetworkModel model = new NetworkModel().setDelay(baselineDelay(n));
        if (n.loss() != null) model.setDropProbability(n.loss());
        if (n.duplicate() != null) model.setDuplicateProbability(n.duplicate());
        if (n.reorder() != null) model.setReordering(n.reorder(), REORDER_EXTRA);
        if (n.regions() != null) model.setRegions(regions(n.regions()));
        return model;
    }

    static Delay clientDelay(Scenario scenario) {
        String d = scenario.networkOrDefault().clientDelay();
        return DelaySpec.parse(d != null ? d : "constant(500us)");
    }

    static RegionLatency regions(Scenario.Regions r) {
        RegionLatency latency = new RegionLatency();
        for (Map.Entry<String, List<String>> e : r.placement().entrySet()) {
            for (String node : e.getValue()) latency.place(NodeId.parse(node), e.getKey());
        }
        if (r.within() != null) latency.within(DelaySpec.parse(r.within()));
        if (r.between() != null) {
            for (Map.Entry<String, String> e : r.between().entrySet()) {
                String[] pair = r.pair(e.getKey());
                latency.between(pair[0], pair[1], DelaySpec.parse(e.getValue()));
            }
        }
        return latency;
    }

    private Runs() {}
}
