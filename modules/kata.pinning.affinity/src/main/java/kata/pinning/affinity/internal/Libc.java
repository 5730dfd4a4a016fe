package kata.pinning.affinity.internal;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.List;

/**
 * Hand-written bindings to the two libc affinity functions, as glibc declares them with
 * {@code _GNU_SOURCE} in {@code <sched.h>}:
 * <pre>
 * int sched_getaffinity(pid_t pid, size_t cpusetsize, cpu_set_t *mask);
 * int sched_setaffinity(pid_t pid, size_t cpusetsize, const cpu_set_t *mask);
 * </pre>
 *
 * <p>The shape is jextract's: one nested holder class per function, named after the C symbol and
 * holding its {@code MethodHandle}, linked when first touched. Unlike jextract output, both are
 * linked with {@link Linker.Option#captureCallState(String...) captureCallState("errno")}, and each
 * call's errno is captured in the calling thread's own {@link CallBuffer} and read from it as soon as
 * the call returns, so it is the one that call set, whatever other threads do meanwhile.
 * {@code pid_t} is {@code int}; {@code size_t} is taken as 64 bits, which {@link NativeSupport}
 * checks before anything here is linked. The calling thread's id comes from {@link ThreadIds}, linked
 * apart, so that a libc without {@code gettid} leaves these two usable.
 *
 * <p>Callers must first make sure {@link NativeSupport#unavailableReason()} is empty: touching a
 * holder links it, which without native access prints the JDK's "restricted method" warning.
 */
final class Libc {

    /** The C library, where every function of this package is looked up. */
    static final SymbolLookup LIBC = Linker.nativeLinker().defaultLookup();

    /** Both affinity functions take {@code (pid_t, size_t, cpu_set_t *)} and return {@code int}. */
    private static final FunctionDescriptor AFFINITY = FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS);

    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    private Libc() {
    }

    // Holder classes are named after the C symbols, as jextract names them.
    private static final class sched_getaffinity {
        static final MethodHandle HANDLE = downcall(LIBC, "sched_getaffinity", AFFINITY, CAPTURE_ERRNO);
    }

    private static final class sched_setaffinity {
        static final MethodHandle HANDLE = downcall(LIBC, "sched_setaffinity", AFFINITY, CAPTURE_ERRNO);
    }

    /**
     * Links both affinity functions from {@code lookup}, as the holders link them from libc, so that a
     * missing symbol or a refused native access shows up in one place instead of at some later call.
     *
     * @param lookup where to find the symbols: {@link #LIBC}, or in tests a lookup that lacks some
     * @return the two handles, {@code sched_getaffinity} first
     * @throws UnsupportedOperationException naming the symbol that {@code lookup} lacks
     * @throws IllegalCallerException if this module has no native access and the JVM denies it
     */
    static List<MethodHandle> linkAffinity(SymbolLookup lookup) {
        return List.of(downcall(lookup, "sched_getaffinity", AFFINITY, CAPTURE_ERRNO),
                downcall(lookup, "sched_setaffinity", AFFINITY, CAPTURE_ERRNO));
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

    /**
     * Calls an affinity handle on the thread's buffer and reads errno from it at once.
     *
     * @param name the function's name, for the error if the call itself throws
     * @param handle a handle that {@link #linkAffinity} or a holder linked
     * @param buffer the calling thread's buffer
     * @param tid the thread id
     * @param words the mask size in 64-bit words
     * @return 0 on success, else the errno this very call set
     */
    static int callWithErrno(String name, MethodHandle handle, CallBuffer buffer, int tid, int words) {
        int rc;
        try {
            rc = (int) handle.invokeExact(buffer.state(), tid, (long) words * Long.BYTES, buffer.mask());
        } catch (Throwable t) {
            throw new AssertionError(name + " downcall threw", t);
        }
        return rc == 0 ? 0 : buffer.errno();
    }

    /**
     * Links {@code name} from {@code lookup}: the only restricted call of the project.
     *
     * @param lookup where to find the symbol, {@link #LIBC} but in tests
     * @param name the C function
     * @param descriptor its signature
     * @param options linker options, such as the errno capture
     * @return the downcall handle
     * @throws UnsupportedOperationException naming the symbol if {@code lookup} does not have it
     * @throws IllegalCallerException if this module has no native access and the JVM denies it
     */
    @SuppressWarnings("restricted")
    static MethodHandle downcall(SymbolLookup lookup, String name, FunctionDescriptor descriptor,
            Linker.Option... options) {
        MemorySegment symbol = lookup.find(name)
                .orElseThrow(() -> new UnsupportedOperationException("libc has no function " + name));
        return Linker.nativeLinker().downcallHandle(symbol, descriptor, options);
    }

    /** {@return the size in bytes of a C {@code size_t}, which these bindings take to be 8} */
    static long sizeOfSizeT() {
        return ((ValueLayout) Linker.nativeLinker().canonicalLayouts().get("size_t")).byteSize();
    }
}
