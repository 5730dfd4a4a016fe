package kata.pinning.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import kata.pinning.VcpuThread;
import kata.pinning.cpuset.CpuSet;

/**
 * Gives vCPUs CPUs of their own from a union, node by node, never handing out a CPU twice.
 *
 * <p>Algorithm: two passes over one {@link CpuPool} of the union's CPUs.
 * <ol>
 *   <li>Pass 1, home CPUs: each guest node serves its own vCPUs, lowest index first, from its own
 *       CPUs in the union, lowest first, until either runs out.</li>
 *   <li>Pass 2, lending: the CPUs no node claimed go to the vCPUs still without one (their node
 *       ran short, or they have none), lowest vCPU index first. Lending only after every node has
 *       served itself keeps a node from losing a CPU that one of its own vCPUs would have had.</li>
 *   <li>Masks: a vCPU left without a CPU may run on its node's CPUs within the union, or on the
 *       whole union when that is empty or it has no node.</li>
 * </ol>
 * Without NUMA no vCPU has a node: pass 1 does nothing and pass 2 pins the lowest-index vCPUs to the
 * union's CPUs in order, which is the {@code exact} rule's assignment.
 */
final class NodeAssignment {

    private final CpuSet union;
    private final GuestNodes nodes;
    private final CpuPool pool;
    private final List<VcpuThread> vcpus;
    private final Map<VcpuThread, OptionalInt> nodeOf;
    private final Map<VcpuThread, Integer> pins = new HashMap<>();

    private NodeAssignment(List<VcpuThread> vcpus, Map<VcpuThread, OptionalInt> nodeOf, CpuSet union, GuestNodes nodes) {
        this.vcpus = vcpus;
        this.nodeOf = nodeOf;
        this.union = union;
        this.nodes = nodes;
        this.pool = new CpuPool(union);
    }

    /**
     * Places vCPUs that each have a thread of their own.
     *
     * @param vcpus the vCPUs, in index order, with distinct threads
     * @param nodeOf each vCPU's guest node, empty when it has none
     * @param union the containers' union, not empty
     * @param nodes the guest nodes; {@link GuestNodes#NONE} without NUMA
     * @return one placement per vCPU, in index order
     */
    static List<VcpuPlacement> assign(List<VcpuThread> vcpus, Map<VcpuThread, OptionalInt> nodeOf, CpuSet union,
                                      GuestNodes nodes) {
        NodeAssignment assignment = new NodeAssignment(vcpus, nodeOf, union, nodes);
        assignment.homeCpus();
        assignment.lendUnclaimed();
        return assignment.placements();
    }

    /** Pass 1: every node pins its own vCPUs to its own CPUs in the union. */
    private void homeCpus() {
        Map<Integer, CpuPool.Cursor> home = new HashMap<>();
        for (VcpuThread vcpu : vcpus) {
            OptionalInt node = nodeOf.get(vcpu);
            if (node.isPresent()) {
                home.computeIfAbsent(node.getAsInt(), n -> pool.cursor(nodes.cpusOf(n).intersection(union)))
                        .take().ifPresent(cpu -> pins.put(vcpu, cpu));
            }
        }
    }

    /** Pass 2: the CPUs left over go to the vCPUs left over, both lowest first. */
    private void lendUnclaimed() {
        CpuPool.Cursor rest = pool.cursor(union);
        for (VcpuThread vcpu : vcpus) {
            if (!pins.containsKey(vcpu)) {
                OptionalInt cpu = rest.take();
                if (cpu.isEmpty()) {
                    return;
                }
                pins.put(vcpu, cpu.getAsInt());
            }
        }
    }

    /** The pins, and the masks of the vCPUs without one. */
    private List<VcpuPlacement> placements() {
        Map<Integer, CpuSet> masks = new HashMap<>();
        List<VcpuPlacement> out = new ArrayList<>(vcpus.size());
        for (VcpuThread vcpu : vcpus) {
            OptionalInt node = nodeOf.get(vcpu);
            Integer cpu = pins.get(vcpu);
            if (cpu != null) {
                out.add(new VcpuPlacement(vcpu.index(), vcpu.threadId(), node, CpuSet.of(cpu), true));
            } else {
                CpuSet mask = node.isEmpty() ? union : masks.computeIfAbsent(node.getAsInt(), n -> {
                    CpuSet own = nodes.cpusOf(n).intersection(union);
                    return own.isEmpty() ? union : own;
                });
                out.add(new VcpuPlacement(vcpu.index(), vcpu.threadId(), node, mask, false));
            }
        }
        return out;
    }
}
