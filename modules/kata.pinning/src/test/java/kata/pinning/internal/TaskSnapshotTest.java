package kata.pinning.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import kata.pinning.affinity.LinuxThreads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshots of this JVM's own threads under the real /proc while a thread starts and ends. The JVM
 * starts and ends threads of its own as well (compiler, GC), so the checks look at the one thread
 * the test starts, and a snapshot is retaken when a thread ended while it was taken.
 */
class TaskSnapshotTest {

    private static final Path PROC = Path.of("/proc");
    private static final int SELF = (int) ProcessHandle.current().pid();

    private static TaskSnapshot snapshot() {
        for (int attempt = 0; attempt < 100; attempt++) {
            var snapshot = TaskSnapshot.take(PROC, SELF);
            if (snapshot.isPresent()) {
                return snapshot.get();
            }
        }
        throw new AssertionError("no snapshot of this JVM in 100 attempts");
    }

    private static boolean lists(TaskSnapshot snapshot, int tid) {
        return Arrays.stream(snapshot.tids()).anyMatch(t -> t == tid);
    }

    @Test
    void aNewThreadIsListedLastAndEndingItChangesTheSnapshot() throws Exception {
        TaskSnapshot before = snapshot();
        CompletableFuture<Integer> tid = new CompletableFuture<>();
        CountDownLatch release = new CountDownLatch(1);
        Thread extra = Thread.ofPlatform().start(() -> {
            tid.complete(LinuxThreads.currentThreadId());
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        int extraTid = tid.get();
        TaskSnapshot during = snapshot();
        release.countDown();
        extra.join();
        // join() returns when the Java thread ends; its kernel task goes a moment later.
        Path task = PROC.resolve(Integer.toString(SELF)).resolve("task").resolve(Integer.toString(extraTid));
        for (int wait = 0; wait < 500 && Files.exists(task); wait++) {
            Thread.sleep(10);
        }
        TaskSnapshot after = snapshot();

        assertFalse(lists(before, extraTid));
        assertTrue(lists(during, extraTid));
        assertFalse(lists(after, extraTid));
        assertFalse(before.sameThreads(during), "a new thread is a change");
        assertFalse(during.sameThreads(after), "an ended thread is a change");
        assertEquals(SELF, during.tids()[0], "the main thread comes first");
        // procfs lists tasks in creation order: nothing that existed before comes after the new thread.
        int position = Arrays.stream(during.tids()).boxed().toList().indexOf(extraTid);
        assertTrue(Arrays.stream(during.tids()).skip(position + 1).noneMatch(t -> lists(before, t)), during::toString);
    }

    @Test
    void twoSnapshotsOfTheSameThreadsAreTheSame() {
        // A quiet moment: retry while the JVM's own threads come and go.
        for (int attempt = 0; attempt < 100; attempt++) {
            if (snapshot().sameThreads(snapshot())) {
                return;
            }
        }
        throw new AssertionError("no two equal snapshots in 100 attempts");
    }

    @Test
    void aGoneProcessHasNoSnapshot(@TempDir Path emptyProc) {
        assertTrue(TaskSnapshot.take(emptyProc, SELF).isEmpty());
    }
}
