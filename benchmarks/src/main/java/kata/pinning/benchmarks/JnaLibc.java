package kata.pinning.benchmarks;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Platform;

/**
 * The JNA peer: libc's affinity calls through JNA direct mapping, its fastest mode, with errno
 * turned into {@link LastErrorException} as JNA users read it.
 */
final class JnaLibc {

    static {
        Native.register(Platform.C_LIBRARY_NAME);
    }

    private JnaLibc() {
    }

    /** {@code int sched_setaffinity(pid_t, size_t, const cpu_set_t *)}; the array is the mask. */
    static native int sched_setaffinity(int pid, long cpusetsize, long[] mask) throws LastErrorException;

    /** {@code int sched_getaffinity(pid_t, size_t, cpu_set_t *)}; the array receives the mask. */
    static native int sched_getaffinity(int pid, long cpusetsize, long[] mask) throws LastErrorException;
}
