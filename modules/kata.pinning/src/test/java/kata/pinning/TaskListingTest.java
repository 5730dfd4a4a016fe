package kata.pinning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import kata.pinning.affinity.LinuxThreads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Listings of this JVM's own threads under the real /proc while a thread starts and ends, of
 * another process, and under another root. The JVM starts and ends threads of its own as well
 * (compiler, GC), so the checks look at the one thread the test starts, and a listing is retaken
 * when it could not tell (a thread ended while it was taken).
 */
class TaskListingTest {

    private static final Path PROC = Path.of("/proc");
    private static final int SELF = (int) ProcessHandle.current().pid();

    private static TaskListing listing() {
        for (int attempt = 0; attempt < 100; attempt++) {
            TaskListing listing = TaskListing.read(PROC, SELF);
            if (listing.sameThreads(listing)) { // it has a start time: the listing is whole
                return listing;
            }
        }
        throw new AssertionError("no whole listing of this JVM in 100 attempts");
    }

    @Test
    void aNewThreadIsListedLastAndEndingItChangesTheListing() throws Exception {
        TaskListing before = listing();
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
        TaskListing during = listing();
        release.countDown();
        extra.join();
        // join() returns when the Java thread ends; its kernel task goes a moment later.
        Path task = PROC.resolve(Integer.toString(SELF)).resolve("task").resolve(Integer.toString(extraTid));
        for (int wait = 0; wait < 500 && Files.exists(task); wait++) {
            Thread.sleep(10);
        }
        TaskListing after = listing();

        assertFalse(before.contains(extraTid));
        assertTrue(during.contains(extraTid));
        assertFalse(after.contains(extraTid));
        assertFalse(before.sameThreads(during), "a new thread is a change");
        assertFalse(during.sameThreads(after), "an ended thread is a change");
        assertEquals(SELF, during.tids()[0], "the main thread comes first");
        // procfs lists tasks in creation order: nothing that existed before comes after the new thread.
        int position = Arrays.stream(during.tids()).boxed().toList().indexOf(extraTid);
        assertTrue(Arrays.stream(during.tids()).skip(position + 1).noneMatch(before::contains), during::toString);
    }

    @Test
    void twoListingsOfTheSameThreadsAreTheSame() {
        // A quiet moment: retry while the JVM's own threads come and go.
        for (int attempt = 0; attempt < 100; attempt++) {
            if (listing().sameThreads(listing())) {
                return;
            }
        }
        throw new AssertionError("no two equal listings in 100 attempts");
    }

    @Test
    void listsTheThreadsOfAnotherProcessAndNotOursAsItsOwn() throws Exception {
        Process child = new ProcessBuilder("sleep", "30").start();
        try {
            TaskListing childs = TaskListing.read(PROC, (int) child.pid());
            assertTrue(childs.contains((int) child.pid()));
            assertFalse(childs.contains(SELF));
            assertFalse(listing().contains((int) child.pid()), "the child's main thread is not one of ours");
        } finally {
            child.destroy();
            child.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aGoneProcessVouchesForNoThreadAndMatchesNoListing(@TempDir Path emptyProc) throws Exception {
        Process child = new ProcessBuilder("true").start();
        child.waitFor(10, TimeUnit.SECONDS);
        TaskListing gone = TaskListing.read(PROC, (int) child.pid());

        assertTrue(gone.isEmpty());
        assertFalse(gone.contains((int) child.pid()));
        assertFalse(gone.sameThreads(gone), "an empty listing proves nothing");
        assertTrue(TaskListing.read(emptyProc, SELF).isEmpty());
    }

    @Test
    void readsTheTasksUnderAnotherRootAndSkipsNamesThatAreNotThreadIds(@TempDir Path root) throws Exception {
        Path tasks = Files.createDirectories(root.resolve("4242").resolve("task"));
        for (String name : new String[] {"4242", "4250", "not-a-tid"}) {
            Files.createDirectory(tasks.resolve(name));
        }
        for (String tid : new String[] {"4242", "4250"}) { // a tree of files lists in no set order: any may be last
            Files.writeString(tasks.resolve(tid).resolve("stat"),
                    tid + " (CPU 1/KVM) S 1 4242 4242 0 -1 4194368 0 0 0 0 0 0 0 0 20 0 4 0 98765 0 0 0\n");
        }

        TaskListing elsewhere = TaskListing.read(root, 4242);

        assertEquals(Set.of(4242, 4250), elsewhere.tidSet());
        assertTrue(elsewhere.sameThreads(TaskListing.of(4242, elsewhere.tids(), 98765)), "the start time of the last task");
        assertTrue(TaskListing.read(root, 4243).isEmpty());
    }

    @Test
    void aListingWhoseLastTaskCannotBeReadStillVouchesButIsNeverReused(@TempDir Path root) throws Exception {
        Path tasks = Files.createDirectories(root.resolve("4242").resolve("task"));
        Files.createDirectory(tasks.resolve("4242"));
        Files.createDirectory(tasks.resolve("4251")); // no stat: it ended after the directory was read

        TaskListing listing = TaskListing.read(root, 4242);

        assertTrue(listing.contains(4251));
        assertFalse(listing.sameThreads(TaskListing.read(root, 4242)));
    }
}
