package kata.pinning.internal;

import java.util.ArrayList;
import java.util.Comparator;
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
 * The placement of a sandbox's vCPU threads as one pure function: the inputs of one check in, the
 * complete {@link Plan} out. No I/O and no state, so that properties can exercise it.
 *
 * <p>Algorithm:
 * <ol>
 *   <li>Nothing to place: pinning is off, or no vCPU has a thread of its own.</li>
 *   <li>NUMA with an empty union: every vCPU may run on its guest node's host CPUs.</li>
 *   <li>{@code fit} with a non-empty union: {@link NodeAssignment} pins as many vCPUs as fit, the
 *       others get masks; vCPUs that share a thread get the union.</li>
 *   <li>{@code exact}, Kata's count rule: when every vCPU has a thread of its own and there are as
 *       many as the union has CPUs, {@link NodeAssignment} pins them all (without NUMA, the i-th
 *       vCPU by index to the i-th smallest CPU). Otherwise, when an earlier check may still
 *       restrict the threads, every thread is reset to the union, or to the VMM's own affinity once
 *       the union is empty; when none can, nothing is done.</li>
 * </ol>
 * A plan with pins that fails half-way falls back to {@link #fallback}: every thread on the union.
 *
 * <p>Three corrections to Kata's rule: vCPUs are matched to CPUs in index order even when the
 * indices have holes; two vCPUs on one thread never count as a match; and an empty union resets to
 * the VMM's own affinity instead of leaving threads pinned.
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
        List<VcpuThread> threads = withThreads(request.vcpus());
        if (threads.isEmpty()) {
            return Plan.none("no vCPU thread ids reported");
        }
        CpuSet union = request.union();
        GuestNodes nodes = request.nodes();
        Map<VcpuThread, OptionalInt> nodeOf = nodesOf(threads, nodes);
        if (nodes.enabled() && union.isEmpty()) {
            return nodeMasks(threads, nodeOf, nodes);
        }
        if (request.policy() == PinningPolicy.FIT && !union.isEmpty()) {
            return place(threads, nodeOf, union, nodes, false);
        }
        String mismatch = mismatch(threads, union);
        if (mismatch == null) {
            return place(threads, nodeOf, union, nodes, !nodes.enabled());
        }
        if (!request.placedBefore()) {
            return Plan.none(mismatch + "; nothing pinned, nothing to undo");
        }
        if (union.isEmpty()) {
            if (request.vmmAffinity().isEmpty()) {
                throw new IllegalArgumentException("cannot reset to the VMM's own affinity: it is unknown");
            }
            return everyThreadOn(threads, nodeOf, request.vmmAffinity(), Plan.Effect.VMM_AFFINITY, CpuSet.empty(),
                    mismatch + "; reset to the VMM's own affinity " + request.vmmAffinity());
        }
        return everyThreadOn(threads, nodeOf, union, Plan.Effect.MASKS, union, mismatch + "; reset to the union " + union);
    }

    /**
     * The second plan of a check whose plan with pins failed half-way: every thread of that plan on
     * its union, so that no vCPU is left on a CPU another one was meant to have.
     *
     * @param failed a plan with {@link Plan.Effect#PINS}
     * @return a plan that gives every thread of {@code failed} the whole of its union
     * @throws IllegalArgumentException if {@code failed} has no pins
     */
    public static Plan fallback(Plan failed) {
        if (failed.effect() != Plan.Effect.PINS) {
            throw new IllegalArgumentException("only a plan with pins falls back: " + failed.effect());
        }
        CpuSet union = failed.union();
        List<VcpuPlacement> placements = failed.placements().stream()
                .map(p -> new VcpuPlacement(p.vcpuIndex(), p.threadId(), p.node(), union, false))
                .toList();
        return new Plan(Plan.Effect.MASKS, placements, union, "every vCPU thread back on the union " + union);
    }

    /**
     * {@return the vCPUs that have a thread of their own (thread id above 0), by index}
     *
     * @param vcpus the vCPUs as the VMM reports them
     */
    public static List<VcpuThread> withThreads(List<VcpuThread> vcpus) {
        return vcpus.stream()
                .filter(v -> v.threadId() > 0)
                .sorted(Comparator.comparingInt(VcpuThread::index))
                .toList();
    }

    /**
     * Pins what fits, node by node; vCPUs that share a thread, and those left over, get masks.
     * {@code oneEach} marks the exact rule's match without NUMA, whose reason Kata's users know.
     */
    private static Plan place(List<VcpuThread> threads, Map<VcpuThread, OptionalInt> nodeOf, CpuSet union,
                              GuestNodes nodes, boolean oneEach) {
        Map<Integer, Long> perThread = new HashMap<>();
        threads.forEach(v -> perThread.merge(v.threadId(), 1L, Long::sum));
        List<VcpuThread> own = threads.stream().filter(v -> perThread.get(v.threadId()) == 1).toList();
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
            onNode += !p.pinned() && !p.cpus().equals(union) ? 1 : 0;
        }
        int pinned = (int) placements.stream().filter(VcpuPlacement::pinned).count();
        int onUnion = threads.size() - pinned - onNode;
        String reason = counts(threads, union) + (oneEach ? ": one vCPU per CPU" : ": " + pinned + " pinned"
                + (onNode > 0 ? ", " + onNode + " on their node's CPUs" : "")
                + (onUnion > 0 ? ", " + onUnion + " on the union" : ""));
        return new Plan(pinned > 0 ? Plan.Effect.PINS : Plan.Effect.MASKS, placements, union, reason);
    }

    /** An empty union with NUMA on: every vCPU may run on its node's host CPUs, none is pinned. */
    private static Plan nodeMasks(List<VcpuThread> threads, Map<VcpuThread, OptionalInt> nodeOf, GuestNodes nodes) {
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

    private static Plan everyThreadOn(List<VcpuThread> threads, Map<VcpuThread, OptionalInt> nodeOf, CpuSet cpus,
                                      Plan.Effect effect, CpuSet union, String reason) {
        List<VcpuPlacement> placements = threads.stream()
                .map(v -> new VcpuPlacement(v.index(), v.threadId(), nodeOf.get(v), cpus, false))
                .toList();
        return new Plan(effect, placements, union, reason);
    }

    /** {@return why the exact rule cannot pin one vCPU per CPU, or null when it can} */
    private static String mismatch(List<VcpuThread> threads, CpuSet union) {
        Map<Integer, VcpuThread> owner = new HashMap<>();
        for (VcpuThread vcpu : threads) {
            VcpuThread first = owner.putIfAbsent(vcpu.threadId(), vcpu);
            if (first != null) {
                return "vCPUs " + first.index() + " and " + vcpu.index() + " share thread " + vcpu.threadId();
            }
        }
        if (union.isEmpty()) {
            return "no container has a cpuset";
        }
        return threads.size() != union.size() ? counts(threads, union) : null;
    }

    /** {@return for example "1 vCPU for 2 CPUs (0-1)"} */
    static String counts(List<VcpuThread> threads, CpuSet union) {
        return plural(threads.size(), "vCPU") + " for " + plural(union.size(), "CPU") + " (" + union + ")";
    }

    private static String plural(int count, String noun) {
        return count + " " + noun + (count == 1 ? "" : "s");
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
