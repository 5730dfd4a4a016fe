package kata.pinning.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import kata.pinning.VcpuThread;
import kata.pinning.internal.KvmTrace.Elsewhere;
import kata.pinning.internal.KvmTrace.InKvmRun;
import kata.pinning.internal.KvmTrace.Running;
import kata.pinning.internal.KvmTrace.Seen;

/**
 * Which thread runs which vCPU, decided from samples of what the threads were doing: a pure
 * decision, fed by {@link KvmVmm}'s reads of procfs.
 *
 * <p>A thread seen inside {@code ioctl(fd, KVM_RUN)} on a vCPU's fd runs that vCPU. A vCPU that stays
 * in guest code reads {@code running} at every sample and is never seen there; so when, at the
 * end, exactly one vCPU and exactly one thread that read {@code running} every time are left, they
 * are paired. When no vCPU was seen in {@code KVM_RUN} and fewer threads were always running than
 * vCPUs are missing, the vCPUs wait outside the guest: the VM is paused. Any other gap is an error
 * that names the missing vCPUs and what the unmatched threads were doing. Kernel workers never get here, and a thread that exits is {@linkplain #gone dropped}.
 */
public final class KvmPairing {

    /** How many unmatched threads an error names one by one. */
    private static final int NAMED_THREADS = 8;

    private final Map<Integer, Integer> indexByFd;
    private final SortedSet<Integer> indices;
    private final Map<Integer, Integer> tidByIndex = new TreeMap<>();
    private final Map<Integer, Activity> unmatched = new TreeMap<>();
    private int samples;

    /**
     * Starts with the vCPU fds of the VMM.
     *
     * @param indexByFd each vCPU's index, by its fd; not empty
     */
    public KvmPairing(Map<Integer, Integer> indexByFd) {
        this.indexByFd = new HashMap<>(indexByFd);
        this.indices = new TreeSet<>(indexByFd.values());
    }

    /** What one unmatched thread did over the samples. */
    private static final class Activity {
        int reads;
        int running;
        final SortedSet<String> elsewhere = new TreeSet<>();

        boolean alwaysRunning() {
            return reads > 0 && running == reads;
        }

        @Override
        public String toString() {
            String where = String.join(", ", elsewhere);
            return running == 0 ? "in " + where
                    : "running " + running + "/" + reads + (where.isEmpty() ? "" : ", else in " + where);
        }
    }

    /** Counts one more look at the threads; every unmatched thread is read once in it. */
    public void newSample() {
        samples++;
    }

    /**
     * Adds vCPU fds that appeared since: a vCPU plugged during the scan.
     *
     * @param more each vCPU's index, by its fd
     */
    public void addFds(Map<Integer, Integer> more) {
        indexByFd.putAll(more);
        indices.addAll(more.values());
    }

    /**
     * {@return whether an fd is one of the vCPU fds known so far}
     *
     * @param fd a file descriptor of the VMM
     */
    public boolean isVcpuFd(int fd) {
        return indexByFd.containsKey(fd);
    }

    /**
     * {@return whether a thread is already known to run a vCPU, so it need not be read again}
     *
     * @param tid a thread id
     */
    public boolean isMatched(int tid) {
        return tidByIndex.containsValue(tid);
    }

    /**
     * Records what a thread was doing. A {@code KVM_RUN} on an fd that is no known vCPU fd counts as
     * being elsewhere.
     *
     * @param tid the thread
     * @param seen its {@code syscall} line, read
     * @throws IllegalArgumentException naming both threads if another thread already runs that vCPU
     */
    public void seen(int tid, Seen seen) {
        if (seen instanceof InKvmRun run && indexByFd.containsKey(run.fd())) {
            int index = indexByFd.get(run.fd());
            Integer other = tidByIndex.putIfAbsent(index, tid);
            if (other != null && other != tid) {
                throw new IllegalArgumentException("two threads claim vCPU " + index + ": " + other + " and " + tid
                        + ", both in KVM_RUN on fd " + run.fd());
            }
            unmatched.remove(tid);
            return;
        }
        if (isMatched(tid)) {
            return; // a vCPU that left KVM_RUN for a moment is still that vCPU
        }
        Activity activity = unmatched.computeIfAbsent(tid, t -> new Activity());
        activity.reads++;
        switch (seen) {
            case Running r -> activity.running++;
            case Elsewhere e -> activity.elsewhere.add("syscall " + e.syscall());
            case InKvmRun run -> activity.elsewhere.add("KVM_RUN on fd " + run.fd() + ", no vCPU fd");
        }
    }

    /**
     * Drops a thread that exited during the scan.
     *
     * @param tid the thread
     */
    public void gone(int tid) {
        unmatched.remove(tid);
    }

    /** {@return whether every vCPU has its thread} */
    public boolean isComplete() {
        return tidByIndex.keySet().containsAll(indices);
    }

    /**
     * Decides, once the samples are taken.
     *
     * @param window how long the samples were taken over, for the message
     * @return every vCPU with its thread, in index order
     * @throws IllegalArgumentException if a vCPU has no thread: the VM is paused (no thread in
     *     {@code KVM_RUN} at all), or vCPUs stayed busy and could not be told apart
     */
    public List<VcpuThread> result(Duration window) {
        SortedSet<Integer> missing = new TreeSet<>(indices);
        missing.removeAll(tidByIndex.keySet());
        List<Integer> alwaysRunning = unmatched.entrySet().stream()
                .filter(e -> e.getValue().alwaysRunning()).map(Map.Entry::getKey).toList();
        Map<Integer, Integer> pairs = new TreeMap<>(tidByIndex);
        if (missing.size() == 1 && alwaysRunning.size() == 1) {
            pairs.put(missing.first(), alwaysRunning.getFirst());
        } else if (!missing.isEmpty() && tidByIndex.isEmpty() && alwaysRunning.size() < missing.size()) {
            // Too few busy threads for every vCPU to be busy: the vCPUs wait outside KVM_RUN.
            throw new IllegalArgumentException(indices.size() + " KVM vCPUs but no thread in KVM_RUN within "
                    + millis(window) + ": the VM is paused or not started; resume it (QMP cont) and check again");
        } else if (!missing.isEmpty()) {
            throw new IllegalArgumentException("vCPU " + join(missing) + " of " + indices.size() + " not seen in KVM_RUN in "
                    + samples + " samples over " + millis(window) + "; unmatched threads: " + describeUnmatched()
                    + "; check again while the guest idles, or over a longer window");
        }
        List<VcpuThread> vcpus = new ArrayList<>(pairs.size());
        pairs.forEach((index, tid) -> vcpus.add(new VcpuThread(index, tid)));
        return List.copyOf(vcpus);
    }

    private String describeUnmatched() {
        if (unmatched.isEmpty()) {
            return "none";
        }
        List<String> named = new ArrayList<>();
        int quiet = 0;
        int more = 0;
        for (Map.Entry<Integer, Activity> e : unmatched.entrySet()) {
            if (e.getValue().running == 0) {
                quiet++; // blocked in other system calls: the VMM's other threads, as a rule
            } else if (named.size() < NAMED_THREADS) {
                named.add(e.getKey() + " (" + e.getValue() + ")");
            } else {
                more++;
            }
        }
        if (more > 0) {
            named.add(more + " more running");
        }
        if (quiet > 0) {
            named.add(quiet + " never running");
        }
        return String.join(", ", named);
    }

    private static String join(SortedSet<Integer> indices) {
        return indices.stream().map(String::valueOf).collect(Collectors.joining(", "));
    }

    private static String millis(Duration window) {
        return window.toMillis() + " ms";
    }
}
