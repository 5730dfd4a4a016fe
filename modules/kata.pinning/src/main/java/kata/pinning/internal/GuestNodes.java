package kata.pinning.internal;

import java.util.ArrayList;
import java.util.List;
import kata.pinning.HostTopology;
import kata.pinning.cpuset.CpuSet;

/**
 * The guest NUMA nodes of a VM, each as the host CPUs it maps to, in guest node order: what
 * {@code numa_mapping} makes of the host topology, as Kata builds it.
 *
 * @param hostCpus for guest node {@code i}, the union of its host nodes' CPUs; never empty. An
 *     empty list means NUMA is off.
 */
public record GuestNodes(List<CpuSet> hostCpus) {

    /** No guest NUMA topology: placement ignores nodes. */
    public static final GuestNodes NONE = new GuestNodes(List.of());

    /**
     * Checks the nodes.
     *
     * @throws IllegalArgumentException if a node has no CPUs
     */
    public GuestNodes {
        hostCpus = List.copyOf(hostCpus);
        for (int i = 0; i < hostCpus.size(); i++) {
            if (hostCpus.get(i).isEmpty()) {
                throw new IllegalArgumentException("guest NUMA node " + i + " has no host CPUs");
            }
        }
    }

    /**
     * Builds the guest nodes as Kata does: one per entry of {@code mapping}, each the union of the
     * CPUs of its host nodes, or one per host node when {@code mapping} is empty; nodes without
     * CPUs are dropped.
     *
     * @param host the host topology
     * @param mapping {@code numa_mapping}: host-node lists such as {@code "0"} or {@code "0-1"}
     * @return the guest nodes
     * @throws IllegalArgumentException naming the entry, if one is not a list
     */
    public static GuestNodes of(HostTopology host, List<String> mapping) {
        List<CpuSet> nodes = new ArrayList<>();
        if (mapping.isEmpty()) {
            nodes.addAll(host.nodes().values());
        } else {
            for (String hostNodes : mapping) {
                try {
                    nodes.add(host.cpusOf(CpuSet.parse(hostNodes)));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("numa_mapping entry \"" + hostNodes + "\": " + e.getMessage(), e);
                }
            }
        }
        nodes.removeIf(CpuSet::isEmpty); // a memory-only node can run no vCPU
        return new GuestNodes(nodes);
    }

    /** {@return whether the VM has guest NUMA nodes} */
    public boolean enabled() {
        return !hostCpus.isEmpty();
    }

    /** {@return how many guest nodes there are} */
    public int count() {
        return hostCpus.size();
    }

    /**
     * {@return the host CPUs of guest node {@code node}; empty for a node that does not exist}
     *
     * @param node a guest node id
     */
    public CpuSet cpusOf(int node) {
        return node >= 0 && node < hostCpus.size() ? hostCpus.get(node) : CpuSet.empty();
    }

    /** {@return every guest node's host CPUs together} */
    public CpuSet allCpus() {
        return hostCpus.stream().reduce(CpuSet.empty(), CpuSet::union);
    }

    /**
     * Splits {@code vcpus} vCPUs over the nodes in proportion to their host CPUs, as Kata's
     * {@code DistributeVCPUsProportionally} does: each node gets its share rounded down but at least
     * one; the vCPUs left over go one at a time to the node with the most host CPUs not yet
     * counted; any excess is taken back from the node with the most vCPUs. With fewer vCPUs than
     * nodes, the first nodes get one each.
     *
     * @param vcpus how many vCPUs, at least 0
     * @return how many vCPUs each node gets, in node order; they add up to {@code vcpus}
     */
    public int[] proportionalShares(int vcpus) {
        int n = hostCpus.size();
        int[] shares = new int[n];
        if (vcpus < n) {
            for (int i = 0; i < vcpus; i++) {
                shares[i] = 1;
            }
            return shares;
        }
        long total = hostCpus.stream().mapToLong(CpuSet::size).sum();
        int[] weights = new int[n];
        int assigned = 0;
        for (int i = 0; i < n; i++) {
            weights[i] = hostCpus.get(i).size();
            shares[i] = Math.max(1, (int) (vcpus * (long) weights[i] / total));
            assigned += shares[i];
        }
        for (; assigned < vcpus; assigned++) {
            int best = indexOfMax(weights);
            shares[best]++;
            weights[best]--;
        }
        for (; assigned > vcpus; assigned--) {
            shares[indexOfMax(shares)]--;
        }
        return shares;
    }

    /** The first index of the largest value. */
    private static int indexOfMax(int[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }
}
