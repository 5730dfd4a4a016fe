package kata.pinning.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Snapshots of this JVM's own threads under the real /proc, while a thread starts and ends. */
class TaskSnapshotTest {

    private static final Path PROC = Path.of("/proc");
    private static final int SELF = (int) ProcessHandle.current().pid();

    @Test
    void aThreadThatStartsOrEndsChangesTheSnapshot() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        TaskSnapshot before = TaskSnapshot.take(PROC, SELF).orElseThrow();
        Thread extra = Thread.ofPlatform().start(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        TaskSnapshot during = TaskSnapshot.take(PROC, SELF).orElseThrow();
        release.countDown();
        extra.join();
        TaskSnapshot after = TaskSnapshot.take(PROC, SELF).orElseThrow();

        assertFalse(before.sameThreads(during), "a new thread is a change");
        assertEquals(before.tids().length + 1, during.tids().length);
        assertFalse(during.sameThreads(after), "an ended thread is a change");
    }

    @Test
    void theNewestThreadIsListedLast() throws InterruptedException {
        // procfs lists a process's tasks in creation order, which the snapshot relies on.
        int[] tids = TaskSnapshot.take(PROC, SELF).orElseThrow().tids();
        assertEquals(SELF, tids[0], "the main thread comes first");
        CountDownLatch release = new CountDownLatch(1);
        Thread extra = Thread.ofPlatform().start(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        int[] withExtra = TaskSnapshot.take(PROC, SELF).orElseThrow().tids();
        release.countDown();
        extra.join();

        int newest = withExtra[withExtra.length - 1];
        assertTrue(Arrays.stream(tids).noneMatch(t -> t == newest), "the new thread is listed last");
    }

    @Test
    void aGoneProcessHasNoSnapshot(@TempDir Path emptyProc) {
        assertTrue(TaskSnapshot.take(emptyProc, SELF).isEmpty());
    }
}
