package kata.pinning.affinity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import kata.pinning.cpuset.CpuSet;
import kata.pinning.cpuset.HostCpus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Platform and virtual threads calling at once, each on a thread of its own, a dead thread or with
 * an impossible mask: every caller must see its own mask and its own errno, never another's.
 */
class ConcurrentCallsTest {

    private static final ThreadAffinity AFFINITY = ThreadAffinity.linux();
    private static final int CALLERS_PER_KIND = 4;
    private static final int ROUNDS = 1500;

    private final CpuSet allowed = LinuxThreads.processAffinity();
    private final List<Worker> targets = new ArrayList<>();

    /** What one caller saw. */
    private record Outcomes(boolean virtual, int succeeded, int noSuchThread, int invalidMask) {
    }

    @AfterEach
    void stopTargets() throws InterruptedException {
        for (Worker target : targets) {
            target.close();
        }
    }

    @Test
    void platformAndVirtualCallersEachSeeTheirOwnMaskAndErrno() throws Exception {
        int deadTid = exitedThreadId();
        List<CpuSet> masks = masks();
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Outcomes>> callers = new ArrayList<>();
        try (ExecutorService platform = Executors.newFixedThreadPool(CALLERS_PER_KIND);
             ExecutorService virtual = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 2 * CALLERS_PER_KIND; i++) {
                Worker target = new Worker();
                targets.add(target);
                int first = i;
                ExecutorService kind = i % 2 == 0 ? platform : virtual;
                callers.add(kind.submit(() -> {
                    start.await();
                    return call(first, target.tid(), deadTid, masks);
                }));
            }
            start.countDown();
            int virtualCallers = 0;
            for (Future<Outcomes> caller : callers) {
                Outcomes seen = caller.get(60, TimeUnit.SECONDS); // rethrows a caller's failed assertion
                virtualCallers += seen.virtual() ? 1 : 0;
                assertTrue(seen.succeeded() > 0 && seen.noSuchThread() > 0 && seen.invalidMask() > 0,
                        "every caller saw every outcome: " + seen);
            }
            assertEquals(CALLERS_PER_KIND, virtualCallers, "virtual callers");
        }
    }

    /**
     * Cycles through a successful set and get, calls on a dead thread (ESRCH) and a set of an
     * impossible mask (EINVAL), starting at a different step per caller so outcomes interleave.
     */
    private Outcomes call(int first, int tid, int deadTid, List<CpuSet> masks) {
        CpuSet impossible = CpuSet.of(HostCpus.possible().last() + 1);
        CpuSet current = AFFINITY.get(tid);
        AtomicInteger succeeded = new AtomicInteger();
        AtomicInteger noSuchThread = new AtomicInteger();
        AtomicInteger invalidMask = new AtomicInteger();
        for (int round = first; round < first + ROUNDS; round++) {
            switch (round % 3) {
                case 0 -> {
                    CpuSet mask = masks.get(round / 3 % masks.size());
                    AFFINITY.set(tid, mask);
                    current = mask.intersection(allowed);
                    assertEquals(current, AFFINITY.get(tid), "mask of thread " + tid);
                    succeeded.incrementAndGet();
                }
                case 1 -> {
                    CpuSet mask = masks.get(round % masks.size());
                    assertReason(AffinityException.Reason.NO_SUCH_THREAD, () -> AFFINITY.set(deadTid, mask));
                    assertReason(AffinityException.Reason.NO_SUCH_THREAD, () -> AFFINITY.get(deadTid));
                    noSuchThread.incrementAndGet();
                }
                default -> {
                    assertReason(AffinityException.Reason.INVALID_MASK, () -> AFFINITY.set(tid, impossible));
                    assertEquals(current, AFFINITY.get(tid), "mask of thread " + tid + " after EINVAL");
                    invalidMask.incrementAndGet();
                }
            }
        }
        return new Outcomes(Thread.currentThread().isVirtual(),
                succeeded.get(), noSuchThread.get(), invalidMask.get());
    }

    /** Each allowed CPU alone, all of them, and all of them plus CPUs past the possible ones. */
    private List<CpuSet> masks() {
        List<CpuSet> masks = new ArrayList<>();
        for (int cpu : allowed) {
            masks.add(CpuSet.of(cpu));
        }
        masks.add(allowed);
        masks.add(allowed.union(CpuSet.of(CpuSet.MAX_CPU)));
        return masks;
    }

    private static void assertReason(AffinityException.Reason expected, Runnable call) {
        AffinityException e = assertThrows(AffinityException.class, call::run);
        assertEquals(expected, e.reason(), e.getMessage());
    }

    private static int exitedThreadId() throws InterruptedException {
        AtomicInteger tid = new AtomicInteger();
        Thread.ofPlatform().start(() -> tid.set(LinuxThreads.currentThreadId())).join();
        ProcFs.awaitThreadGone(tid.get());
        return tid.get();
    }
}
