package kata.pinning.affinity.internal;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
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
 * {@link Linker.Option#captureCallState(String...) captureCallState("errno")}, and each call gets its
 * own capture segment from the caller's confined arena, so the errno read is the one that call set,
 * whatever other threads do meanwhile. {@code pid_t} is {@code int}; {@code size_t} is taken as
 * 64 bits, which {@link NativeSupport} checks before anything here is linked.
 *
 * <p>Callers must first make sure {@link NativeSupport#unavailableReason()} is empty: touching a
 * holder links it, which without native access prints the JDK's "restricted method" warning.
 */
final class Libc {

    /** Where the linker writes errno after each call of a capturing handle. */
    private static final StructLayout CAPTURE_STATE = Linker.Option.captureStateLayout();

    /** Reads errno from a capture segment; a Java 22 layout VarHandle takes a base offset too. */
    private static final VarHandle ERRNO = CAPTURE_STATE.varHandle(PathElement.groupElement("errno"));

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
     * Calls {@code sched_getaffinity(tid, mask.byteSize(), mask)}.
     *
     * @param arena the caller's confined arena; the errno capture segment is allocated from it
     * @param tid the thread id
     * @param mask receives the mask, a whole number of 64-bit words
     * @return 0 on success, else the errno this very call set
     */
    static int schedGetaffinity(Arena arena, int tid, MemorySegment mask) {
        return callWithErrno("sched_getaffinity", sched_getaffinity.HANDLE, arena, tid, mask);
    }

    /**
     * Calls {@code sched_setaffinity(tid, mask.byteSize(), mask)}.
     *
     * @param arena the caller's confined arena; the errno capture segment is allocated from it
     * @param tid the thread id
     * @param mask the mask to set, a whole number of 64-bit words
     * @return 0 on success, else the errno this very call set
     */
    static int schedSetaffinity(Arena arena, int tid, MemorySegment mask) {
        return callWithErrno("sched_setaffinity", sched_setaffinity.HANDLE, arena, tid, mask);
    }

    /** {@return the kernel id of the calling thread, from {@code gettid()}} */
    static int gettid() {
        try {
            return (int) gettid.HANDLE.invokeExact();
        } catch (Throwable t) {
            throw new AssertionError("gettid downcall threw", t);
        }
    }

    /** Calls an affinity handle with a fresh capture segment and reads errno from it at once. */
    private static int callWithErrno(String name, MethodHandle handle, Arena arena, int tid, MemorySegment mask) {
        MemorySegment state = arena.allocate(CAPTURE_STATE);
        int rc;
        try {
            rc = (int) handle.invokeExact(state, tid, mask.byteSize(), mask);
        } catch (Throwable t) {
            throw new AssertionError(name + " downcall threw", t);
        }
        return rc == 0 ? 0 : (int) ERRNO.get(state, 0L);
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
