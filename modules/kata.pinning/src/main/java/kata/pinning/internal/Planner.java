package kata.pinning.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import kata.pinning.VcpuThread;
import kata.pinning.config.PinningPolicy;
import kata.pinning.cpuset.CpuSet;

/**
 * The placement of a sandbox's vCPU threads as a pure function: the inputs of one pinning check
 * in, the complete {@link Plan} out. No I/O and no state, so that properties can exercise it.
 *
 * <ul>
 *   <li>{@code exact} without NUMA is {@link PinningRule}: a pin when the counts match, else a
 *       reset (when something was placed before) or nothing.</li>
 *   <li>{@code fit} with a non-empty union places every vCPU on every check: as many as fit get a
 *       CPU of their own, the others the union. An empty union behaves as under {@code exact}.</li>
 *   <li>With NUMA, pins go through {@link NodeAssignment}, and an empty union gives every vCPU its
 *       node's host CPUs, under either policy.</li>
 * </ul>
 */
public final class Planner {

    private Planner() {
    }

    /**
     * The inputs of one pinning check.
     *
     * @param enabled whether the sandbox allows pinning
     * @param policy the placement policy
     * @param vcpus the vCPUs the VMM reports, in any order; thread ids of 0 or less are ignored
     * @param union the union of the containers' cpusets
     * @param nodes the guest NUMA nodes; {@link GuestNodes#NONE} when NUMA is off
     * @param vmmAffinity the VMM process's own affinity, the reset target when the union is empty
     * @param placedBefore whether an earlier check may still restrict the threads
     */
    public record Request(boolean enabled, PinningPolicy policy, List<VcpuThread> vcpus, CpuSet union,
                          GuestNodes nodes, CpuSet vmmAffinity, boolean placedBefore) {
        /** Checks and copies the components. */
        public Request {
            Objects.requireNonNull(policy, "policy");
            vcpus = List.copyOf(vcpus);
            Objects.requireNonNull(union, "union");
            Objects.requireNonNull(nodes, "nodes");
            Objects.requireNonNull(vmmAffinity, "vmmAffinity");
        }
    }

    /**
     * Plans one pinning check.
     *
     * @param request the inputs
     * @return the plan; the same request always gives the same plan
     * @throws IllegalArgumentException if the plan is a reset to the VMM's own affinity and that is empty
     */
    public static Plan plan(Request request) {
        if (!request.enabled()) {
            return Plan.none("vCPU pinning is disabled");
        }
        List<VcpuThread> threads = PinningRule.withThreads(request.vcpus());
        if (threads.isEmpty()) {
            return Plan.none("no vCPU thread ids reported");
        }
        CpuSet union = request.union();
        GuestNodes nodes = request.nodes();
        if (nodes.enabled() && union.isEmpty()) {
            return nodeMasks(threads, nodes);
        }
        if (request.policy() == PinningPolicy.FIT && !union.isEmpty()) {
            return fit(threads, union, nodes);
        }
        Decision decision = PinningRule.decide(true, threads, union, request.placedBefore(), request.vmmAffinity(), Map.of());
        return switch (decision) {
            case Decision.Skip skip -> Plan.none(skip.reason());
            case Decision.Pin pin -> nodes.enabled() ? fit(threads, union, nodes) : pinned(pin, threads);
            case Decision.Reset reset -> reset(reset, threads, nodesOf(threads, nodes));
            case Decision.Unchanged unchanged -> throw new AssertionError("no plan in force was given: " + unchanged);
        };
    }

