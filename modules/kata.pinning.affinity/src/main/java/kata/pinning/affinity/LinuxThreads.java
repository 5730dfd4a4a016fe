package kata.pinning.affinity;

import java.util.Optional;
import kata.pinning.affinity.internal.LinuxThreadAffinity;
import kata.pinning.affinity.internal.NativeSupport;
import kata.pinning.cpuset.CpuSet;

/**
 * Kernel facts about the threads of this JVM, and whether this module can reach the kernel at all.
 *
 * <p>{@link #isAvailable()} is a capability query: it never throws, and loading this class never
 * fails. The other methods, like {@link ThreadAffinity#linux()}, throw
 * {@link UnsupportedOperationException} when the binding is unavailable. It needs Linux on a
 * 64-bit CPU, and native access for this module:
 * <ul>
 *   <li>on the module path: {@code java --enable-native-access=kata.pinning.affinity ...}
 *   <li>on the class path: {@code java --enable-native-access=ALL-UNNAMED ...}, or
 *       {@code Enable-Native-Access: ALL-UNNAMED} in an executable JAR's manifest.
 * </ul>
 * Without it the module does not link libc at all, so the JDK never prints its "restricted method"
 * warning on this module's behalf.
 *
 * @since 0.1
 */
public final class LinuxThreads {

    private LinuxThreads() {
    }

    /**
     * {@return whether {@link ThreadAffinity#linux()} and the methods of this class can be used}
     * The answer is computed once.
     */
    public static boolean isAvailable() {
        return NativeSupport.unavailableReason().isEmpty();
    }

    /**
     * {@return why the Linux binding cannot be used, such as a missing
     * {@code --enable-native-access} flag; empty when it can} Meant for a launcher to print.
     */
    public static Optional<String> unavailableReason() {
        return NativeSupport.unavailableReason();
    }

    /**
     * Returns the kernel id of the calling thread, from {@code gettid(2)}: the id that
     * {@link ThreadAffinity} and {@code /proc/<pid>/task/<tid>} take.
     *
     * <p><b>WARNING:</b> for a virtual thread this is the id of the carrier thread it happens to
     * be mounted on, which may change at any time; only a platform thread has a stable id.
     *
     * @return the calling thread's kernel thread id, greater than 0
     * @throws UnsupportedOperationException if {@link #isAvailable()} is false
     */
    public static int currentThreadId() {
        return LinuxThreadAffinity.currentThreadId();
    }

    /**
     * Returns the affinity of this process's main thread, whose thread id equals the process id.
     *
     * <p>Linux keeps one mask per thread, not per process; each new thread starts with the mask of
     * the thread that created it. The main thread's mask is the one the process was started with,
     * unless someone changed it since, and is what {@code taskset -p <pid>} and
     * {@code Cpus_allowed_list} in {@code /proc/<pid>/status} report. It is the set of CPUs this
     * process may use, already narrowed by its cgroup cpuset.
     *
     * @return the main thread's allowed CPUs, never empty
     * @throws UnsupportedOperationException if {@link #isAvailable()} is false
     * @throws AffinityException if the kernel refuses, which it should not for this process
     */
    public static CpuSet processAffinity() {
        return ThreadAffinity.linux().get(Math.toIntExact(ProcessHandle.current().pid()));
    }
}
