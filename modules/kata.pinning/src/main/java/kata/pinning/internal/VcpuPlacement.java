package kata.pinning.internal;

import java.util.Objects;
import java.util.OptionalInt;
import kata.pinning.cpuset.CpuSet;

/**
 * Where one vCPU's thread goes in a {@link Plan}.
 *
 * @param vcpuIndex the vCPU's index
 * @param threadId its host thread id, above 0
 * @param node the guest NUMA node it was placed for; empty without NUMA or when unknown
 * @param cpus the thread's affinity in the plan; never empty
 * @param pinned whether {@code cpus} is one CPU of its own, which no other vCPU of the plan gets
 */
public record VcpuPlacement(int vcpuIndex, int threadId, OptionalInt node, CpuSet cpus, boolean pinned) {

    /**
     * Checks the components.
     *
     * @throws IllegalArgumentException if {@code cpus} is empty, or {@code pinned} with more than one CPU
     */
    public VcpuPlacement {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(cpus, "cpus");
        if (cpus.isEmpty() || pinned && cpus.size() != 1) {
            throw new IllegalArgumentException("vCPU " + vcpuIndex + ": bad placement " + cpus + (pinned ? " (pinned)" : ""));
        }
    }
}
