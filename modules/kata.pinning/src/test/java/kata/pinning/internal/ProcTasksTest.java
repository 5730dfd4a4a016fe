package kata.pinning.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import kata.pinning.affinity.LinuxThreads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The confused-deputy check's task table against the real {@code /proc}, and under another root. */
class ProcTasksTest {

    private static final int SELF = (int) ProcessHandle.current().pid();
    private static final ProcTasks HOST = new ProcTasks(ProcTasks.DEFAULT_ROOT);

    @Test
    void listsAThreadOfThisProcessAndNotAThreadOfAnother() throws Exception {
        Process child = new ProcessBuilder("sleep", "30").start();
        AtomicInteger ownTid = new AtomicInteger();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread own = Thread.ofPlatform().start(() -> {
            ownTid.set(LinuxThreads.currentThreadId());
            started.countDown();
            awaitQuietly(release);
        });
        try {
            assertTrue(started.await(10, TimeUnit.SECONDS));
            Set<Integer> tasks = HOST.tasksOf(SELF);

            assertTrue(tasks.contains(ownTid.get()), "a thread this process started");
            assertFalse(tasks.contains((int) child.pid()), "the child's main thread");
            assertTrue(HOST.tasksOf((int) child.pid()).contains((int) child.pid()));
        } finally {
            release.countDown();
            own.join();
            child.destroy();
            child.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aGoneProcessVouchesForNoThread() throws Exception {
        Process child = new ProcessBuilder("true").start();
        child.waitFor(10, TimeUnit.SECONDS);

        assertEquals(Set.of(), HOST.tasksOf((int) child.pid()));
    }

    @Test
    void readsTheTasksUnderAnotherRootAndSkipsNamesThatAreNotThreadIds(@TempDir Path root) throws Exception {
        Path tasks = Files.createDirectories(root.resolve("4242").resolve("task"));
        Files.createDirectory(tasks.resolve("4242"));
        Files.createDirectory(tasks.resolve("4250"));
        Files.createDirectory(tasks.resolve("not-a-tid"));

        ProcTasks elsewhere = new ProcTasks(root);

        assertEquals(Set.of(4242, 4250), elsewhere.tasksOf(4242));
        assertEquals(Set.of(), elsewhere.tasksOf(4243));
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
