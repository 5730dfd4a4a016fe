package kata.pinning.affinity.internal;

import java.io.UncheckedIOException;
import java.util.Objects;
import kata.pinning.affinity.AffinityException;
import kata.pinning.affinity.ThreadAffinity;
import kata.pinning.cpuset.CpuSet;
import kata.pinning.cpuset.HostCpus;

/**
 * {@link ThreadAffinity} through {@code sched_getaffinity(2)} and {@code sched_setaffinity(2)}.
 *
 * <p>Masks are arrays of 64-bit words, CPU {@code c} at bit {@code c % 64} of word {@code c / 64},
 * the kernel's {@code unsigned long} bitmap on 64-bit Linux. They are sized from the host's possible
 * CPUs (the kernel's {@code nr_cpu_ids}), not glibc's fixed 1024-bit {@code cpu_set_t}:
 * <ul>
 *   <li>a set mask also covers the highest requested CPU; the kernel ignores bits past its own
 *       size, so a request that names only such CPUs fails with {@code EINVAL};
 *   <li>a get mask that the kernel finds too small ({@code EINVAL}) is doubled and the call retried,
 *       and the size that worked is kept for later calls.
 * </ul>
 *
 * <p>Thread-safe: each thread passes its mask and reads its errno through its own {@link CallBuffer},
 * which it reuses, so a call allocates no native memory.
 */
public final class LinuxThreadAffinity implements ThreadAffinity {

    /** glibc's {@code CPU_SETSIZE} (1024 CPUs), used only when sysfs cannot be read. */
    private static final int FALLBACK_WORDS = 16;

    /** Growth stops here: 65,536 CPUs, far above any kernel's {@code NR_CPUS}. */
    static final int MAX_GET_WORDS = 1024;

    /** The smallest mask the kernel accepts, from the possible CPUs. */
    private final int kernelWords;

    /** The get mask size that last worked; only grows. */
    private volatile int getWords;

    private static final class Shared {
        static final LinuxThreadAffinity INSTANCE = new LinuxThreadAffinity(possibleCpuWords());
    }

    /**
     * Creates an instance whose masks start at {@code kernelWords} words.
     *
     * @param kernelWords the mask size, in 64-bit words, to try first; 0 makes the first get fail
     *     with EINVAL and grow, which lets tests exercise the retry on a small host
     */
    LinuxThreadAffinity(int kernelWords) {
        if (kernelWords < 0) {
            throw new IllegalArgumentException("negative mask size " + kernelWords);
        }
        this.kernelWords = kernelWords;
        this.getWords = kernelWords;
    }

    /**
     * Returns the shared instance.
     *
     * @return the Linux implementation
     * @throws UnsupportedOperationException if the platform is not Linux, native access is not
     *     enabled for this module, or libc cannot be linked; the message names the flag to pass
     */
    public static ThreadAffinity instance() {
        NativeSupport.requireAvailable();
        return Shared.INSTANCE;
    }

    /**
     * {@return the kernel id of the calling thread}
     *
     * @throws UnsupportedOperationException as {@link #instance()} does, or when libc has neither
     *     {@code gettid} nor a known way to make the system call
     */
    public static int currentThreadId() {
        NativeSupport.requireAvailable();
        return ThreadIds.current();
    }

    @Override
    public CpuSet get(int tid) {
        requireThreadId(tid);
        for (int words = getWords; ; words = Math.max(1, 2 * words)) {
            // glibc zero-fills the part of the mask the kernel did not write, so no stale words.
            CallBuffer buffer = CallBuffer.ofCurrentThread(words);
            int errno = Libc.schedGetaffinity(buffer, tid, words);
            if (errno == 0) {
                if (words > getWords) { // no volatile write, and its fence, on every call
                    getWords = words;
                }
                return CpuSet.fromWords(buffer.readMask(words));
            }
            if (errno != Errno.EINVAL || words >= MAX_GET_WORDS) {
                throw failure("sched_getaffinity", errno, tid, null);
            }
        }
    }

    @Override
    public void set(int tid, CpuSet cpus) {
        requireThreadId(tid);
        Objects.requireNonNull(cpus, "cpus");
        if (cpus.isEmpty()) {
            throw new IllegalArgumentException("cannot restrict thread " + tid + " to an empty CPU set");
        }
        // The set is written word by word into the thread's buffer: no array, no segment per call.
        int words = Math.max(kernelWords, cpus.last() / Long.SIZE + 1);
        CallBuffer buffer = CallBuffer.ofCurrentThread(words);
        buffer.writeMask(cpus, words);
        int errno = Libc.schedSetaffinity(buffer, tid, words);
        if (errno != 0) {
            throw failure("sched_setaffinity", errno, tid, cpus);
        }
    }

    /** {@return the mask size, in 64-bit words, the next get will try first} */
    int getMaskWords() {
        return getWords;
    }

    @Override
    public String toString() {
        return "LinuxThreadAffinity[mask words: " + kernelWords + "]";
    }

    private static void requireThreadId(int tid) {
        // 0 would mean "the calling thread" to the kernel; callers name threads explicitly.
        if (tid <= 0) {
            throw new IllegalArgumentException("thread id must be greater than 0, got " + tid);
        }
    }

    private static AffinityException failure(String function, int errno, int tid, CpuSet requested) {
        return new AffinityException(function, errno, Errno.name(errno), tid, requested);
    }

    /** {@return the words needed for the highest possible CPU, or glibc's size without sysfs} */
    static int possibleCpuWords() {
        CpuSet possible;
        try {
            possible = HostCpus.possible();
        } catch (UncheckedIOException e) {
            return FALLBACK_WORDS; // no sysfs, as in some containers; get still grows on EINVAL
        }
        return possible.isEmpty() ? FALLBACK_WORDS : possible.last() / Long.SIZE + 1;
    }
}
