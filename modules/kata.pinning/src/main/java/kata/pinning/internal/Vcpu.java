package kata.pinning.internal;

/**
 * One vCPU as the VMM reports it: QEMU's {@code cpu-index} and the host thread that runs it.
 *
 * @param index the vCPU's index in the VM; indices may have holes after a hot-unplug
 * @param threadId the host thread id; QEMU reports 0 or less for a vCPU without a thread of its own
 */
public record Vcpu(int index, int threadId) {
}
