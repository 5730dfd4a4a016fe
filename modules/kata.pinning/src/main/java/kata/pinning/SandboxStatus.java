package kata.pinning;

import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import kata.pinning.config.PinningPolicy;
import kata.pinning.cpuset.CpuSet;

/**
 * A snapshot of a sandbox: its containers, the last pinning decision and why, and the affinity
 * each vCPU thread really has, as the kernel reports it.
 *
 * @param pinningEnabled whether the sandbox allows vCPU pinning
 * @param policy how the sandbox places its vCPUs: the policy it was created with
 * @param vmStarted whether {@link SandboxResources#vmStarted()} was called
 * @param pinState what the vCPU threads' affinities are, as far as this sandbox set them
 * @param lastOutcome the outcome of the last pinning check
 * @param lastReason why: the decision's reason, or the failure's message
 * @param containers each container's CPU resources, by container id in id order
 * @param union the union of all containers' CPU resources, written to the sandbox cgroup
 * @param vcpus each vCPU the VMM reports now, in index order
 * @since 0.1
 */
public record SandboxStatus(boolean pinningEnabled, PinningPolicy policy, boolean vmStarted, PinState pinState, Outcome lastOutcome,
                            String lastReason, Map<String, CpuResources> containers, CpuResources union,
                            List<VcpuStatus> vcpus) {

    /** What this sandbox did to the vCPU threads' affinities, as a whole. */
    public enum PinState {
        /** The threads have the affinity the VMM gave them: never pinned, or reset to the VMM's own. */
        UNPINNED,
        /**
         * At least one vCPU thread is pinned to a CPU of its own in the union (every one of them
         * under the {@code exact} policy); the others may run on a set of CPUs.
         */
        PINNED,
        /**
         * Every thread may run on a set of CPUs that this sandbox gave it: the union after an
         * earlier pin, or its NUMA node's CPUs; a later change places them again, and an empty
         * union returns them to the VMM's own affinity (without NUMA).
         */
        RESET
    }

    /** The result of a pinning check. */
    public enum Outcome {
        /**
         * No pinning check ran yet. A restored sandbox reports the outcome of the last check its
         * persisted state recorded; one persisted by version 0.1, which did not record it, reports this.
         */
        NONE,
        /**
         * The plan was applied, and at least one vCPU thread got a CPU of its own; the reason says
         * how many. Shown as {@code pinned}.
         */
        PLACED,
        /**
         * The plan was applied, and every vCPU thread got a set of CPUs: the union, its NUMA node's
         * CPUs, or the VMM's own affinity. Shown as {@code reset}.
         */
        WIDENED,
        /** No affinity was changed, because pinning is off or does not apply; the reason says which. */
        SKIPPED,
        /** Every vCPU thread already had the affinity the plan gives it, so no affinity was set. */
        UNCHANGED,
        /** The operation failed; the reason is the {@link PinningException}'s message. */
        FAILED
    }

    /**
     * One vCPU as the VMM reports it, with its thread's affinity read from the kernel.
     *
     * @param index the vCPU's index in the VM
     * @param threadId its host thread id; 0 or less when the VMM reports no thread of its own
     * @param node its guest NUMA node as the VMM reports it; empty when unknown
     * @param affinity the thread's current CPUs; empty when it has no thread, the thread is gone, or
     *     it is not a task of the VMM (then it is not read)
     * @param pinned whether {@code affinity} is one CPU of its own: a single CPU that no other vCPU
     *     thread has as its whole affinity
     * @param vmmTask whether the thread is one of the VMM's tasks, as the VMM's task listing showed
     *     them when the vCPUs were asked for
     */
    public record VcpuStatus(int index, int threadId, OptionalInt node, Optional<CpuSet> affinity, boolean pinned,
                             boolean vmmTask) {
        /** Checks the node and the affinity. */
        public VcpuStatus {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(affinity, "affinity");
        }

        /**
         * A vCPU whose thread counts as a task of the VMM exactly when its affinity could be read,
         * as version 0.1 reported it.
         *
         * @param index the vCPU's index in the VM
         * @param threadId its host thread id
         * @param node its guest NUMA node; empty when unknown
         * @param affinity the thread's current CPUs; empty when not read
         * @param pinned whether that is one CPU of its own
         */
        public VcpuStatus(int index, int threadId, OptionalInt node, Optional<CpuSet> affinity, boolean pinned) {
            this(index, threadId, node, affinity, pinned, affinity.isPresent());
        }
    }

    /**
     * Tells, for each of a VM's vCPU thread affinities, whether it is one CPU of its own: a single
     * CPU that no other of the affinities is. This is what {@link VcpuStatus#pinned()} reports.
     *
     * @param affinities the affinities of the vCPU threads; empty ones could not be read
     * @return for each, in order, whether it is a pin of its own
     * @since 0.2
     */
    public static List<Boolean> pinnedOfTheirOwn(List<Optional<CpuSet>> affinities) {
        Map<CpuSet, Integer> singles = new HashMap<>();
        affinities.forEach(a -> a.filter(cpus -> cpus.size() == 1).ifPresent(cpus -> singles.merge(cpus, 1, Integer::sum)));
        return affinities.stream().map(a -> a.isPresent() && singles.getOrDefault(a.get(), 0) == 1).toList();
    }

    /** Copies the collections. */
    public SandboxStatus {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(pinState, "pinState");
        Objects.requireNonNull(lastOutcome, "lastOutcome");
        Objects.requireNonNull(lastReason, "lastReason");
        containers = Collections.unmodifiableMap(new TreeMap<>(containers));
        Objects.requireNonNull(union, "union");
        vcpus = List.copyOf(vcpus);
    }
}
