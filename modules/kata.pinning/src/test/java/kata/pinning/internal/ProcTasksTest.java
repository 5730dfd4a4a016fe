package kata.pinning.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import kata.pinning.affinity.LinuxThreads;
import org.junit.jupiter.api.Test;

/** The confused-deputy check against the real {@code /proc}: one scan agrees with a stat per thread. */
class ProcTasksTest {

    private static final int SELF = (int) ProcessHandle.current().pid();

    @Test
    void oneScanFindsAThreadOfThisProcessAndNotAThreadOfAnother() throws Exception {
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
            started.await(10, TimeUnit.SECONDS);
            int childTid = (int) child.pid(); // the child's main thread
            List<Integer> asked = List.of(ownTid.get(), childTid, SELF);

            List<Integer> foreignByScan = scanning(SELF).notTasks(asked);
            List<Integer> foreignByStat = statting(SELF).notTasks(asked);

            assertEquals(List.of(childTid), foreignByScan);
            assertEquals(foreignByStat, foreignByScan);
            assertTrue(VmmView.procTasks(SELF).contains(ownTid.get()));
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
        int gone = (int) child.pid();

        assertTrue(VmmView.procTasks(gone).isEmpty());
        assertEquals(List.of(gone, SELF), scanning(gone).notTasks(List.of(gone, SELF)));
    }

    @Test
    void everyThreadOfThisProcessIsListed() {
        List<Integer> tids = new ArrayList<>(VmmView.procTasks(SELF));
        assertTrue(tids.contains(SELF), "the main thread's id is the pid");
        assertEquals(List.of(), statting(SELF).notTasks(tids));
    }

    /** The QEMU adapter's batch check ({@link QemuVmm#notTasks}), without a QMP connection. */
    private static VmmView scanning(int pid) {
        return new View(pid) {
            @Override
            public List<Integer> notTasks(Collection<Integer> tids) {
                return VmmView.notProcTasks(pid, tids);
            }
        };
    }

    /** The default: one stat of /proc/<pid>/task/<tid> per thread. */
    private static VmmView statting(int pid) {
        return new View(pid);
    }

    private static class View implements VmmView {
        private final int pid;

        View(int pid) {
            this.pid = pid;
        }

        @Override
        public int pid() {
            return pid;
        }

        @Override
        public List<Vcpu> vcpus() throws IOException {
            return List.of();
        }

        @Override
        public boolean hasTask(int tid) {
            return VmmView.procHasTask(pid, tid);
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
