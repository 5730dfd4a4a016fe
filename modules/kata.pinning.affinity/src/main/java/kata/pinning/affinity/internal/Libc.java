package kata.pinning.affinity.internal;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.List;

/**
 * Hand-written bindings to three libc functions, as glibc (2.30 or later) declares them with
 * {@code _GNU_SOURCE}:
 * <pre>
 * // &lt;sched.h&gt;
 * int   sched_getaffinity(pid_t pid, size_t cpusetsize, cpu_set_t *mask);
 * int   sched_setaffinity(pid_t pid, size_t cpusetsize, const cpu_set_t *mask);
 * // &lt;unistd.h&gt;
 * pid_t gettid(void);
 * </pre>
 *
 * <p>The shape is jextract's: one nested holder class per function, named after the C symbol and
 * holding its {@code FunctionDescriptor} and {@code MethodHandle}, linked when first touched. Unlike
 * jextract output, the two affinity functions are linked with
 * {@link Linker.Option#captureCallState(String...) captureCallState("errno")}, and each call's errno
 * is captured in the calling thread's own {@link CallBuffer} and read from it as soon as the call
 * returns, so it is the one that call set, whatever other threads do meanwhile. {@code pid_t} is {@code int}; {@code size_t} is taken as
 * 64 bits, which {@link NativeSupport} checks before anything here is linked.
 *
 * <p>Callers must first make sure {@link NativeSupport#unavailableReason()} is empty: touching a
 * holder links it, which without native access prints the JDK's "restricted method" warning.
 */
final class Libc {

    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    private Libc() {
    }

    // Holder classes are named after the C symbols, as jextract names them.
    private static final class sched_getaffinity {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS);
        static final MethodHandle HANDLE = downcall("sched_getaffinity", DESC, CAPTURE_ERRNO);
    }

    private static final class sched_setaffinity {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS);
        static final MethodHandle HANDLE = downcall("sched_setaffinity", DESC, CAPTURE_ERRNO);
    }

    private static final class gettid {
        // gettid(2) cannot fail, so there is no errno to capture.
        static final FunctionDescriptor DESC = FunctionDescriptor.of(JAVA_INT);
        static final MethodHandle HANDLE = downcall("gettid", DESC);
    }

    /**
     * Links every function now, so that a missing symbol or a refused native access shows up in one
     * place instead of at some later call. Reading each {@code HANDLE} runs its holder's initializer.
     *
     * @return the three handles
     * @throws ExceptionInInitializerError wrapping what linking threw, the first time it fails
     * @throws NoClassDefFoundError when linking failed before
     */
    static List<MethodHandle> linkAll() {
        return List.of(sched_getaffinity.HANDLE, sched_setaffinity.HANDLE, gettid.HANDLE);
    }

    /**
     * Calls {@code sched_getaffinity(tid, words * 8, buffer.mask())}.
     *
     * @param buffer the calling thread's buffer; receives the mask and the errno
     * @param tid the thread id
     * @param words the mask size in 64-bit words, at most the buffer's capacity
     * @return 0 on success, else the errno this very call set
     */
    static int schedGetaffinity(CallBuffer buffer, int tid, int words) {
        return callWithErrno("sched_getaffinity", sched_getaffinity.HANDLE, buffer, tid, words);
    }

    /**
     * Calls {@code sched_setaffinity(tid, words * 8, buffer.mask())}.
     *
     * @param buffer the calling thread's buffer, holding the mask to set; receives the errno
     * @param tid the thread id
     * @param words the mask size in 64-bit words, at most the buffer's capacity
     * @return 0 on success, else the errno this very call set
     */
    static int schedSetaffinity(CallBuffer buffer, int tid, int words) {
        return callWithErrno("sched_setaffinity", sched_setaffinity.HANDLE, buffer, tid, words);
    }

    /** {@return the kernel id of the calling thread, from {@code gettid()}} */
    static int gettid() {
        try {
            return (int) gettid.HANDLE.invokeExact();
        } catch (Throwable t) {
            throw new AssertionError("gettid downcall threw", t);
        }
    }

    /** Calls an affinity handle on the thread's buffer and reads errno from it at once. */
    private static int callWithErrno(String name, MethodHandle handle, CallBuffer buffer, int tid, int words) {
        int rc;
        try {
            rc = (int) handle.invokeExact(buffer.state(), tid, (long) words * Long.BYTES, buffer.mask());
        } catch (Throwable t) {
            throw new AssertionError(name + " downcall threw", t);
        }
        return rc == 0 ? 0 : buffer.errno();
    }

    /**
     * Links {@code name} from the default lookup (libc), the only restricted call of the project.
     *
     * @throws UnsupportedOperationException naming the symbol if libc does not have it
     * @throws IllegalCallerException if this module has no native access and the JVM denies it
     */
    @SuppressWarnings("restricted")
    private static MethodHandle downcall(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        Linker linker = Linker.nativeLinker();
        MemorySegment symbol = linker.defaultLookup().find(name)
                .orElseThrow(() -> new UnsupportedOperationException("libc has no function " + name));
        return linker.downcallHandle(symbol, descriptor, options);
    }

    /** {@return the size in bytes of a C {@code size_t}, which these bindings take to be 8} */
    static long sizeOfSizeT() {
        return ((ValueLayout) Linker.nativeLinker().canonicalLayouts().get("size_t")).byteSize();
    }
}