    /** Pins what fits, node by node; vCPUs that share a thread, and those left over, get masks. */
    private static Plan fit(List<VcpuThread> threads, CpuSet union, GuestNodes nodes) {
        Map<Integer, Long> perThread = new HashMap<>();
        threads.forEach(v -> perThread.merge(v.threadId(), 1L, Long::sum));
        List<VcpuThread> own = threads.stream().filter(v -> perThread.get(v.threadId()) == 1).toList();
        Map<VcpuThread, OptionalInt> nodeOf = nodesOf(threads, nodes);
        Map<Integer, VcpuPlacement> byIndex = new HashMap<>();
        for (VcpuPlacement p : NodeAssignment.assign(own, nodeOf, union, nodes)) {
            byIndex.put(p.vcpuIndex(), p);
        }
        List<VcpuPlacement> placements = new ArrayList<>(threads.size());
        int onNode = 0;
        for (VcpuThread v : threads) {
            VcpuPlacement p = byIndex.get(v.index());
            if (p == null) { // a thread shared with another vCPU
                p = new VcpuPlacement(v.index(), v.threadId(), nodeOf.get(v), union, false);
            }
            placements.add(p);
            onNode += !p.pinned() && p.cpus() != union && !p.cpus().equals(union) ? 1 : 0;
        }
        int pinned = (int) placements.stream().filter(VcpuPlacement::pinned).count();
        String reason = PinningRule.counts(threads, union) + ": " + pinned + " pinned"
                + (onNode > 0 ? ", " + onNode + " on their node's CPUs" : "")
                + (threads.size() - pinned - onNode > 0 ? ", " + (threads.size() - pinned - onNode) + " on the union" : "");
        return new Plan(pinned > 0 ? Plan.Effect.PINS : Plan.Effect.MASKS, placements, union, reason);
    }

    /** An empty union with NUMA on: every vCPU may run on its node's host CPUs, none is pinned. */
    private static Plan nodeMasks(List<VcpuThread> threads, GuestNodes nodes) {
        Map<VcpuThread, OptionalInt> nodeOf = nodesOf(threads, nodes);
        Map<Integer, CpuSet> byThread = new LinkedHashMap<>();
        for (VcpuThread v : threads) { // a thread running vCPUs of several nodes gets all their CPUs
            OptionalInt node = nodeOf.get(v);
            byThread.merge(v.threadId(), node.isPresent() ? nodes.cpusOf(node.getAsInt()) : nodes.allCpus(), CpuSet::union);
        }
        List<VcpuPlacement> placements = threads.stream()
                .map(v -> new VcpuPlacement(v.index(), v.threadId(), nodeOf.get(v), byThread.get(v.threadId()), false))
                .toList();
        return new Plan(Plan.Effect.MASKS, placements, CpuSet.empty(),
                "no container has a cpuset; each vCPU on its guest NUMA node's host CPUs");
    }

    /** The {@code exact} pin without NUMA: no vCPU is placed for a node. */
    private static Plan pinned(Decision.Pin pin, List<VcpuThread> threads) {
        List<VcpuPlacement> placements = new ArrayList<>(threads.size());
        for (int i = 0; i < threads.size(); i++) {
            VcpuThread v = threads.get(i);
            Assignment a = pin.assignments().get(i);
            placements.add(new VcpuPlacement(v.index(), v.threadId(), OptionalInt.empty(), CpuSet.of(a.cpu()), true));
        }
        return new Plan(Plan.Effect.PINS, placements, pin.cpus(), pin.reason());
    }

    private static Plan reset(Decision.Reset reset, List<VcpuThread> threads, Map<VcpuThread, OptionalInt> nodeOf) {
        List<VcpuPlacement> placements = threads.stream()
                .map(v -> new VcpuPlacement(v.index(), v.threadId(), nodeOf.get(v), reset.cpus(), false))
                .toList();
        return new Plan(reset.toVmmAffinity() ? Plan.Effect.VMM_AFFINITY : Plan.Effect.MASKS, placements,
                reset.toVmmAffinity() ? CpuSet.empty() : reset.cpus(), reset.reason());
    }

    /**
     * Each vCPU's guest node: the one the VMM reports, when it reports any (a node that does not
     * exist counts as none); else a proportional split of the vCPUs, in index order, over the nodes.
     */
    static Map<VcpuThread, OptionalInt> nodesOf(List<VcpuThread> threads, GuestNodes nodes) {
        Map<VcpuThread, OptionalInt> nodeOf = new HashMap<>();
        if (!nodes.enabled()) {
            threads.forEach(v -> nodeOf.put(v, OptionalInt.empty()));
        } else if (threads.stream().anyMatch(v -> v.node().isPresent())) {
            threads.forEach(v -> nodeOf.put(v, v.node().isPresent() && v.node().getAsInt() < nodes.count()
                    ? v.node() : OptionalInt.empty()));
        } else {
            int[] shares = nodes.proportionalShares(threads.size());
            int node = 0;
            for (VcpuThread v : threads) {
                while (shares[node] == 0) {
                    node++;
                }
                shares[node]--;
                nodeOf.put(v, OptionalInt.of(node));
            }
        }
        return nodeOf;
    }
}
