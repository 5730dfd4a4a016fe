package kata.pinning.internal;

/**
 * One line of a pin plan: the thread of vCPU {@code vcpuIndex} goes to the single CPU {@code cpu}.
 *
 * @param vcpuIndex the vCPU's index
 * @param threadId its host thread id
 * @param cpu the host CPU it is pinned to
 */
public record Assignment(int vcpuIndex, int threadId, int cpu) {
}
