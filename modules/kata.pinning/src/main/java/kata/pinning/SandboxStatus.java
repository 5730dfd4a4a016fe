package kata.pinning;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import kata.pinning.cpuset.CpuSet;

/**
 * A snapshot of a sandbox: its containers, the last pinning decision and why, and the affinity
 * each vCPU thread really has, as the kernel reports it.
 *
 * @param pinningEnabled whether the sandbox allows vCPU pinning
 * @param vmStarted whether {@link SandboxResources#vmStarted()} was called
 * @param pinState what the vCPU threads' affinities are, as far as this sandbox set them
 * @param lastOutcome the outcome of the last pinning check
 * @param lastReason why: the decision's reason, or the failure's message
 * @param containers each container's CPU resources, by container id in id order
 * @param union the union of all containers' CPU resources, written to the sandbox cgroup
 * @param vcpus each vCPU the VMM reports now, in index order
 * @since 0.1
 */
public record SandboxStatus(boolean pinningEnabled, boolean vmStarted, PinState pinState, Outcome lastOutcome,
                            String lastReason, Map<String, CpuResources> containers, CpuResources union,
                            List<VcpuStatus> vcpus) {

    /** What this sandbox did to the vCPU threads' affinities, as a whole. */
    public enum PinState {
        /** The threads have the affinity the VMM gave them: never pinned, or reset to the VMM's own. */
        UNPINNED,
        /** Each vCPU thread is pinned to its own CPU of the union. */
        PINNED,
        /**
         * The threads were pinned, then reset to the whole union; a later change resets them again,
         * and an empty union returns them to the VMM's own affinity.
         */
        RESET
    }

    /** The result of a pinning check. */
    public enum Outcome {
        /** No pinning check ran yet, for example right after a restore. */
        NONE,
        /** Each vCPU thread was pinned to its own CPU. */
        PINNED,
        /** Every vCPU thread was reset to the union, or to the VMM's own affinity. */
        RESET,
        /** No affinity was changed, because pinning is off or does not apply; the reason says which. */
        SKIPPED,
        /** The pin or reset the rule chose was already in force, so no system call was made. */
        UNCHANGED,
        /** The operation failed; the reason is the {@link PinningException}'s message. */
        FAILED
    }

    /**
     * One vCPU as the VMM reports it, with its thread's affinity read from the kernel.
     *
     * @param index the vCPU's index in the VM
     * @param threadId its host thread id; 0 or less when the VMM reports no thread of its own
     * @param affinity the thread's current CPUs; empty when it has no thread, the thread is gone, or
     *     it is not a task of the VMM (then it is not read)
     */
    public record VcpuStatus(int index, int threadId, Optional<CpuSet> affinity) {
        /** Checks the affinity. */
        public VcpuStatus {
            Objects.requireNonNull(affinity, "affinity");
        }
    }

    /** Copies the collections. */
    public SandboxStatus {
        Objects.requireNonNull(pinState, "pinState");
        Objects.requireNonNull(lastOutcome, "lastOutcome");
        Objects.requireNonNull(lastReason, "lastReason");
        containers = Collections.unmodifiableMap(new TreeMap<>(containers));
        Objects.requireNonNull(union, "union");
        vcpus = List.copyOf(vcpus);
    }
}
