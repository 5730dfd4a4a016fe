package kata.pinning;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * One vCPU as a {@link Vmm} reports it: its index in the VM, the host thread that runs it, and the
 * guest NUMA node it belongs to when the VMM knows.
 *
 * <p>The report is not trusted: the thread id may be absent (0 or less), shared by several vCPUs
 * (QEMU with one TCG thread), or not a task of the VMM at all. {@link SandboxResources} checks each
 * thread against the VMM's tasks before any affinity changes.
 *
 * @param index the vCPU's index in the VM; indices may have holes after a hot-unplug
 * @param threadId the host thread id; 0 or less for a vCPU without a thread of its own
 * @param node the guest NUMA node, such as QEMU's {@code props.node-id}; empty when unknown
 * @since 0.2
 */
public record VcpuThread(int index, int threadId, OptionalInt node) {

    /**
     * Checks the node.
     *
     * @throws IllegalArgumentException if {@code node} is present and negative
     */
    public VcpuThread {
        Objects.requireNonNull(node, "node");
        if (node.isPresent() && node.getAsInt() < 0) {
            throw new IllegalArgumentException("vCPU " + index + ": guest NUMA node must not be negative: " + node.getAsInt());
        }
    }

    /**
     * A vCPU whose guest NUMA node is unknown.
     *
     * @param index the vCPU's index in the VM
     * @param threadId the host thread id; 0 or less for a vCPU without a thread of its own
     */
    public VcpuThread(int index, int threadId) {
        this(index, threadId, OptionalInt.empty());
    }
}
