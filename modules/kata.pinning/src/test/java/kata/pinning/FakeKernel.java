package kata.pinning;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import kata.pinning.affinity.AffinityException;
import kata.pinning.affinity.ThreadAffinity;
import kata.pinning.cpuset.CpuSet;

/**
 * Threads and their affinities, standing in for the kernel: records every call in a shared log and
 * fails the next {@code set} of a chosen thread with a chosen errno.
 */
final class FakeKernel implements ThreadAffinity {

    private final Map<Integer, CpuSet> affinity = new HashMap<>();
    private final Map<Integer, Deque<String>> failNextSets = new HashMap<>();
    private final List<String> log;
    private int nextTid = 1000;
    private int sets;

    FakeKernel(List<String> log) {
        this.log = log;
    }

    /** Starts a thread with the given affinity; returns its id. */
    int spawn(CpuSet cpus) {
        int tid = nextTid++;
        affinity.put(tid, cpus);
        return tid;
    }

    /** Ends a thread: later calls for it fail with ESRCH. */
    void exit(int tid) {
        affinity.remove(tid);
        failNextSets.remove(tid);
    }

    /** Drops the failures no call has consumed. */
    void clearFailures() {
        failNextSets.clear();
    }

    /** Makes the next {@code set} of {@code tid} that has no failure queued yet fail with {@code errnoName}. */
    void failNextSet(int tid, String errnoName) {
        failNextSets.computeIfAbsent(tid, t -> new ArrayDeque<>()).add(errnoName);
    }

    /** {@return a thread's affinity as the fake kernel holds it, without logging} */
    CpuSet affinityOf(int tid) {
        return affinity.get(tid);
    }

    /** {@return how many {@code set} calls were made so far} */
    int sets() {
        return sets;
    }

    @Override
    public CpuSet get(int tid) {
        log.add("get " + tid);
        CpuSet cpus = affinity.get(tid);
        if (cpus == null) {
            throw failure("sched_getaffinity", "ESRCH", tid, null);
        }
        return cpus;
    }

    @Override
    public void set(int tid, CpuSet cpus) {
        if (tid <= 0 || cpus.isEmpty()) {
            throw new IllegalArgumentException("bad set(" + tid + ", " + cpus + ")");
        }
        sets++;
        log.add("set " + tid + " " + cpus);
        Deque<String> queued = failNextSets.get(tid);
        String errno = queued == null ? null : queued.poll();
        if (errno == null && !affinity.containsKey(tid)) {
            errno = "ESRCH";
        }
        if (errno != null) {
            throw failure("sched_setaffinity", errno, tid, cpus);
        }
        affinity.put(tid, cpus);
    }

    private static AffinityException failure(String call, String errno, int tid, CpuSet cpus) {
        int number = switch (errno) {
            case "EPERM" -> 1;
            case "ESRCH" -> 3;
            default -> 22;
        };
        return new AffinityException(call, number, errno, tid, cpus);
    }
}
