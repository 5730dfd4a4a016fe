package kata.pinning.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import kata.pinning.HostTopology;
import kata.pinning.cpuset.CpuSet;

/** Named host machines for the placement tables, in the manner of the kubelet's CPU manager tests. */
final class Topologies {

    private Topologies() {
    }

    /** One node with CPUs 0-3, as on a small single-socket host. */
    static final HostTopology ONE_NODE = topology("0-3");
    /** Two nodes of four CPUs each: 0-3 and 4-7. */
    static final HostTopology TWO_NODES = topology("0-3", "4-7");
    /** Two nodes of four CPUs, and a third node with memory only (a GPU or CXL memory node). */
    static final HostTopology TWO_NODES_CPU_LESS_THIRD = topology("0-3", "4-7", "");
    /** Two unequal nodes: four CPUs and two. */
    static final HostTopology UNEQUAL_NODES = topology("0-3", "4-5");

    /** {@return a topology whose node i has the CPUs of cpulists[i]} */
    static HostTopology topology(String... cpulists) {
        Map<Integer, CpuSet> nodes = new LinkedHashMap<>();
        for (int i = 0; i < cpulists.length; i++) {
            nodes.put(i, CpuSet.parse(cpulists[i]));
        }
        return HostTopology.of(nodes);
    }

    /** {@return one guest node per host node with CPUs, as an empty numa_mapping gives} */
    static GuestNodes perHostNode(HostTopology host) {
        return GuestNodes.of(host, List.of());
    }
}
