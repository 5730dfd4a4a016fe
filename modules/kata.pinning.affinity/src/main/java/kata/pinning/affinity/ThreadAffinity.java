package kata.pinning.affinity;

import kata.pinning.cpuset.CpuSet;

/**
 * Reads and sets the CPU affinity of any thread on the host, by its kernel thread id.
 *
 * <p>{@link #linux()} is the real implementation; tests of code that pins threads may pass a fake.
 * Thread ids are the kernel's ({@code gettid(2)}, the entries of {@code /proc/<pid>/task}), not
 * {@link Thread#threadId()}; {@link LinuxThreads#currentThreadId()} gives the calling thread's.
 *
 * @see LinuxThreads
 * @since 0.1
 */
public interface ThreadAffinity {

    /**
     * Returns the CPUs the thread may run on, as {@code sched_getaffinity(2)} reports them.
     *
     * @param tid a kernel thread id (a process id names its main thread), greater than 0
     * @return the thread's allowed CPUs, never empty
     * @throws IllegalArgumentException if {@code tid <= 0}; no system call is made then
     * @throws AffinityException if the kernel refuses, for example because the thread is gone
     */
    CpuSet get(int tid);

    /**
     * Restricts the thread to {@code cpus}, as {@code sched_setaffinity(2)} does.
     *
     * <p>The kernel keeps only the CPUs of {@code cpus} that are possible on this host and allowed by
     * the thread's cgroup cpuset, so a later {@link #get} may return fewer CPUs than were set. It
     * fails, leaving the thread's affinity unchanged, if none remains.
     *
     * @param tid a kernel thread id, greater than 0
     * @param cpus the CPUs the thread may run on; not empty
     * @throws IllegalArgumentException if {@code tid <= 0} or {@code cpus} is empty; no system call
     *     is made then
     * @throws NullPointerException if {@code cpus} is null
     * @throws AffinityException if the kernel refuses: the thread is gone, no CPU of the mask is
     *     usable, or the caller may not change that thread
     */
    void set(int tid, CpuSet cpus);

    /**
     * Returns the Linux implementation, which calls libc through the Foreign Function &amp; Memory API.
     * The module must be granted native access: {@code --enable-native-access=kata.pinning.affinity}
     * on the module path, {@code --enable-native-access=ALL-UNNAMED} on the class path.
     * {@link LinuxThreads#isAvailable()} asks first without throwing.
     *
     * @return the shared Linux implementation, safe for use by many threads at once
     * @throws UnsupportedOperationException on a platform other than Linux, or when the libc
     *     functions cannot be linked; the message says why
     */
    static ThreadAffinity linux() {
        return kata.pinning.affinity.internal.LinuxThreadAffinity.instance();
    }
}
