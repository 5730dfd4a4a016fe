package kata.pinning;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import kata.pinning.affinity.AffinityException;
import kata.pinning.affinity.ThreadAffinity;
import kata.pinning.cpuset.CpuSet;

/**
 * Threads and their affinities, standing in for the kernel: records every call in a shared log and
 * fails the next {@code set} of a chosen thread with a chosen errno.
 *
 * <p>As Linux does, a thread keeps the mask it asked for with {@code set} and, in a cpuset cgroup,
 * runs on that mask intersected with the cgroup's CPUs, or on all of the cgroup's CPUs when the two
 * share none or it never asked; here that is derived on every read. A {@code set} whose mask shares
 * no CPU with the cgroup fails with {@code EINVAL} and changes nothing. In the root cgroup, which
 * allows every CPU, a thread that never asked runs on the CPUs it inherited at spawn. When the
 * cgroup's CPUs change or a process moves in, {@link Generation} decides what the threads inside
 * keep.
 */
final class FakeKernel implements ThreadAffinity {

    /** What a cpuset change does to the masks the threads in the cgroup asked for. */
    enum Generation {
        /** Linux 6.2 and later: each thread keeps its mask, so a cgroup that widens again gives it back. */
        KEEPS_MASKS,
        /** Before Linux 6.2: each thread is given all of the cgroup's CPUs, as if it never asked. */
        FORGETS_MASKS
    }

    /** The CPUs each thread inherited at spawn. */
    private final Map<Integer, CpuSet> inherited = new HashMap<>();
    /** The mask each thread asked for; empty until it asks. */
    private final Map<Integer, CpuSet> requested = new HashMap<>();
    private final Map<Integer, Deque<String>> failNextSets = new HashMap<>();
    private final List<String> log;
    private final Generation generation;
    /** The CPUs of each thread's cpuset cgroup; null for the root cgroup. */
    private final IntFunction<CpuSet> cpusetOf;
    private int nextTid = 1000;
    private int sets;

    /**
     * @param log the shared call log
     * @param generation what a cpuset change does to the threads inside
     * @param cpusetOf the effective CPUs of the cpuset cgroup a thread is in, by thread id; null
     *     when it is in the root cgroup
     */
    FakeKernel(List<String> log, Generation generation, IntFunction<CpuSet> cpusetOf) {
        this.log = log;
        this.generation = generation;
        this.cpusetOf = cpusetOf;
    }

    /** Applies a change of a cpuset cgroup's CPUs, or a move into it, to the threads in cgroups. */
    void cpusetChanged() {
        if (generation == Generation.FORGETS_MASKS) {
            requested.replaceAll((tid, mask) -> cpusetOf.apply(tid) != null ? CpuSet.empty() : mask);
        }
    }

    /** Starts a thread that inherits {@code cpus} from its creator and has asked for nothing yet; returns its id. */
    int spawn(CpuSet cpus) {
        int tid = nextTid++;
        inherited.put(tid, cpus);
        requested.put(tid, CpuSet.empty());
        return tid;
    }

    /** Ends a thread: later calls for it fail with ESRCH. */
    void exit(int tid) {
        inherited.remove(tid);
        requested.remove(tid);
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

    /** {@return the CPUs a thread may run on now, as sched_getaffinity reports them, without logging; null once it exited} */
    CpuSet affinityOf(int tid) {
        CpuSet mask = requested.get(tid);
        if (mask == null) {
            return null;
        }
        CpuSet cpuset = cpusetOf.apply(tid);
        if (cpuset == null) {
            return mask.isEmpty() ? inherited.get(tid) : mask;
        }
        CpuSet allowed = mask.intersection(cpuset);
        return allowed.isEmpty() ? cpuset : allowed;
    }

    /** {@return how many {@code set} calls were made so far} */
    int sets() {
        return sets;
    }

    @Override
    public CpuSet get(int tid) {
        log.add("get " + tid);
        CpuSet cpus = affinityOf(tid);
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
        if (errno == null && !requested.containsKey(tid)) {
            errno = "ESRCH";
        }
        CpuSet cpuset = errno == null ? cpusetOf.apply(tid) : null;
        if (cpuset != null && cpus.intersection(cpuset).isEmpty()) {
            errno = "EINVAL"; // no CPU of the mask is in the thread's cpuset
        }
        if (errno != null) {
            throw failure("sched_setaffinity", errno, tid, cpus);
        }
        requested.put(tid, cpus);
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
