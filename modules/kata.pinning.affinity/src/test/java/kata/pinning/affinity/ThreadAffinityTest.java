package kata.pinning.affinity;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import kata.pinning.cpuset.CpuSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link ThreadAffinity#linux()} against the real kernel, checked through procfs. */
class ThreadAffinityTest {

    private static final ThreadAffinity AFFINITY = ThreadAffinity.linux();
    private static final long PID = ProcessHandle.current().pid();

    /** The CPUs this process may use. */
    private final CpuSet allowed = LinuxThreads.processAffinity();
    private final List<Worker> workers = new ArrayList<>();

    @BeforeEach
    void startWorkers() {
        workers.add(new Worker());
        workers.add(new Worker());
    }

    @AfterEach
    void stopWorkers() throws InterruptedException {
        for (Worker worker : workers) {
            worker.close();
        }
    }

    @Test
    void pinsEachThreadToEveryAllowedCpuAndResetsItToAll() {
        for (Worker worker : workers) {
            int tid = worker.tid();
            for (int cpu : allowed) {
                AFFINITY.set(tid, CpuSet.of(cpu));
                assertAll("thread " + tid + " pinned to CPU " + cpu,
                        () -> assertEquals(CpuSet.of(cpu), AFFINITY.get(tid)),
                        () -> assertEquals(CpuSet.of(cpu), ProcFs.cpusAllowed(PID, tid)),
                        () -> assertEquals(cpu, worker.call(ProcFs::currentCpu), "CPU the thread runs on"));
            }
            AFFINITY.set(tid, allowed);
            assertEquals(allowed, AFFINITY.get(tid));
            assertEquals(allowed, ProcFs.cpusAllowed(PID, tid));
        }
    }

    @Test
    void pinningOneThreadLeavesTheOthersAlone() {
        int pinned = workers.get(0).tid();
        int other = workers.get(1).tid();
        AFFINITY.set(pinned, CpuSet.of(allowed.last()));
        assertEquals(allowed, AFFINITY.get(other));
        assertEquals(allowed, ProcFs.cpusAllowed(PID, other));
    }

    @Test
    void exitedThreadIsNoSuchThread() throws InterruptedException {
        AtomicInteger tid = new AtomicInteger();
        Thread thread = Thread.ofPlatform().start(() -> tid.set(LinuxThreads.currentThreadId()));
        thread.join();
        ProcFs.awaitThreadGone(tid.get());

        AffinityException onGet = assertThrows(AffinityException.class, () -> AFFINITY.get(tid.get()));
        AffinityException onSet = assertThrows(AffinityException.class,
                () -> AFFINITY.set(tid.get(), allowed));

        assertAll(
                () -> assertEquals(AffinityException.Reason.NO_SUCH_THREAD, onGet.reason()),
                () -> assertEquals("ESRCH", onGet.errnoName()),
                () -> assertEquals(3, onGet.errno()),
                () -> assertEquals(tid.get(), onGet.threadId()),
                () -> assertEquals(Optional.empty(), onGet.requestedCpus()),
                () -> assertEquals(AffinityException.Reason.NO_SUCH_THREAD, onSet.reason()),
                () -> assertEquals(Optional.of(allowed), onSet.requestedCpus()));
    }

    @Test
    void maskWithOnlyAnImpossibleCpuIsInvalidAndChangesNothing() {
        int tid = workers.get(0).tid();
        AFFINITY.set(tid, CpuSet.of(allowed.first()));

        AffinityException e = assertThrows(AffinityException.class, () -> AFFINITY.set(tid, CpuSet.of(1500)));

        assertAll(
                () -> assertEquals(AffinityException.Reason.INVALID_MASK, e.reason()),
                () -> assertEquals("EINVAL", e.errnoName()),
                () -> assertEquals(22, e.errno()),
                () -> assertEquals(tid, e.threadId()),
                () -> assertEquals(Optional.of(CpuSet.of(1500)), e.requestedCpus()),
                () -> assertTrue(e.getMessage().contains("sched_setaffinity"), e.getMessage()),
                () -> assertEquals(CpuSet.of(allowed.first()), AFFINITY.get(tid), "affinity unchanged"));
    }

    @Test
    void cpusBeyond1024NextToAnAllowedCpuAreAcceptedAndDropped() {
        int tid = workers.get(0).tid();
        int cpu = allowed.last();

        AFFINITY.set(tid, CpuSet.of(cpu, 5000, CpuSet.MAX_CPU));

        assertEquals(CpuSet.of(cpu), AFFINITY.get(tid));
        assertEquals(CpuSet.of(cpu), ProcFs.cpusAllowed(PID, tid));
    }

    @Test
    void badArgumentsAreRefusedBeforeAnySystemCall() {
        int tid = workers.get(0).tid();
        CpuSet before = AFFINITY.get(tid);
        CpuSet callerBefore = AFFINITY.get(LinuxThreads.currentThreadId());

        // The kernel would answer EINVAL (an AffinityException) to an empty mask, and would act on
        // the calling thread for tid 0: an IllegalArgumentException shows neither call was made.
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> AFFINITY.set(tid, CpuSet.empty()));
        assertThrows(IllegalArgumentException.class, () -> AFFINITY.set(0, CpuSet.of(allowed.first())));
        assertThrows(IllegalArgumentException.class, () -> AFFINITY.set(-1, CpuSet.of(allowed.first())));
        assertThrows(IllegalArgumentException.class, () -> AFFINITY.get(0));
        assertThrows(NullPointerException.class, () -> AFFINITY.set(tid, null));

        assertTrue(empty.getMessage().contains("empty"), empty.getMessage());
        assertEquals(before, AFFINITY.get(tid));
        assertEquals(callerBefore, AFFINITY.get(LinuxThreads.currentThreadId()));
    }

    @Test
    void threadOfAnotherProcessCanBePinnedAndReadBack() throws IOException, InterruptedException {
        Process sleep = new ProcessBuilder("sleep", "30").start();
        try {
            int pid = Math.toIntExact(sleep.pid());
            assertEquals(allowed, AFFINITY.get(pid), "a child starts with its parent's affinity");
            for (int cpu : allowed) {
                AFFINITY.set(pid, CpuSet.of(cpu));
                assertEquals(CpuSet.of(cpu), AFFINITY.get(pid));
                assertEquals(CpuSet.of(cpu), ProcFs.cpusAllowed(pid));
            }
        } finally {
            sleep.destroy();
            assertTrue(sleep.waitFor(10, TimeUnit.SECONDS), "sleep did not stop");
        }
    }
}
