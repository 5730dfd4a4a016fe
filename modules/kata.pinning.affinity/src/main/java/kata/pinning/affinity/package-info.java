/**
 * Thread CPU affinity on Linux: {@link kata.pinning.affinity.ThreadAffinity} reads and sets the
 * CPUs any thread may run on, {@link kata.pinning.affinity.LinuxThreads} tells the calling thread's
 * kernel id, the process's affinity and whether the native binding can be used at all, and
 * {@link kata.pinning.affinity.AffinityException} reports what the kernel refused.
 *
 * @since 0.1
 */
package kata.pinning.affinity;
