package kata.pinning.affinity.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicReference;
import kata.pinning.cpuset.CpuSet;
import org.junit.jupiter.api.Test;

/** The per-thread native memory of the affinity calls. */
class CallBufferTest {

    @Test
    void aThreadReusesItsBufferAndOtherThreadsGetTheirOwn() throws InterruptedException {
        CallBuffer mine = CallBuffer.ofCurrentThread(1);
        AtomicReference<CallBuffer> platform = new AtomicReference<>();
        AtomicReference<CallBuffer> virtual = new AtomicReference<>();

        Thread.ofPlatform().start(() -> platform.set(CallBuffer.ofCurrentThread(1))).join();
        Thread.ofVirtual().start(() -> virtual.set(CallBuffer.ofCurrentThread(1))).join();

        assertSame(mine, CallBuffer.ofCurrentThread(1));
        assertNotSame(mine, platform.get());
        assertNotSame(mine, virtual.get());
        assertNotSame(platform.get(), virtual.get());
        assertNotSame(mine.state(), platform.get().state(), "capture state shared with another thread");
    }

    @Test
    void growsToTheLargestMaskAskedForAndKeepsIt() throws InterruptedException {
        AtomicReference<String> failure = new AtomicReference<>();
        Thread.ofPlatform().start(() -> {
            CallBuffer buffer = CallBuffer.ofCurrentThread(1);
            CallBuffer grown = CallBuffer.ofCurrentThread(LinuxThreadAffinity.MAX_GET_WORDS);
            CallBuffer after = CallBuffer.ofCurrentThread(1);
            if (buffer != grown || grown != after) {
                failure.set("the thread's buffer changed identity");
            } else if (after.capacity() != LinuxThreadAffinity.MAX_GET_WORDS
                    || after.mask().byteSize() != (long) LinuxThreadAffinity.MAX_GET_WORDS * Long.BYTES) {
                failure.set("capacity " + after.capacity() + ", mask bytes " + after.mask().byteSize());
            }
        }).join();

        assertEquals(null, failure.get());
    }

    @Test
    void writingAShortMaskZeroesTheWordsOfAnEarlierWiderOne() {
        CallBuffer buffer = CallBuffer.ofCurrentThread(4);
        buffer.writeMask(CpuSet.range(0, 255), 4);

        buffer.writeMask(CpuSet.of(0, 2), 4);

        assertArrayEquals(new long[] {0b101L, 0L, 0L, 0L}, buffer.readMask(4));
    }

    @Test
    void captureStateComesBeforeTheMaskWithoutOverlap() {
        CallBuffer buffer = CallBuffer.ofCurrentThread(1);

        long stateEnd = buffer.state().address() + buffer.state().byteSize();

        assertTrue(buffer.mask().address() >= stateEnd, "mask overlaps the capture state");
        assertEquals(0, buffer.mask().address() % Long.BYTES, "mask not word-aligned");
    }
}
