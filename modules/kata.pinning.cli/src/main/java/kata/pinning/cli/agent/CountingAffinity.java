package kata.pinning.cli.agent;

import java.util.concurrent.atomic.AtomicLong;
import kata.pinning.affinity.ThreadAffinity;
import kata.pinning.cpuset.CpuSet;

/**
 * The kernel's thread affinity, counting the set calls made through it, failed ones included: one
 * per sandbox, for its decisions and the metrics.
 */
final class CountingAffinity implements ThreadAffinity {

    private final ThreadAffinity kernel;
    private final AtomicLong sets = new AtomicLong();
    private final Runnable onSet;

    /**
     * @param kernel the affinity layer that makes the calls
     * @param onSet run after each set call, such as a counter of the node's calls
     */
    CountingAffinity(ThreadAffinity kernel, Runnable onSet) {
        this.kernel = kernel;
        this.onSet = onSet;
    }

    @Override
    public CpuSet get(int tid) {
        return kernel.get(tid);
    }

    @Override
    public void set(int tid, CpuSet cpus) {
        try {
            kernel.set(tid, cpus);
        } finally {
            sets.incrementAndGet();
            onSet.run();
        }
    }

    /** {@return how many set calls were made so far} */
    long sets() {
        return sets.get();
    }
}
