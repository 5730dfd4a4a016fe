package kata.pinning.benchmarks;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The floor of the library's FFM binding: one hand-written downcall to libc's
 * {@code sched_setaffinity} with errno captured, on a capture state and a mask the caller allocates
 * once. What is left between it and the library is the library's own work per call.
 */
final class FfmLibc {

    static final StructLayout CAPTURE_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE_STATE.varHandle(PathElement.groupElement("errno"));

    @SuppressWarnings("restricted")
    private static final MethodHandle SCHED_SETAFFINITY = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("sched_setaffinity").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS),
            Linker.Option.captureCallState("errno"));

    private FfmLibc() {
    }

    /** {@code sched_setaffinity(tid, mask.byteSize(), mask)}; throws with errno if it fails. */
    static void setAffinity(MemorySegment state, int tid, MemorySegment mask) {
        int rc;
        try {
            rc = (int) SCHED_SETAFFINITY.invokeExact(state, tid, mask.byteSize(), mask);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        if (rc != 0) {
            throw new IllegalStateException("sched_setaffinity(" + tid + ") failed, errno " + (int) ERRNO.get(state, 0L));
        }
    }
}
