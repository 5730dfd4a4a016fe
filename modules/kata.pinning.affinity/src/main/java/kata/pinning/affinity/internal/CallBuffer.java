package kata.pinning.affinity.internal;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;
import kata.pinning.cpuset.CpuSet;

/**
 * The native memory of one thread's affinity calls: the errno capture state, then the mask.
 *
 * <p>Each thread has its own, held in a {@link ThreadLocal} and reused by every call the thread
 * makes, so a call allocates no native memory. That is as safe as a buffer per call: a thread makes
 * one call at a time, the linker writes errno into the capture state on the calling thread as the
 * native function returns, and the caller reads it before anything else can run on that thread. No
 * other thread can reach the buffer, so no other call can overwrite that errno or that mask. A virtual
 * thread has thread locals of its own, not its carrier's, so it gets its own buffer even when it
 * moves between carriers.
 *
 * <p>The memory comes from an {@linkplain Arena#ofAuto() automatic arena}: it is freed once the
 * thread has ended, or the buffer was replaced by a larger one, and the garbage collector notices.
 * The mask part starts at 16 words (1024 CPUs) and grows to the largest mask the thread needed.
 */
final class CallBuffer {

    /** Where the linker writes errno after each call of a capturing handle. */
    static final StructLayout CAPTURE_STATE = Linker.Option.captureStateLayout();

    /** Reads errno from the capture state; a Java 22 layout VarHandle takes a base offset too. */
    private static final VarHandle ERRNO = CAPTURE_STATE.varHandle(PathElement.groupElement("errno"));

    /** The mask starts at the first whole word after the capture state. */
    private static final long MASK_OFFSET = (CAPTURE_STATE.byteSize() + Long.BYTES - 1) & -Long.BYTES;

    /** glibc's {@code CPU_SETSIZE} in words: enough for nearly every host without growing. */
    private static final int INITIAL_WORDS = 16;

    private static final ThreadLocal<CallBuffer> OF_THREAD = ThreadLocal.withInitial(CallBuffer::new);

    private MemorySegment state;
    private MemorySegment mask;
    private int capacity;

    private CallBuffer() {
        allocate(INITIAL_WORDS);
    }

    /**
     * {@return the calling thread's buffer, with room for a mask of at least {@code words} words}
     *
     * @param words the mask size the next call needs
     */
    static CallBuffer ofCurrentThread(int words) {
        CallBuffer buffer = OF_THREAD.get();
        if (words > buffer.capacity) {
            buffer.allocate(words); // the old memory goes when the GC finds it unreachable
        }
        return buffer;
    }

    /** {@return the capture state segment, to pass first to a capturing handle} */
    MemorySegment state() {
        return state;
    }

    /** {@return the mask, as long as the largest mask asked for; calls pass their size apart} */
    MemorySegment mask() {
        return mask;
    }

    /** {@return the errno the last call on this thread captured} */
    int errno() {
        return (int) ERRNO.get(state, 0L);
    }

    /**
     * Writes the first {@code words} words of {@code cpus} into the mask, zeros past its highest CPU,
     * so no bit of an earlier, wider mask is sent again.
     *
     * @param cpus the set to write; its highest CPU fits in {@code words}
     * @param words the size of the mask the call will pass; at most the capacity
     */
    void writeMask(CpuSet cpus, int words) {
        MemorySegment mask = this.mask;
        for (int w = 0; w < words; w++) {
            mask.setAtIndex(JAVA_LONG, w, cpus.word(w));
        }
    }

    /** {@return the first {@code words} words of the mask, in a new array} */
    long[] readMask(int words) {
        long[] cpus = new long[words];
        MemorySegment.copy(mask, JAVA_LONG, 0, cpus, 0, words);
        return cpus;
    }

    private void allocate(int words) {
        long alignment = Math.max(Long.BYTES, CAPTURE_STATE.byteAlignment());
        MemorySegment memory = Arena.ofAuto().allocate(MASK_OFFSET + (long) words * Long.BYTES, alignment);
        state = memory.asSlice(0, CAPTURE_STATE);
        mask = memory.asSlice(MASK_OFFSET);
        capacity = words;
    }

    /** {@return how many mask words the buffer holds now} */
    int capacity() {
        return capacity;
    }
}
